/**
 * Certificates generated per test run with node-forge: a trusted root (passed to the probe as `ca`), an
 * intermediate, an untrusted root, and leaves with the right name, a wrong name, a wildcard, a CN only,
 * expired dates, a self-signature, an untrusted chain and a missing intermediate.
 */
import { generateKeyPair, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import forge from 'node-forge';

const { pki } = forge;

interface KeyPair {
  readonly privateKey: forge.pki.rsa.PrivateKey;
  readonly publicKey: forge.pki.rsa.PublicKey;
  readonly pem: string;
}

/** Node generates the RSA keys, off the main thread (forge's pure-JS key generation takes seconds); forge signs. */
async function keyPair(): Promise<KeyPair> {
  const { publicKey, privateKey } = await promisify(generateKeyPair)('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  });
  return { privateKey: pki.privateKeyFromPem(privateKey), publicKey: pki.publicKeyFromPem(publicKey) as forge.pki.rsa.PublicKey, pem: privateKey };
}

export interface Issued {
  readonly cert: forge.pki.Certificate;
  readonly pem: string;
  readonly key: KeyPair;
}

interface Spec {
  readonly cn?: string;
  readonly dns?: readonly string[];
  readonly ips?: readonly string[];
  readonly ca?: boolean;
  readonly issuer?: Issued;
  readonly key: KeyPair;
  readonly notBefore?: Date;
  readonly notAfter?: Date;
}

const day = 24 * 3600 * 1000;

function issue(spec: Spec): Issued {
  const cert = pki.createCertificate();
  cert.publicKey = spec.key.publicKey;
  cert.serialNumber = `01${randomBytes(8).toString('hex')}`;
  cert.validity.notBefore = spec.notBefore ?? new Date(Date.now() - day);
  cert.validity.notAfter = spec.notAfter ?? new Date(Date.now() + 90 * day);
  const subject = spec.cn ? [{ name: 'commonName', value: spec.cn }, { name: 'organizationName', value: 'KB Probe Tests' }] : [{ name: 'organizationName', value: 'KB Probe Tests' }];
  cert.setSubject(subject);
  cert.setIssuer(spec.issuer ? spec.issuer.cert.subject.attributes : subject);
  const altNames = [...(spec.dns ?? []).map((value) => ({ type: 2, value })), ...(spec.ips ?? []).map((ip) => ({ type: 7, ip }))];
  cert.setExtensions([
    { name: 'basicConstraints', cA: spec.ca === true, critical: true },
    spec.ca ? { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true } : { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    ...(spec.ca ? [] : [{ name: 'extKeyUsage', serverAuth: true }]),
    ...(altNames.length > 0 ? [{ name: 'subjectAltName', altNames }] : []),
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign((spec.issuer?.key ?? spec.key).privateKey, forge.md.sha256.create());
  return { cert, pem: pki.certificateToPem(cert), key: spec.key };
}

/** TLS credentials for a test server: the key and the certificate chain it sends. */
export interface ServerCredentials {
  readonly key: string;
  readonly cert: string;
}

export interface TestPki {
  /** The root the probe is told to trust (`ca`). */
  readonly rootPem: string;
  readonly right: ServerCredentials;
  readonly wrongName: ServerCredentials;
  readonly wildcard: ServerCredentials;
  readonly cnOnly: ServerCredentials;
  readonly expired: ServerCredentials;
  readonly selfSigned: ServerCredentials;
  /** Leaf and root of a CA the probe does not trust. */
  readonly untrustedChain: ServerCredentials;
  /** A leaf of the trusted root's intermediate, sent without the intermediate. */
  readonly missingIntermediate: ServerCredentials;
  /** The same leaf with its intermediate: verifies. */
  readonly withIntermediate: ServerCredentials;
  /** For 127.0.0.1 URLs (CLI tests): IP and DNS localhost names. */
  readonly loopback: ServerCredentials;
  /** For [::1] URLs: the IPv6 loopback as an IP subjectAltName. */
  readonly loopback6: ServerCredentials;
}

export const host = 'mail.example.test';

/**
 * Builds the whole set. Two RSA keys keep it quick: the CAs share one (OpenSSL finds an issuer by its
 * name, and the names differ), the leaves the other.
 */
export async function createPki(): Promise<TestPki> {
  const [caKey, leafKey] = await Promise.all([keyPair(), keyPair()]);
  const root = issue({ cn: 'KB Test Root CA', ca: true, key: caKey, notAfter: new Date(Date.now() + 365 * day) });
  const inter = issue({ cn: 'KB Test Intermediate CA', ca: true, key: caKey, issuer: root });
  const other = issue({ cn: 'Untrusted Root CA', ca: true, key: caKey });
  const leaf = (spec: Omit<Spec, 'key'>, chain: readonly Issued[] = []): ServerCredentials => {
    const c = issue({ ...spec, key: leafKey });
    return { key: leafKey.pem, cert: [c, ...chain].map((x) => x.pem).join('') };
  };
  const inter1 = issue({ cn: host, dns: [host], key: leafKey, issuer: inter });
  return {
    rootPem: root.pem,
    right: leaf({ cn: host, dns: [host], issuer: root }),
    wrongName: leaf({ cn: 'other.example.net', dns: ['other.example.net', 'www.other.example.net'], issuer: root }),
    wildcard: leaf({ cn: '*.example.test', dns: ['*.example.test'], issuer: root }),
    cnOnly: leaf({ cn: host, issuer: root }),
    expired: leaf({ cn: host, dns: [host], issuer: root, notBefore: new Date(Date.now() - 400 * day), notAfter: new Date(Date.now() - 30 * day) }),
    selfSigned: leaf({ cn: host, dns: [host] }),
    untrustedChain: leaf({ cn: host, dns: [host], issuer: other }, [other]),
    missingIntermediate: { key: leafKey.pem, cert: inter1.pem },
    withIntermediate: { key: leafKey.pem, cert: inter1.pem + inter.pem },
    loopback: leaf({ cn: 'localhost', dns: ['localhost'], ips: ['127.0.0.1'], issuer: root }),
    loopback6: leaf({ cn: 'localhost', dns: ['localhost'], ips: ['::1'], issuer: root }),
  };
}

import { X509Certificate } from 'node:crypto';
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, createSecureContext, rootCertificates, type SecureContext, type TLSSocket } from 'node:tls';
import { KbError } from '../engine/errors.ts';
import type { CaOption, ResolvedAddress } from './types.ts';

/** The PEM certificate blocks of a text or buffer; none is an error the caller reports. */
function pemBlocks(value: string | Buffer): string[] {
  const text = typeof value === 'string' ? value : value.toString('latin1');
  const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) throw new KbError('PROBE_FAILED', 'The extra trusted roots (ca) contain no PEM certificate (-----BEGIN CERTIFICATE-----).', { field: 'ca' });
  return blocks;
}

/** Contexts by their extra roots: parsing Node's ~140 roots takes about 70 ms, so a few are kept. */
const contexts = new Map<string, SecureContext>();

/**
 * A TLS context that trusts Node's store plus the extra roots (Node replaces its store when `ca` is
 * given, so both go in).
 */
export function trustContext(ca: CaOption | undefined): SecureContext | undefined {
  if (ca === undefined) return undefined;
  const extra = (typeof ca === 'string' || Buffer.isBuffer(ca) ? [ca] : [...ca]).flatMap(pemBlocks);
  const key = extra.join('\n');
  const cached = contexts.get(key);
  if (cached) return cached;
  let context: SecureContext;
  try {
    for (const pem of extra) new X509Certificate(pem); // Node would skip what is not a certificate, silently
    context = createSecureContext({ ca: [...rootCertificates, ...extra] });
  } catch (e) {
    throw new KbError('PROBE_FAILED', `The extra trusted roots (ca) are not PEM certificates: ${(e as Error).message}.`, { field: 'ca', cause: e });
  }
  if (contexts.size >= 8) contexts.delete(contexts.keys().next().value!);
  contexts.set(key, context);
  return context;
}

/** Settles once: the socket's first outcome wins, the socket is always destroyed afterwards. */
function settleOnce<T>(socket: Socket, signal: AbortSignal, resolve: (v: T) => void, reject: (e: Error) => void) {
  let done = false;
  const onAbort = () => finish(() => reject(signal.reason as Error));
  const finish = (f: () => void) => {
    if (done) return;
    done = true;
    signal.removeEventListener('abort', onAbort);
    socket.destroy();
    f();
  };
  if (signal.aborted) onAbort();
  else signal.addEventListener('abort', onAbort, { once: true });
  socket.once('error', (e) => finish(() => reject(e)));
  socket.once('close', () => {
    const e: NodeJS.ErrnoException = new Error('the server closed the connection');
    e.code = 'ECONNRESET';
    finish(() => reject(e));
  });
  return { finish, ok: (v: T) => finish(() => resolve(v)) };
}

/** Opens and closes a TCP connection; rejects with the socket's code (ECONNREFUSED, EHOSTUNREACH) or the signal's reason. */
export function tcpConnect(address: ResolvedAddress, port: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = netConnect({ host: address.address, port, family: address.family });
    const s = settleOnce<void>(socket, signal, resolve, reject);
    socket.once('connect', () => s.ok());
  });
}

export interface TlsObservation {
  readonly certificate: ReturnType<TLSSocket['getPeerCertificate']> | null;
  /** Node's verification error code; undefined when the chain and the name verify. */
  readonly verifyError?: string;
  readonly protocol?: string;
}

/**
 * Completes a TLS handshake without rejecting a bad certificate, so its names, issuer and dates can be
 * reported; Node's verdict (chain, dates, then name against `servername`) comes back as `verifyError`.
 */
export function tlsHandshake(params: { readonly address: ResolvedAddress; readonly port: number; readonly servername?: string; readonly trust?: SecureContext; readonly signal: AbortSignal }): Promise<TlsObservation> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({
      host: params.address.address,
      port: params.port,
      ...(params.servername ? { servername: params.servername } : {}),
      ...(params.trust ? { secureContext: params.trust } : {}),
      rejectUnauthorized: false,
    });
    const s = settleOnce<TlsObservation>(socket, params.signal, resolve, reject);
    socket.once('secureConnect', () => {
      const error = socket.authorizationError as unknown as Error | string | null | undefined;
      const verifyError = error === null || error === undefined ? undefined : typeof error === 'string' ? error : ((error as NodeJS.ErrnoException).code ?? error.message);
      const cert = socket.getPeerCertificate(true);
      const protocol = socket.getProtocol() ?? undefined;
      s.ok({ certificate: cert && Object.keys(cert).length > 0 ? cert : null, ...(socket.authorized ? {} : { verifyError: verifyError ?? 'CERT_UNTRUSTED' }), ...(protocol ? { protocol } : {}) });
    });
  });
}

import type { DetailedPeerCertificate, PeerCertificate } from 'node:tls';
import { canonicalIp } from '../facts/hostname.ts';

/** What the report and the facts need from the server's certificate. */
export interface CertificateSummary {
  readonly subjectCN?: string;
  readonly altNames: readonly string[];
  readonly ipAltNames: readonly string[];
  readonly issuer: string;
  /** ISO 8601; absent when the server's date cannot be read. */
  readonly validFrom?: string;
  readonly validTo?: string;
  /** Past its end date or not yet valid. */
  readonly expired: boolean;
  readonly fingerprint256?: string;
}

/**
 * Splits Node's `subjectaltname` string (`DNS:a.example, DNS:*.example, IP Address:127.0.0.1`). Node
 * quotes a value that contains a comma or quote as a JSON string (since the 2022 CVE fix), so the
 * split honours quotes instead of trusting `, `.
 */
export function parseSubjectAltName(text: string | undefined): { readonly dns: string[]; readonly ip: string[] } {
  const dns: string[] = [];
  const ip: string[] = [];
  if (!text) return { dns, ip };
  let i = 0;
  while (i < text.length) {
    const colon = text.indexOf(':', i);
    if (colon === -1) break;
    const kind = text.slice(i, colon).trim();
    let value: string;
    let next: number;
    if (text[colon + 1] === '"') {
      let j = colon + 2;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      try {
        value = JSON.parse(text.slice(colon + 1, j + 1)) as string;
      } catch {
        value = text.slice(colon + 2, j);
      }
      next = text.indexOf(',', j);
    } else {
      next = text.indexOf(', ', colon);
      value = text.slice(colon + 1, next === -1 ? text.length : next);
    }
    if (kind === 'DNS') dns.push(value.trim());
    else if (kind === 'IP Address') ip.push(value.trim());
    if (next === -1) break;
    i = next + 1;
  }
  return { dns, ip };
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function iso(date: string | undefined): string | undefined {
  const t = date ? Date.parse(date) : Number.NaN;
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
}

/** The issuer as people read it: CN, else O. */
function issuerName(cert: PeerCertificate): string {
  const i = cert.issuer ?? {};
  return first(i.CN) ?? first(i.O) ?? '';
}

/** Summarises a peer certificate; `now` decides `expired` (a date outside validFrom…validTo). */
export function summarizeCertificate(cert: PeerCertificate | DetailedPeerCertificate, now: Date): CertificateSummary {
  const { dns, ip } = parseSubjectAltName(cert.subjectaltname);
  const validFrom = iso(cert.valid_from);
  const validTo = iso(cert.valid_to);
  const t = now.getTime();
  const expired = (validTo !== undefined && t > Date.parse(validTo)) || (validFrom !== undefined && t < Date.parse(validFrom));
  const cn = first(cert.subject?.CN);
  return {
    ...(cn ? { subjectCN: cn } : {}),
    altNames: dns,
    // Node writes IPv6 entries in full (0:0:0:0:0:0:0:1); the report and the URL use the short form.
    ipAltNames: ip.map((a) => canonicalIp(a) ?? a),
    issuer: issuerName(cert),
    ...(validFrom ? { validFrom } : {}),
    ...(validTo ? { validTo } : {}),
    expired,
    ...(cert.fingerprint256 ? { fingerprint256: cert.fingerprint256 } : {}),
  };
}


/**
 * Whether the certificate is trusted in the catalogue's sense (`certTrusted`: the chain verifies and
 * the dates are valid). Node checks the name only after the chain verified, so a name error means the
 * chain itself is fine.
 */
export function isTrusted(verifyError: string | undefined): boolean {
  return verifyError === undefined || verifyError === 'ERR_TLS_CERT_ALTNAME_INVALID';
}

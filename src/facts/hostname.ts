import { domainToASCII } from 'node:url';

/** Lower-case ASCII (punycode) form of a host name, without a trailing dot; null when it is not one. */
export function normalizeHost(host: string): string | null {
  const trimmed = host.trim().replace(/\.$/, '');
  if (trimmed === '' || trimmed.length > 253) return null;
  const ascii = domainToASCII(trimmed);
  return ascii === '' ? null : ascii.toLowerCase();
}

function isIpAddress(host: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.includes(':');
}

/**
 * Whether one certificate name covers the host, as RFC 6125 says: exact match (case-insensitive), or a
 * wildcard `*.` standing for exactly one whole left-most label. IP addresses never match a DNS name.
 */
export function certNameCovers(pattern: string, host: string): boolean {
  const h = normalizeHost(host);
  const p = normalizeHost(pattern.replace(/^\*\./, 'wildcard.'));
  if (!h || !p) return false;
  if (!pattern.trim().startsWith('*.')) return p === h && !pattern.includes('*');
  if (isIpAddress(h)) return false;
  const suffix = p.slice('wildcard.'.length);
  if (!suffix.includes('.')) return false; // `*.com` covers nothing
  const dot = h.indexOf('.');
  return dot > 0 && h.slice(dot + 1) === suffix;
}

/**
 * Whether a certificate covers `host`: its DNS subjectAltNames decide; the subject CN counts only when
 * the certificate has no DNS subjectAltName at all.
 */
export function certificateCoversHost(altNames: readonly string[], subjectCN: string | undefined, host: string): boolean {
  const names = altNames.length > 0 ? altNames : subjectCN ? [subjectCN] : [];
  return names.some((n) => certNameCovers(n, host));
}

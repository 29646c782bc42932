import { isIP } from 'node:net';
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
 * The canonical text of an IP address (IPv6 compressed and lower-case, as URLs write it, so
 * `0:0:0:0:0:0:0:1` and `::1` meet), with or without brackets; null when the text is no IP address.
 */
export function canonicalIp(text: string): string | null {
  const bare = text.trim().replace(/^\[(.*)\]$/, '$1');
  const family = isIP(bare);
  if (family === 0) return null;
  try {
    return new URL(family === 6 ? `http://[${bare}]/` : `http://${bare}/`).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return null;
  }
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
 * Whether a certificate covers `host`, as RFC 6125 (and RFC 2818 for addresses) says. `names` are its
 * subjectAltNames, DNS names and IP addresses together (as the probe reports them in `certNames`):
 * an IP host matches only an IP address, never a DNS name or the CN; a host name matches the DNS
 * names, and the subject CN only when the certificate has no DNS name at all.
 */
export function certificateCoversHost(names: readonly string[], subjectCN: string | undefined, host: string): boolean {
  const ip = canonicalIp(host);
  if (ip !== null) return names.some((n) => canonicalIp(n) === ip);
  const dns = names.filter((n) => canonicalIp(n) === null);
  const candidates = dns.length > 0 ? dns : subjectCN ? [subjectCN] : [];
  return candidates.some((n) => certNameCovers(n, host));
}

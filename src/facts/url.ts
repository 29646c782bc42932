import { memoize } from './_memo.ts';
import { canonicalIp, normalizeHost } from './hostname.ts';

/** What the engine reads from a URL typed into the connection form. */
export interface ParsedUrl {
  readonly scheme: string;
  readonly host: string;
  readonly port: number | null;
  readonly path: string;
}

/**
 * Parses a URL as typed by a person: surrounding spaces and quotes are dropped; a missing scheme,
 * spaces inside, a missing host or a scheme other than http(s) make it invalid (null). The host is a
 * lower-case ASCII name or an IP address (IPv6 without its brackets: `https://[::1]/` has host `::1`).
 */
export function parseFormUrl(text: unknown): ParsedUrl | null {
  return typeof text === 'string' ? parseCached(text) : null;
}

const parseCached = memoize((text: string) => parse(text), 500);

function parse(text: string): ParsedUrl | null {
  const s = text.trim().replace(/^["'<]+|["'>]+$/g, '');
  if (s.length === 0 || s.length > 2048 || /\s/.test(s)) return null;
  if (!/^https?:\/\//i.test(s)) return null;
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    return null;
  }
  // An IP literal (IPv6 in brackets) is a host as well; the URL parser has already written it canonically.
  const host = canonicalIp(u.hostname) ?? normalizeHost(u.hostname);
  if (!host) return null;
  // Underscores are not valid in DNS host names, yet internal hosts carry them and the clients connect.
  if (!/^[a-z0-9._-]+$/.test(host) && !/^[0-9a-f:.]+$/.test(host)) return null;
  return {
    scheme: u.protocol.slice(0, -1).toLowerCase(),
    host,
    port: u.port === '' ? null : Number(u.port),
    path: decodePath(u.pathname),
  };
}

function decodePath(p: string): string {
  try {
    return decodeURIComponent(p);
  } catch {
    return p;
  }
}

/** The host of a URL even when the rest is broken (`mail.example.com/owa` without a scheme gives the host). */
export function hostOf(text: unknown): string | null {
  const parsed = parseFormUrl(text);
  if (parsed) return parsed.host;
  if (typeof text !== 'string') return null;
  const m = /^\s*(?:[a-z]+:\/\/)?([^/\s:?#]+)/i.exec(text);
  if (!m || !m[1]!.includes('.')) return null;
  const host = normalizeHost(m[1]!);
  return host && /^[a-z0-9._-]+$/.test(host) ? host : null;
}

/** Fills `{host}` and `{port}` (`:443` style, empty for the default) in a URL template. */
export function fillUrlTemplate(template: string, text: unknown): string | null {
  const parsed = parseFormUrl(text);
  const host = parsed?.host ?? hostOf(text);
  if (!host) return null;
  const port = parsed?.port && !(parsed.port === 443) ? `:${parsed.port}` : '';
  return template.replace('{host}', host.includes(':') ? `[${host}]` : host).replace('{port}', port);
}

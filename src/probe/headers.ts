import { formatVersion, parseVersion } from '../facts/version.ts';
import type { AuthScheme } from './types.ts';

/** All values of one header, in order, from Node's `rawHeaders` (which keeps repeated headers apart). */
export function headerValues(rawHeaders: readonly string[], name: string): string[] {
  const out: string[] = [];
  const wanted = name.toLowerCase();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    if (rawHeaders[i]!.toLowerCase() === wanted) out.push(rawHeaders[i + 1]!);
  }
  return out;
}

/** The first value of a header, cut to a sane length (server-controlled text). */
export function headerValue(rawHeaders: readonly string[], name: string): string | undefined {
  const v = headerValues(rawHeaders, name)[0];
  return v === undefined ? undefined : v.slice(0, 200);
}

/** Splits a header value at commas outside quoted strings. */
function splitOutsideQuotes(value: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!;
    if (quoted && ch === '\\' && i + 1 < value.length) {
      current += ch + value[i + 1]!;
      i++;
      continue;
    }
    if (ch === '"') quoted = !quoted;
    if (ch === ',' && !quoted) {
      parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  parts.push(current);
  return parts;
}

export interface Challenge {
  /** The scheme as sent (`NTLM`, `Negotiate`, `Kerberos`, …). */
  readonly scheme: string;
  /** A token68 after the scheme (an NTLM or Negotiate blob), if any. */
  readonly token?: string;
}

const tokenChars = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+/;

/**
 * Reads the challenges of `WWW-Authenticate` headers (RFC 9110 §11.6.1). One header may carry several
 * (`Bearer client_id="…", error="x",Basic Realm=""`): a comma-separated element that starts with a token
 * not followed by `=` begins a new challenge; `name=value` elements are parameters of the one before.
 */
export function parseChallenges(values: readonly string[]): Challenge[] {
  const out: Challenge[] = [];
  for (const value of values) {
    for (const raw of splitOutsideQuotes(value.slice(0, 8192))) {
      const part = raw.trim();
      const m = tokenChars.exec(part);
      if (!m) continue;
      const rest = part.slice(m[0].length);
      if (/^\s*=/.test(rest) && !/^=+\s*$/.test(rest)) continue; // an auth-param of the previous challenge
      const token = rest.trim();
      if (token === '') out.push({ scheme: m[0] });
      else if (/^[A-Za-z0-9\-._~+/]+=*$/.test(token)) out.push({ scheme: m[0], token });
      else out.push({ scheme: m[0] }); // `Basic realm="x"`: scheme followed by its first parameter
    }
  }
  return out;
}

const known: Readonly<Record<string, AuthScheme>> = { basic: 'Basic', ntlm: 'NTLM', negotiate: 'Negotiate', bearer: 'Bearer', digest: 'Digest' };

/** The catalogue's `authSchemes` values among the challenges, each once, in the server's order. */
export function knownSchemes(challenges: readonly Challenge[]): AuthScheme[] {
  const out: AuthScheme[] = [];
  for (const c of challenges) {
    const s = known[c.scheme.toLowerCase()];
    if (s && !out.includes(s)) out.push(s);
  }
  return out;
}

export interface VersionReading {
  /** Four numbers, short form (`14.2.247.5`). */
  readonly version: string;
  readonly source: string;
}

/** A build as four numbers; fewer parts (`15.1`) are not a build and give null. */
function fourPartBuild(text: string): string | null {
  const s = text.trim();
  if (!/^\d{1,5}\.\d{1,5}\.\d{1,6}\.\d{1,6}$/.test(s)) return null;
  const v = parseVersion(s);
  return v ? formatVersion(v) : null;
}

/**
 * The Exchange build from response headers: `X-OWA-Version` (OWA, Exchange 2010 on), or
 * `X-ServerApplication: Exchange/15.01.2176.009` (the long form is normalised).
 */
export function versionFromHeaders(rawHeaders: readonly string[]): VersionReading | null {
  const owa = headerValue(rawHeaders, 'x-owa-version');
  const fromOwa = owa ? fourPartBuild(owa) : null;
  if (fromOwa) return { version: fromOwa, source: 'X-OWA-Version' };
  const app = headerValue(rawHeaders, 'x-serverapplication');
  const m = app ? /^Exchange\/([\d.]+)$/i.exec(app.trim()) : null;
  const fromApp = m ? fourPartBuild(m[1]!) : null;
  if (fromApp) return { version: fromApp, source: 'X-ServerApplication' };
  return null;
}

/** The build in OWA's asset paths (`/owa/14.3.513.0/themes/…`), which old servers show on the sign-in page. */
export function versionFromOwaPage(body: string): VersionReading | null {
  const m = /\/owa\/(?:prem\/|auth\/)?(\d{1,2}\.\d{1,2}\.\d{1,5}\.\d{1,5})\//i.exec(body.slice(0, 256 * 1024));
  const v = m ? fourPartBuild(m[1]!) : null;
  return v ? { version: v, source: 'OWA page asset path' } : null;
}

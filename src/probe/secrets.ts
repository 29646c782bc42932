import type { Credentials } from './ews-step.ts';

/**
 * The forms in which a password could leak into a report: as typed, and inside a Basic header. Very
 * short passwords are left out, or scrubbing would mangle ordinary text; they never enter the report
 * by construction (no request header or body is ever reported), the scrub is the second line of defence
 * against a server that echoes what it was sent.
 */
export function secretsOf(credentials: Credentials | null): string[] {
  if (!credentials) return [];
  const { username, password } = credentials;
  const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
  return [password, b64(`${username}:${password}`), b64(password), encodeURIComponent(password)].filter((s, i, all) => s.length >= 4 && all.indexOf(s) === i);
}

/** A deep copy of `value` with every secret in every string replaced by `[redacted]`. */
export function scrubSecrets<T>(value: T, secrets: readonly string[]): T {
  if (secrets.length === 0) return value;
  const scrub = (v: unknown): unknown => {
    if (typeof v === 'string') return secrets.reduce((s, secret) => s.split(secret).join('[redacted]'), v);
    if (Array.isArray(v)) return v.map(scrub);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, scrub(x)]));
    return v;
  };
  return scrub(value) as T;
}

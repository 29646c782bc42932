import type { Credentials } from './ews-step.ts';

const redacted = '[redacted]';

/**
 * The forms in which a password could come back from a server: as typed, URL-encoded (`%26`, with
 * or without `!'()*` escaped, and `+` for a space as forms write it), XML-escaped (a SOAP fault quoting it), and inside a Basic
 * header. Longest first, so a longer form is replaced whole before a shorter one inside it.
 */
export function secretsOf(credentials: Credentials | null): string[] {
  if (!credentials || credentials.password === '') return [];
  const { username, password } = credentials;
  const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
  const url = encodeURIComponent(password);
  const xml = password.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
  // encodeURIComponent leaves !'()* as they are; stricter encoders (RFC 3986) escape them too.
  const strict = url.replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const forms = [password, url, strict, url.replace(/%20/g, '+'), strict.replace(/%20/g, '+'), xml, b64(`${username}:${password}`), b64(password)];
  return [...new Set(forms)].filter((s) => s !== '').sort((a, b) => b.length - a.length);
}

/**
 * Replaces secrets in server-controlled text. Matching ignores case (a server may upper-case what it
 * echoes, and percent-escapes come in both cases). Call it on the text as received, before anything
 * cuts it: a cut echo is no longer a whole match.
 */
export class Scrubber {
  readonly #pattern: RegExp | null;
  readonly #secrets: readonly string[];

  constructor(secrets: readonly string[]) {
    this.#secrets = secrets.map((s) => s.toLowerCase());
    this.#pattern = secrets.length === 0 ? null : new RegExp(secrets.map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'gi');
  }

  get active(): boolean {
    return this.#pattern !== null;
  }

  /** `text` with every secret replaced; with `cut`, a secret's beginning left at the end (the text was cut inside it) too. */
  text(text: string, cut = false): string {
    if (!this.#pattern) return text;
    const out = text.replace(this.#pattern, redacted);
    return cut ? this.#endsInSecret(out) : out;
  }

  /** Scrubs every string in a JSON-like value (a deep copy). */
  value<T>(value: T): T {
    if (!this.#pattern) return value;
    const walk = (v: unknown): unknown => {
      if (typeof v === 'string') return this.text(v);
      if (Array.isArray(v)) return v.map(walk);
      if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
      return v;
    };
    return walk(value) as T;
  }

  /** Text cut to `max` characters after scrubbing, so no part of a secret survives the cut. */
  clip(text: string, max: number): string {
    const whole = this.text(text);
    return whole.length <= max ? whole : this.#endsInSecret(whole.slice(0, max));
  }

  #endsInSecret(text: string): string {
    const lower = text.toLowerCase();
    let longest = 0;
    for (const s of this.#secrets) {
      for (let n = Math.min(s.length - 1, lower.length); n > longest; n--) {
        if (lower.endsWith(s.slice(0, n))) {
          longest = n;
          break;
        }
      }
    }
    return longest === 0 ? text : `${text.slice(0, text.length - longest)}${redacted}`;
  }
}

/**
 * A deep copy of `value` with every secret in every string replaced by `[redacted]`: the report's
 * last pass, over text the probe wrote itself as well. Forms under 4 characters are left to the
 * scrub of the server's answers as received (see Scrubber), or this pass would mangle ordinary words.
 */
export function scrubSecrets<T>(value: T, secrets: readonly string[]): T {
  return new Scrubber(secrets.filter((s) => s.length >= 4)).value(value);
}

import { KbError } from '../engine/errors.ts';
import { type Lang, t } from '../i18n/index.ts';
import type { ProbeOptions } from './types.ts';

/** The probe's safety limits, all enforced: time per step, time overall, redirects and bytes read. */
export interface Limits {
  readonly stepTimeoutMs: number;
  readonly timeoutMs: number;
  readonly maxRedirects: number;
  readonly maxBodyBytes: number;
  /** Response header bytes Node's parser accepts before it gives up (HPE_HEADER_OVERFLOW). */
  readonly maxHeaderBytes: number;
}

export const defaultLimits: Limits = {
  stepTimeoutMs: 10_000,
  timeoutMs: 60_000,
  maxRedirects: 5,
  maxBodyBytes: 1024 * 1024,
  maxHeaderBytes: 16 * 1024,
};

/** Caps that no option may exceed, so a caller cannot turn the probe into a long-running fetcher. */
const ceilings = { stepTimeoutMs: 120_000, timeoutMs: 600_000, maxRedirects: 20, maxBodyBytes: 16 * 1024 * 1024 } as const;

/** Reads the limits from the options; a value out of range is a PROBE_FAILED error naming the option. */
export function resolveLimits(options: ProbeOptions): Limits {
  const pick = (name: keyof typeof ceilings, min: number): number => {
    const value = options[name];
    if (value === undefined) return defaultLimits[name];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > ceilings[name]) {
      throw new KbError('PROBE_FAILED', `The probe option ${name} must be a whole number from ${min} to ${ceilings[name]}; got ${String(value)}.`, { field: name });
    }
    return value;
  };
  return {
    stepTimeoutMs: pick('stepTimeoutMs', 1),
    timeoutMs: pick('timeoutMs', 1),
    maxRedirects: pick('maxRedirects', 0),
    maxBodyBytes: pick('maxBodyBytes', 1),
    maxHeaderBytes: defaultLimits.maxHeaderBytes,
  };
}

/** An error shaped like Node's own socket errors, so every timeout reports the same `ETIMEDOUT` code. */
export function timeoutError(what: string, ms: number, lang: Lang = 'en'): NodeJS.ErrnoException {
  const e: NodeJS.ErrnoException = new Error(t(lang, 'probe.timeout', { what, ms }));
  e.code = 'ETIMEDOUT';
  return e;
}

/** The stable code of an error: Node's `code` (ENOTFOUND, CERT_HAS_EXPIRED, HPE_…), else a generic one. */
export function errorCodeOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && /^[A-Z0-9_]{2,64}$/.test(code)) return code;
  if ((error as { name?: unknown } | null)?.name === 'AbortError') return 'ABORT_ERR';
  return 'EPROBE';
}

/** A short message for a report line; server-controlled text is cut so one line stays one line. */
export function errorMessageOf(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/\s+/g, ' ').slice(0, 200);
}

/** A signal for one step: aborts after `ms` with an ETIMEDOUT error (its message in `lang`), or when `outer` aborts. */
export function stepSignal(what: string, ms: number, outer?: AbortSignal, lang: Lang = 'en'): { readonly signal: AbortSignal; readonly dispose: () => void } {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(timeoutError(what, ms, lang)), ms);
  const onOuter = () => controller.abort(outer?.reason);
  if (outer?.aborted) controller.abort(outer.reason);
  else outer?.addEventListener('abort', onOuter, { once: true });
  return {
    signal: controller.signal,
    dispose: () => {
      clearTimeout(timer);
      outer?.removeEventListener('abort', onOuter);
    },
  };
}

/** Rejects with the signal's reason as soon as it aborts; lets an uncancellable promise (dns.lookup) be bounded. */
export function raceSignal<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e as Error);
      },
    );
  });
}

import { Lru, requestKey } from '../engine/lru.ts';

/**
 * Serialized diagnoses by request, per knowledge base. A diagnosis is a pure function of the
 * knowledge base and the request, and chatbots and the web page repeat requests (retries, a
 * permalink reopened, a question answered back and forth), so the same answer is served again
 * without re-running the engine. A reload brings a new knowledge base object and so a new cache.
 */
export interface CachedAnswer {
  readonly json: string;
  readonly lang: string;
  readonly symptom: string | null;
  readonly top: string | null;
  readonly causes: number;
}

/**
 * Characters of answers (and keys) kept per knowledge base. Large requests are cached under a
 * digest of their key; the budget keeps a run of huge answers from holding memory the common ones need.
 */
export const maxCachedChars = 64 * 1024 * 1024;

export class ResponseCache {
  readonly #byKb = new WeakMap<object, Lru<string, CachedAnswer>>();
  readonly #size: number;

  constructor(size: number) {
    this.#size = size;
  }

  /** The key of a request, or null when the cache is off; long requests are keyed by their SHA-256. */
  key(parts: readonly unknown[]): string | null {
    if (this.#size <= 0) return null;
    return requestKey(JSON.stringify(parts));
  }

  get(kb: object, key: string | null): CachedAnswer | undefined {
    return key === null ? undefined : this.#byKb.get(kb)?.get(key);
  }

  set(kb: object, key: string | null, answer: CachedAnswer): void {
    if (key === null) return;
    let lru = this.#byKb.get(kb);
    if (!lru) {
      lru = new Lru(this.#size, maxCachedChars);
      this.#byKb.set(kb, lru);
    }
    lru.set(key, answer, answer.json.length + key.length);
  }
}

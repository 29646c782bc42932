import { Lru } from '../engine/lru.ts';

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

/** Requests larger than this are not cached: they are rare and would crowd out the common ones. */
const maxKeyLength = 4096;

export class ResponseCache {
  readonly #byKb = new WeakMap<object, Lru<string, CachedAnswer>>();
  readonly #size: number;

  constructor(size: number) {
    this.#size = size;
  }

  key(parts: readonly unknown[]): string | null {
    if (this.#size <= 0) return null;
    const key = JSON.stringify(parts);
    return key.length <= maxKeyLength ? key : null;
  }

  get(kb: object, key: string | null): CachedAnswer | undefined {
    return key === null ? undefined : this.#byKb.get(kb)?.get(key);
  }

  set(kb: object, key: string | null, answer: CachedAnswer): void {
    if (key === null) return;
    let lru = this.#byKb.get(kb);
    if (!lru) {
      lru = new Lru(this.#size);
      this.#byKb.set(kb, lru);
    }
    lru.set(key, answer);
  }
}

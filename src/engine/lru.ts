import { createHash } from 'node:crypto';

/**
 * A small least-recently-used map: `get` refreshes an entry, `set` drops the oldest beyond `size`
 * entries, or beyond `maxWeight` when entries are weighed (a few huge entries must not hold what
 * many common ones would).
 */
export class Lru<K, V> {
  readonly #map = new Map<K, { value: V; weight: number }>();
  readonly size: number;
  readonly maxWeight: number;
  #weight = 0;

  constructor(size: number, maxWeight = Number.POSITIVE_INFINITY) {
    this.size = size;
    this.maxWeight = maxWeight;
  }

  get(key: K): V | undefined {
    const entry = this.#map.get(key);
    if (entry !== undefined) {
      this.#map.delete(key);
      this.#map.set(key, entry);
    }
    return entry?.value;
  }

  /** Stores `value`; one heavier than a sixteenth of maxWeight is not kept at all. */
  set(key: K, value: V, weight = 1): void {
    if (this.size <= 0 || weight > this.maxWeight / 16) return;
    this.#drop(key);
    this.#map.set(key, { value, weight });
    this.#weight += weight;
    while (this.#map.size > this.size || this.#weight > this.maxWeight) this.#drop(this.#map.keys().next().value as K);
  }

  #drop(key: K): void {
    const entry = this.#map.get(key);
    if (entry === undefined) return;
    this.#map.delete(key);
    this.#weight -= entry.weight;
  }

  clear(): void {
    this.#map.clear();
    this.#weight = 0;
  }
}

/** Longest cache key kept as it is; a longer one is replaced by its SHA-256. */
const maxPlainKey = 4096;

/**
 * A cache key for a request already serialized to JSON: short keys as they are, long ones (a huge
 * pasted log) as a SHA-256 digest, so the same large request is answered from the cache too instead
 * of being computed again each time it is sent.
 */
export function requestKey(json: string): string {
  return json.length <= maxPlainKey ? json : `sha256:${createHash('sha256').update(json).digest('base64')}`;
}

/** Freezes an object graph so a cached value can be handed out many times without copies. */
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

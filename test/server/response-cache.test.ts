import { describe, expect, it } from 'vitest';
import { ResponseCache } from '../../src/server/response-cache.ts';

const answer = (json: string) => ({ json, lang: 'en', symptom: null, top: null, causes: 0 });

describe('the response cache', () => {
  it('keeps answers per knowledge base, so a reload never serves an old answer', () => {
    const cache = new ResponseCache(10);
    const kbA = {};
    const kbB = {};
    const key = cache.key(['de', 'md', { message: 'Nicht autorisiert' }]);
    cache.set(kbA, key, answer('A'));
    expect(cache.get(kbA, key)?.json).toBe('A');
    expect(cache.get(kbB, key)).toBeUndefined();
  });

  it('evicts the least recently used answer', () => {
    const cache = new ResponseCache(2);
    const kb = {};
    const [k1, k2, k3] = [1, 2, 3].map((n) => cache.key([n]));
    cache.set(kb, k1!, answer('1'));
    cache.set(kb, k2!, answer('2'));
    cache.get(kb, k1!);
    cache.set(kb, k3!, answer('3'));
    expect(cache.get(kb, k2!)).toBeUndefined();
    expect(cache.get(kb, k1!)?.json).toBe('1');
    expect(cache.get(kb, k3!)?.json).toBe('3');
  });

  it('does not cache huge requests, and size 0 turns it off', () => {
    expect(new ResponseCache(10).key([{ message: 'x'.repeat(5000) }])).toBeNull();
    expect(new ResponseCache(0).key(['small'])).toBeNull();
  });
});

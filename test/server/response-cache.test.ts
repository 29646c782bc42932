import { describe, expect, it } from 'vitest';
import { maxCachedChars, ResponseCache } from '../../src/server/response-cache.ts';

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

  it('keys a huge request by its digest, so the same hostile body is answered from the cache, and size 0 turns it off', () => {
    const cache = new ResponseCache(10);
    const kb = {};
    const huge = cache.key([{ message: '㌖'.repeat(20_000) }]);
    expect(huge).toMatch(/^sha256:/);
    expect(huge!.length).toBeLessThan(100);
    expect(cache.key([{ message: '㌖'.repeat(20_000) }])).toBe(huge);
    expect(cache.key([{ message: `${'㌖'.repeat(19_999)}x` }])).not.toBe(huge);
    cache.set(kb, huge, answer('H'));
    expect(cache.get(kb, huge)?.json).toBe('H');
    expect(new ResponseCache(0).key(['small'])).toBeNull();
  });

  it('holds answers up to a budget of characters: a few huge answers do not push out everything else for long', () => {
    const cache = new ResponseCache(1000);
    const kb = {};
    const small = cache.key(['small']);
    cache.set(kb, small, answer('s'));
    // An answer over a sixteenth of the budget is not kept at all.
    const tooBig = cache.key(['too big']);
    cache.set(kb, tooBig, answer('x'.repeat(maxCachedChars / 16 + 1)));
    expect(cache.get(kb, tooBig)).toBeUndefined();
    expect(cache.get(kb, small)?.json).toBe('s');
    // Seventeen answers of nearly a sixteenth each overflow the budget: the oldest go first, the small one, then the first big one.
    for (let i = 0; i < 17; i++) cache.set(kb, cache.key(['big', i]), answer('x'.repeat(maxCachedChars / 16 - 100)));
    expect(cache.get(kb, small)).toBeUndefined();
    expect(cache.get(kb, cache.key(['big', 0]))).toBeUndefined();
    expect(cache.get(kb, cache.key(['big', 16]))?.json.length).toBe(maxCachedChars / 16 - 100);
  });
});

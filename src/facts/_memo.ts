/**
 * Remembers a pure function's results by its string argument, up to `limit` entries (then starts
 * over). Question simulation parses the same few URLs and builds thousands of times per diagnosis.
 */
export function memoize<T>(fn: (text: string) => T, limit: number): (text: string) => T {
  const cache = new Map<string, T>();
  return (text) => {
    if (cache.has(text)) return cache.get(text) as T;
    const value = fn(text);
    if (cache.size >= limit) cache.clear();
    cache.set(text, value);
    return value;
  };
}

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';

export interface RegexVerdict {
  readonly status: 'safe' | 'vulnerable' | 'unknown';
  /** A short input that makes the pattern backtrack catastrophically. */
  readonly attack?: string;
}

// recheck's analysis takes up to seconds per pattern; verdicts depend only on pattern and flags, so they
// are kept in memory and in a cache file under node_modules/.cache (rebuilt when missing).
const cacheFile = join(import.meta.dirname, '..', '..', 'node_modules', '.cache', 'exchange-kb', 'regex-safety.json');
let cache: Map<string, RegexVerdict> | undefined;

function loadCache(): Map<string, RegexVerdict> {
  if (cache) return cache;
  try {
    cache = new Map(Object.entries(JSON.parse(readFileSync(cacheFile, 'utf8')) as Record<string, RegexVerdict>));
  } catch {
    cache = new Map();
  }
  return cache;
}

function saveCache(): void {
  try {
    mkdirSync(join(cacheFile, '..'), { recursive: true });
    writeFileSync(cacheFile, JSON.stringify(Object.fromEntries(loadCache())));
  } catch {
    // A read-only install still works, only slower.
  }
}

/**
 * Whether a pattern can backtrack catastrophically (ReDoS, exponential or polynomial), decided by
 * recheck's analysis (automaton and fuzzing) rather than a star-height heuristic.
 */
export function checkRegexSafety(pattern: string, flags: string): RegexVerdict {
  const key = `${flags}/${pattern}`;
  const known = loadCache().get(key);
  if (known) return known;
  // recheck starts a native checker; load it only when a verdict is not cached.
  const { checkSync } = createRequire(import.meta.url)('recheck') as typeof import('recheck');
  // The largest bundled patterns take about 4 s on an idle 2-CPU machine; a loaded one (tests in
  // parallel) needs several times that, and a timeout here reads as a lint warning.
  const result = checkSync(pattern, flags.replace(/[^dgimsuyv]/g, ''), { timeout: 30_000 });
  let verdict: RegexVerdict;
  if (result.status === 'vulnerable') {
    const attack = result.attack.pattern;
    verdict = { status: 'vulnerable', attack: attack.length > 80 ? `${attack.slice(0, 77)}...` : attack };
  } else {
    verdict = { status: result.status === 'safe' ? 'safe' : 'unknown' };
  }
  // An undecided verdict depends on the machine's load, not on the pattern: ask again next time.
  if (verdict.status !== 'unknown') {
    loadCache().set(key, verdict);
    saveCache();
  }
  return verdict;
}

/** Levenshtein distance, for "did you mean" hints. */
export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length]!;
}

/**
 * The candidate closest to `word`: a typo of it (edit distance at most a third of its length, at
 * least 2), else the one name that shares the most words with it (`webmailWorks` →
 * `credentialsWorkInWebmail`: camelCase and kebab-case parts, compared by their first four letters).
 */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  if (word.length > 200) return undefined; // an edit distance over pasted text helps nobody
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  const w = word.toLowerCase();
  for (const c of candidates) {
    // The distance is at least the difference in length: skip the matrix when that already loses.
    const lower = c.toLowerCase();
    if (Math.abs(lower.length - w.length) >= bestDistance) continue;
    const d = editDistance(w, lower);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best ?? sharingWords(word, candidates);
}

/** Meaningful parts of a name: "credentialsWorkInWebmail" → cred, work, webm (parts under 4 letters dropped). */
function parts(name: string): Set<string> {
  return new Set(
    name
      .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
      .toLowerCase()
      .split(/[^a-z0-9]+/)
      .filter((p) => p.length >= 4)
      .map((p) => p.slice(0, 4)),
  );
}

function sharingWords(word: string, candidates: readonly string[]): string | undefined {
  const wanted = parts(word);
  if (wanted.size === 0) return undefined;
  let best: string | undefined;
  let bestShared = 0;
  let tie = false;
  for (const c of candidates) {
    const shared = [...parts(c)].filter((p) => wanted.has(p)).length;
    if (shared > bestShared) {
      best = c;
      bestShared = shared;
      tie = false;
    } else if (shared === bestShared && shared > 0) {
      tie = true;
    }
  }
  // Half of the word's parts at least, and one clear winner: otherwise a hint would be a guess.
  return best && !tie && bestShared * 2 >= wanted.size ? best : undefined;
}

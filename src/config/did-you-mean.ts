/**
 * "Did you mean" suggestions for misspelt keys and values.
 */

/** Optimal-string-alignment distance: Levenshtein plus adjacent transpositions ("kernal" → "kernel" is 1). */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

const loose = (s: string) => s.toLowerCase().replace(/[-_\s]/g, '');

/**
 * The candidate `word` was most likely meant to be, or undefined when none is close:
 * same letters ignoring case and separators (`use_bias` → `useBias`), then the nearest by
 * edit distance (at most 1 for short words, 2 from five letters), then a unique prefix
 * match (`conv` → `conv2d`).
 */
export function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  const w = loose(word);
  const same = candidates.find((c) => loose(c) === w);
  if (same !== undefined) return same;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const distance = editDistance(w, loose(c));
    if (distance < bestDistance) [best, bestDistance] = [c, distance];
  }
  if (best !== undefined && bestDistance <= (w.length >= 5 ? 2 : 1)) return best;
  const prefixed = w.length >= 3 ? candidates.filter((c) => loose(c).startsWith(w)) : [];
  return prefixed.length === 1 ? prefixed[0] : undefined;
}

/** "did you mean …?" for a mistyped command, option or value: the closest known word, if close. */

/** Edit distance: insertions, deletions, substitutions and swaps of two neighbours ('modle' → 'model' is 1). */
export function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[a.length][b.length];
}

/** The known word nearest to `word` (ignoring case, '-' and '_'), when at most a third of it differs; else undefined. */
export function closest(word: string, known: readonly string[]): string | undefined {
  const norm = (s: string) => s.toLowerCase().replace(/[-_]/g, '');
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const k of known) {
    // A known word the typed one starts with ('--output' for '--out') counts as close.
    const d = norm(word).startsWith(norm(k)) && norm(k).length >= 3 ? 1 : editDistance(norm(word), norm(k));
    if (d < bestDistance) [best, bestDistance] = [k, d];
  }
  return bestDistance <= Math.max(1, Math.floor(norm(word).length / 3)) ? best : undefined;
}

/** " Did you mean 'x'?" or ''. */
export function didYouMean(word: string, known: readonly string[], prefix = ''): string {
  const c = closest(word, known);
  return c === undefined ? '' : ` Did you mean '${prefix}${c}'?`;
}

/** "did you mean …?" for a mistyped command, option or value: core's suggestKey, plus one rule of command lines. */
import { suggestKey } from '@layerwise/core';

/**
 * The known word meant by `word`: core's suggestion (the options validator's: case, '_' and small
 * typos), else a known word the typed one starts with ('--output' for '--out': a longer spelling
 * of a flag, which an edit distance counts as too far).
 */
export function closest(word: string, known: readonly string[]): string | undefined {
  const suggested = suggestKey(word, known);
  if (suggested !== undefined) return suggested;
  const norm = (s: string) => s.toLowerCase().replace(/[-_]/g, '');
  return known.find((k) => norm(k).length >= 3 && norm(word).startsWith(norm(k)));
}

/** " Did you mean 'x'?" or ''. */
export function didYouMean(word: string, known: readonly string[], prefix = ''): string {
  const c = closest(word, known);
  return c === undefined ? '' : ` Did you mean '${prefix}${c}'?`;
}

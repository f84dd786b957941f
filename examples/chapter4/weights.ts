/**
 * The tutorial loads ImageNet weights (`weights='imagenet'`). WEIGHTS=none gives random weights
 * (no download: what the tests use), WEIGHTS=<file> loads a weights file instead.
 */
export function weightsFromEnv(): 'imagenet' | string | null {
  const w = process.env.WEIGHTS;
  return w === 'none' ? null : (w ?? 'imagenet');
}

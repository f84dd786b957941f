import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// Resolved relative to this module: src/assets.ts and the bundled dist/index.js are both
// one level below the package root, so '../assets/' is the package's assets folder in both.
/** The folder holding the embedded Fashion-MNIST sample (gzipped IDX files + LICENSE). */
export function fashionMnistSampleDir(): string {
  return resolve(fileURLToPath(new URL('../assets/fashion-mnist-sample/', import.meta.url)));
}

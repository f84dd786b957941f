import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

// Tests import the packages by name; resolve them to source so a test run needs no build.
// (The pack-and-install test uses the built dist on purpose.)
const src = (p: string) => fileURLToPath(new URL(`./${p}/src/index.ts`, import.meta.url));
export default defineConfig({
  resolve: {
    alias: {
      '@layerwise/core': src('packages/core'),
      '@layerwise/layers': src('packages/layers'),
      '@layerwise/data': src('packages/data'),
      '@layerwise/augment': src('packages/augment'),
      '@layerwise/applications': src('packages/applications'),
      '@layerwise/backend-onnx': src('packages/backend-onnx'),
      '@layerwise/backend-tfjs': src('packages/backend-tfjs'),
      '@layerwise/plot': src('packages/plot'),
    },
  },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'apps/*/test/**/*.test.ts', 'examples/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // The default output, then the number of tests run on each backend and kernel set.
    reporters: ['default', './test/helpers/backend-counts.ts'],
  },
});

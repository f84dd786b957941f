import { defineConfig } from 'tsup';
// Two entries: the package, and the flow worker (dist/augment-worker.js, found next to
// dist/index.js at run time).
export default defineConfig({
  entry: { index: 'src/index.ts', 'augment-worker': 'src/worker.ts' },
  format: ['esm'],
  dts: { entry: { index: 'src/index.ts' } },
  clean: true,
  sourcemap: true,
  target: 'node20',
  external: ['esbuild'],
});

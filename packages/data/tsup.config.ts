import { defineConfig } from 'tsup';
// Two entries: the package, and the image worker the directory iterator starts
// (dist/image-worker.js, found next to dist/index.js at run time).
export default defineConfig({
  entry: { index: 'src/index.ts', 'image-worker': 'src/directory/worker.ts' },
  format: ['esm'],
  dts: { entry: { index: 'src/index.ts' } },
  clean: true,
  sourcemap: true,
  target: 'node20',
  external: ['esbuild'],
});

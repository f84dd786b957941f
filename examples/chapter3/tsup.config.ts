import { defineConfig } from 'tsup';
// One runnable file per tutorial program: node examples/chapter3/dist/fit-generator.js
export default defineConfig({
  entry: ['flow-loop.ts', 'fit-generator.ts', 'flow-from-directory.ts'],
  format: ['esm'],
  outDir: 'dist',
  dts: false,
  clean: true,
  target: 'node20',
});

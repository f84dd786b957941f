import { defineConfig } from 'tsup';
// One runnable file per tutorial program: node examples/chapter2/dist/cnn.js
export default defineConfig({
  entry: ['cnn.ts', 'inception-block.ts', 'shortcut.ts'],
  format: ['esm'],
  outDir: 'dist',
  dts: false,
  clean: true,
  target: 'node20',
});

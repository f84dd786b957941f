import { defineConfig } from 'tsup';
// One runnable file per tutorial program: node examples/chapter1/dist/mlp.js
export default defineConfig({
  entry: ['mlp.ts', 'overfit.ts', 'weight-decay.ts', 'dropout.ts', 'batchnorm.ts'],
  format: ['esm'],
  outDir: 'dist',
  dts: false,
  clean: true,
  target: 'node20',
});

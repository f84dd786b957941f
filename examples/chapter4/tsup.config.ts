import { defineConfig } from 'tsup';
// One runnable file per tutorial program: node examples/chapter4/dist/vgg16-predict.js banana1.jpg
export default defineConfig({
  entry: ['vgg16-summary.ts', 'vgg16-plot.ts', 'vgg16-predict.ts', 'inceptionv3-plot.ts', 'inceptionv3-predict.ts', 'resnet50-plot.ts', 'resnet50-predict.ts', 'transfer-features.ts', 'transfer-train-top.ts', 'transfer-fine-tune.ts'],
  format: ['esm'],
  outDir: 'dist',
  dts: false,
  clean: true,
  target: 'node20',
});

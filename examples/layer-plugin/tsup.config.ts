import { defineConfig } from 'tsup';
// Three entries: the layer and its op (no backend needed), and one lowering module per backend.
export default defineConfig({
  entry: ['src/index.ts', 'src/onnx.ts', 'src/tfjs.ts'],
  format: ['esm'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
  external: [/^@layerwise\//, /^@tensorflow\//],
});

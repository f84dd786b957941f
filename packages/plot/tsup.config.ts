import { defineConfig } from 'tsup';
// ESM only: vega and vega-lite use top-level await and cannot be require()d.
export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
  external: ['sharp', 'vega', 'vega-lite', '@hpcc-js/wasm-graphviz'],
});

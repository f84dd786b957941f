import { defineConfig } from 'tsup';
// A command, not a library: one ESM file with a shebang, no .d.ts. The @layerwise packages
// stay external (they are dependencies), so the data package finds its embedded sample.
export default defineConfig({
  entry: ['src/cli.ts'],
  format: ['esm'],
  dts: false,
  clean: true,
  sourcemap: true,
  target: 'node20',
  banner: { js: '#!/usr/bin/env node' },
});

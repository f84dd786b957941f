import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script, no type declarations
import { walk, wasmModuleSource } from '../../scripts/build-wasm.mjs';

/**
 * The WebAssembly the packages run is committed as base64 in TypeScript modules generated from
 * hand-written .wat files (scripts/build-wasm.mjs). Each module must be exactly what the script
 * makes from its .wat today: an edit to a .wat without re-running the script fails here.
 */
const root = fileURLToPath(new URL('../../', import.meta.url));
const wats: string[] = (walk(`${root}packages`) as string[]).sort();

describe('committed WebAssembly modules match their .wat sources', () => {
  it('finds the .wat files', () => {
    expect(wats.length).toBeGreaterThan(0);
  });
  it.each(wats.map((w) => [w.slice(root.length), w]))('%s', (_, wat) => {
    const committed = readFileSync(wat.replace(/\.wat$/, '.ts'), 'utf8');
    expect(committed, `run: node scripts/build-wasm.mjs`).toBe(wasmModuleSource(wat, readFileSync(wat, 'utf8')));
  });
});

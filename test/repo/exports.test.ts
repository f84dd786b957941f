import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * A package exports only what its README documents: every name its entry point exports is
 * mentioned in README.md (as `name`, or `name(` … in code). Internal helpers stay internal, so
 * they can change without breaking users. (@layerwise/data has the same check in
 * packages/data/test/exports.test.ts.)
 */
const root = fileURLToPath(new URL('../../', import.meta.url));
const PACKAGES = ['core', 'layers', 'augment', 'applications', 'backend-onnx', 'backend-tfjs', 'plot'];

describe('package exports are documented in the README', () => {
  it.each(PACKAGES)('@layerwise/%s', async (name) => {
    const mod: Record<string, unknown> = await import(`@layerwise/${name}`);
    const readme = readFileSync(`${root}packages/${name}/README.md`, 'utf8');
    const mentioned = (id: string) => new RegExp(`(^|[^A-Za-z0-9_$])${id.replace(/\$/g, '\\$')}([^A-Za-z0-9_$]|$)`, 'm').test(readme);
    expect(Object.keys(mod).filter((id) => !mentioned(id))).toEqual([]);
  });
});

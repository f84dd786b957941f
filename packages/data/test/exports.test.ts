import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as data from '@layerwise/data';

/** The package exports only what its README documents (internal modules stay internal). */
describe('@layerwise/data exports', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  it('every export is documented in the README', () => {
    expect(Object.keys(data).filter((name) => !new RegExp(`\\b${name}\\b`).test(readme))).toEqual([]);
  });
  it('the zip, tar and pickle readers are not exported', () => {
    for (const name of ['readZip', 'writeZip', 'isZip', 'crc32', 'readTarFile', 'readTarMembers', 'readPickle', 'PickleDict']) expect(data).not.toHaveProperty(name);
  });
});

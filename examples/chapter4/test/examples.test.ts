import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';

// Runs the built examples (npm run build builds them) with random weights (WEIGHTS=none: no
// download) on a yellow test photo, in a temp folder where the pictures are written.
const dist = fileURLToPath(new URL('../dist/', import.meta.url));
const cwd = mkdtempSync(join(tmpdir(), 'lw-chapter4-'));
const run = (file: string, ...args: string[]) =>
  spawnSync(process.execPath, [`${dist}${file}`, ...args], { cwd, encoding: 'utf8', timeout: 300_000, env: { ...process.env, WEIGHTS: 'none' } });

describe.skipIf(!existsSync(`${dist}vgg16-predict.js`))('examples/chapter4 (built)', () => {
  beforeAll(async () => {
    const pixels = Buffer.alloc(320 * 240 * 3);
    for (let i = 0; i < pixels.length; i += 3) pixels.set([230, 200 + ((i / 3) % 40), 40], i);
    await sharp(pixels, { raw: { width: 320, height: 240, channels: 3 } }).jpeg().toFile(join(cwd, 'banana1.jpg'));
  });

  it.each(['vgg16-predict.js', 'inceptionv3-predict.js', 'resnet50-predict.js'])('%s prints the top 3 as the tutorial does', (file) => {
    const r = run(file);
    expect(r.status, r.stderr).toBe(0);
    // A name is printed as Python's repr prints it: in double quotes when it holds a ' (jack-o'-lantern).
    const triple = String.raw`\('n\d{8}', (?:'[^']+'|"[^"]+"), [0-9.e-]+\)`;
    expect(r.stdout).toMatch(new RegExp(String.raw`^Predicted: \[${triple}, ${triple}, ${triple}\]\n$`));
  });

  it("vgg16-summary.js prints Keras' table", () => {
    const r = run('vgg16-summary.js');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('Model: "vgg16"');
    expect(r.stdout).toContain('│ predictions (Dense)');
    expect(r.stdout).toContain(' Total params: 138,357,544 (527.79 MB)');
  });

  it.each([
    ['vgg16-plot.js', 'vgg16_model.png'],
    ['inceptionv3-plot.js', 'inceptionv3_model.svg'],
    ['resnet50-plot.js', 'resnet50_model.svg'],
  ])('%s draws %s', (file, picture) => {
    const r = run(file, ...(picture.endsWith('.png') ? [] : [picture]));
    expect(r.status, r.stderr).toBe(0);
    const bytes = readFileSync(join(cwd, picture));
    if (picture.endsWith('.png')) expect([...bytes.subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    else expect(bytes.toString('utf8')).toContain('<svg');
  });
});

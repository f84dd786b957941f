#!/usr/bin/env node
// The two-class image set of the tutorial's sections 4.4 and 4.5, from real images: Fashion-MNIST's
// bags and sneakers upscaled to JPEG files, 864 training images and 700 test images laid out like
// the tutorial's data240x360 folders (one folder per class, listed alphabetically: bag = 0, sneaker = 1):
//
//   node scripts/make-transfer-data.mjs [OUT_DIR] [--size 240x360|60x90] [--train 432] [--test 350]
//
//   OUT_DIR/train/bag/0000.jpg … OUT_DIR/train/sneaker/…   (432 + 432)
//   OUT_DIR/test/bag/…          OUT_DIR/test/sneaker/…     (350 + 350)
//
// OUT_DIR defaults to data<size> (data240x360), the tutorial's folder name. Uses the full
// Fashion-MNIST when available (Debian's dataset-fashion-mnist, the Layerwise or Keras cache),
// else the sample embedded in @layerwise/data. Needs @layerwise/data built (npm run build).
// The examples (examples/chapter4/transfer-*.ts), `layerwise transfer` and the bench use it.
import { parseArgs } from 'node:util';
import { makeFashionImageSet } from '@layerwise/data';

const { values, positionals } = parseArgs({
  options: { size: { type: 'string', default: '240x360' }, train: { type: 'string', default: '432' }, test: { type: 'string', default: '350' } },
  allowPositionals: true,
});
if (!/^\d+x\d+$/.test(values.size)) {
  console.error(`--size must be HxW (240x360, 60x90), got '${values.size}'`);
  process.exit(2);
}
const [h, w] = values.size.split('x').map(Number);
const out = positionals[0] ?? `data${values.size}`;
const started = Date.now();
const set = await makeFashionImageSet(out, { classes: ['sneaker', 'bag'], perClass: { train: Number(values.train), test: Number(values.test) }, size: [h, w] });
console.log(`wrote ${Object.entries(set.counts).map(([s, n]) => `${n} ${s}`).join(', ')} images (${set.classes.join(', ')}; ${h}x${w}) to ${out} in ${((Date.now() - started) / 1000).toFixed(1)} s`);

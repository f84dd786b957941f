#!/usr/bin/env node
// Builds the Fashion-MNIST sample shipped in assets/fashion-mnist-sample/: the first
// 4000 training and first 1000 test images and labels, as gzipped IDX files named like
// the originals so the package's ordinary IDX loader reads them.
//
//   node packages/data/scripts/make-sample.mjs [sourceDir]
//
// sourceDir defaults to the Debian package's copy (apt-get install dataset-fashion-mnist).
// Self-contained on purpose (node built-ins only): it must run before the package is built.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { gunzipSync, gzipSync, constants } from 'node:zlib';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SOURCE = process.argv[2] ?? '/usr/share/datasets/fashion-mnist';
const OUT = fileURLToPath(new URL('../assets/fashion-mnist-sample/', import.meta.url));
const COUNTS = { train: 4000, t10k: 1000 };

mkdirSync(OUT, { recursive: true });
const sha256 = (b) => createHash('sha256').update(b).digest('hex');
const sources = [];

for (const [split, n] of Object.entries(COUNTS)) {
  for (const [kind, headerBytes, itemBytes] of [['images-idx3-ubyte', 16, 28 * 28], ['labels-idx1-ubyte', 8, 1]]) {
    const name = `${split}-${kind}.gz`;
    const packed = readFileSync(join(SOURCE, name));
    const raw = gunzipSync(packed);
    const header = Buffer.from(raw.subarray(0, headerBytes));
    const total = header.readUInt32BE(4);
    if (total < n) throw new Error(`${name}: holds ${total} items, need ${n}`);
    header.writeUInt32BE(n, 4); // the item count is the first dimension
    const body = raw.subarray(headerBytes, headerBytes + n * itemBytes);
    // mtime 0 (Node's gzip writes none) keeps the output byte-identical across runs.
    const gz = gzipSync(Buffer.concat([header, body]), { level: constants.Z_BEST_COMPRESSION });
    writeFileSync(join(OUT, name), gz);
    sources.push(`${name}  first ${n} of ${total} items of ${join(SOURCE, name)} (sha256 ${sha256(packed)})`);
    console.log(`${name}: ${n} items, ${gz.length} bytes`);
  }
}

const copyright = readFileSync('/usr/share/doc/dataset-fashion-mnist/copyright', 'utf8');
writeFileSync(
  join(OUT, 'LICENSE'),
  `Fashion-MNIST sample
====================

The files in this folder are a subset of Fashion-MNIST
(https://github.com/zalandoresearch/fashion-mnist): the first 4000 training and the
first 1000 test images and labels, unchanged apart from the item count in each IDX
header. Made by packages/data/scripts/make-sample.mjs from:

${sources.map((s) => `  ${s}`).join('\n')}

Fashion-MNIST is Copyright (c) 2017 Zalando SE, https://tech.zalando.com,
and is licensed under the MIT License (Expat), reproduced below as shipped in
the Debian package dataset-fashion-mnist (/usr/share/doc/dataset-fashion-mnist/copyright).

-------------------------------------------------------------------------------
${copyright}`,
);
console.log(`wrote ${OUT}`);

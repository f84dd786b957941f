import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp, { type JpegOptions } from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeJpegFast, type JpegPick } from '../src/image/jpeg/index.js';
import { FIXTURES } from './helpers.js';

// The JPEG fast path must give exactly sharp's pixels (libjpeg-turbo, the same as PIL's)
// or decline (undefined). JPEGs are made here with sharp; what sharp cannot write (4:2:2,
// 4:4:0, restart markers, 16-bit tables, RGB/CMYK, multi-scan) comes from
// scripts/fixtures/make_jpeg_fixtures.py under fixtures/jpeg/.
const JPEGS = join(FIXTURES, 'jpeg');
const IMAGES = join(FIXTURES, 'images');
const file = (dir: string, name: string) => new Uint8Array(readFileSync(join(dir, name)));

interface Raw {
  data: Uint8Array;
  width: number;
  height: number;
  channels: number;
}

/** sharp with decode.ts' settings; grayscale files as one band (sharp's default output is sRGB). */
async function viaSharp(bytes: Uint8Array, { autoOrient = true, gray = false, failOn = 'error' as 'error' | 'warning' } = {}): Promise<Raw> {
  let s = sharp(bytes, { ignoreIcc: true, autoOrient, failOn });
  if (gray) s = s.toColourspace('b-w');
  const { data, info } = await s.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height, channels: info.channels };
}

const firstDifference = (a: Uint8Array, b: Uint8Array) => {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
};

async function expectSameAsSharp(bytes: Uint8Array, autoOrient = true): Promise<Raw> {
  const fast = decodeJpegFast(bytes, autoOrient);
  expect(fast, 'the fast path declined the file').toBeDefined();
  const ref = await viaSharp(bytes, { autoOrient, gray: fast!.channels === 1 });
  expect([fast!.width, fast!.height, fast!.channels]).toEqual([ref.width, ref.height, ref.channels]);
  const at = firstDifference(fast!.data, ref.data);
  const where = at < 0 ? '' : ` (pixel ${Math.floor(at / ref.channels) % ref.width}, ${Math.floor(at / ref.channels / ref.width)})`;
  expect(at, `first differing byte${where}`).toBe(-1);
  expectPicksMatch(bytes, autoOrient, fast!, ref);
  return fast!;
}

// Picked decodes (for nearest-neighbour resizes): pixel (x, y) must be the full decode's
// (cols[x], rows[y]), byte for byte, for every file and every kind of pick.
const nearestAxis = (n: number, m: number) => Int32Array.from({ length: m }, (_, i) => Math.min(n - 1, Math.trunc(((i + 0.5) * n) / m)));
const PICKS: [string, (w: number, h: number, rand: (n: number) => number) => JpegPick][] = [
  ['4× nearest downscale', (w, h) => ({ cols: nearestAxis(w, Math.max(1, w >> 2)), rows: nearestAxis(h, Math.max(1, h >> 2)) })],
  ['odd ratio, to 17×29', (w, h) => ({ cols: nearestAxis(w, 17), rows: nearestAxis(h, 29) })],
  ['upscale (repeats)', (w, h) => ({ cols: nearestAxis(w, Math.ceil(w * 2.5)), rows: nearestAxis(h, Math.ceil(h * 1.5) + 1) })],
  [
    'random indices, first and last included',
    (w, h, rand) => ({
      cols: Int32Array.from({ length: 23 }, (_, i) => (i === 3 ? 0 : i === 11 ? w - 1 : rand(w))),
      rows: Int32Array.from({ length: 19 }, (_, i) => (i === 0 ? h - 1 : i === 7 ? 0 : rand(h))),
    }),
  ],
  ['a single pixel', (w, h, rand) => ({ cols: Int32Array.of(rand(w)), rows: Int32Array.of(rand(h)) })],
  ['the last pixel', (w, h) => ({ cols: Int32Array.of(w - 1), rows: Int32Array.of(h - 1) })],
];

/** The pixels `pick` names from a full decode. */
function pickFrom(img: Raw, { cols, rows }: JpegPick): Uint8Array {
  const c = img.channels;
  const out = new Uint8Array(cols.length * rows.length * c);
  for (let y = 0, o = 0; y < rows.length; y++)
    for (let x = 0; x < cols.length; x++, o += c) out.set(img.data.subarray((rows[y] * img.width + cols[x]) * c, (rows[y] * img.width + cols[x] + 1) * c), o);
  return out;
}

// Noise in every plane the decoder keeps from call to call: a picked decode leaves the
// samples it does not need as they were, and must never read them.
let poison: Uint8Array | undefined;
beforeAll(async () => {
  poison = await encode(synthetic(400, 400, 99), 400, 400, { quality: 100, chromaSubsampling: '4:4:4' });
  expect(decodeJpegFast(poison)).toBeDefined();
});

function expectPicksMatch(bytes: Uint8Array, autoOrient: boolean, full: Raw, ref: Raw): void {
  let seed = full.width * 7919 + full.height;
  const rand = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8) % n;
  for (const [name, makePick] of PICKS) {
    if (poison) decodeJpegFast(poison);
    let pick: JpegPick | undefined;
    const picked = decodeJpegFast(bytes, autoOrient, (w, h) => {
      expect([w, h], 'pick gets the image size').toEqual([full.width, full.height]);
      return (pick = makePick(w, h, rand));
    });
    expect(picked, `${name}: the picked decode declined`).toBeDefined();
    expect([picked!.width, picked!.height, picked!.channels], name).toEqual([pick!.cols.length, pick!.rows.length, full.channels]);
    for (const [what, img] of [['the fast full decode', full], ['sharp', ref]] as const) {
      const at = firstDifference(picked!.data, pickFrom(img, pick!));
      const where = at < 0 ? '' : ` (output pixel ${Math.floor(at / full.channels) % pick!.cols.length}, ${Math.floor(at / full.channels / pick!.cols.length)})`;
      expect(at, `${name}: first byte differing from ${what}, picked${where}`).toBe(-1);
    }
  }
}

/** The fast path declines the file, with or without a pick. */
function expectDeclined(bytes: Uint8Array, what = '', autoOrient = true): void {
  expect(decodeJpegFast(bytes, autoOrient), what).toBeUndefined();
  for (const [name, makePick] of PICKS) expect(decodeJpegFast(bytes, autoOrient, (w, h) => makePick(w, h, () => 0)), `${what} ${name}`).toBeUndefined();
}

// Pictures to encode: the test photo resized, and a synthetic one with gradients, noise and
// saturated patches (values the IDCT has to clamp).
async function photo(width: number, height: number): Promise<Uint8Array> {
  const data = await sharp(join(IMAGES, 'chelsea.png')).removeAlpha().resize(width, height, { fit: 'fill' }).raw().toBuffer();
  return new Uint8Array(data);
}
function synthetic(width: number, height: number, seed: number): Uint8Array {
  const out = new Uint8Array(width * height * 3);
  let s = seed;
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      for (let c = 0; c < 3; c++) {
        s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
        const wave = 128 + 90 * Math.sin(x / (3 + c) + y / 7) * Math.cos(y / (5 + c));
        const patch = ((x >> 3) + (y >> 3)) % 5 === 0 ? (c === 1 ? 255 : 0) : wave;
        out[(y * width + x) * 3 + c] = Math.max(0, Math.min(255, patch + (s >>> 27) - 16));
      }
  return out;
}
const encode = (rgb: Uint8Array, width: number, height: number, options: JpegOptions, gray = false) => {
  let s = sharp(rgb, { raw: { width, height, channels: 3 } });
  if (gray) s = s.toColourspace('b-w');
  return s
    .jpeg({ mozjpeg: false, ...options })
    .toBuffer()
    .then((b) => new Uint8Array(b));
};

describe('decodeJpegFast gives sharp’s (libjpeg-turbo’s) pixels exactly', () => {
  // [width, height]: a single pixel, 2 chroma columns (box filter), partial MCUs in both
  // directions, the benchmark size (even height: the bottom edge of the vertical filter).
  const sizes: [number, number][] = [
    [1, 1],
    [3, 5],
    [7, 9],
    [17, 33],
    [61, 91],
    [360, 240],
  ];
  const qualities = [50, 75, 95, 100];
  for (const [w, h] of sizes)
    for (const [qi, quality] of qualities.entries()) {
      const content = qi % 2 ? 'photo' : 'synthetic';
      const picture = () => (content === 'photo' ? photo(w, h) : Promise.resolve(synthetic(w, h, quality * 7 + w)));
      for (const chromaSubsampling of ['4:2:0', '4:4:4'])
        it(`${w}×${h} ${content} q${quality} ${chromaSubsampling}`, async () => {
          // Standard Huffman tables for some, optimised ones (sharp's default) for the rest.
          await expectSameAsSharp(await encode(await picture(), w, h, { quality, chromaSubsampling, optimiseCoding: qi !== 2 }));
        });
      it(`${w}×${h} ${content} q${quality} grayscale`, async () => {
        const fast = await expectSameAsSharp(await encode(await picture(), w, h, { quality }, true));
        expect(fast.channels).toBe(1);
      });
    }

  it('extremes: flat white and black, 1-pixel checkerboards and stripes, noise; quality 1 to 100', async () => {
    // Coarse quantization overshoots (values to clamp, a white DC-only block reaching 256)
    // and sharp edges give big coefficients (the checked IDCT path).
    const [w, h] = [64, 48];
    const patterns: Record<string, (x: number, y: number, c: number) => number> = {
      white: () => 255,
      black: () => 0,
      checker: (x, y) => ((x + y) & 1) * 255,
      checker2: (x, y) => (((x >> 1) + (y >> 1)) & 1) * 255,
      stripes: (x) => (x & 1) * 255,
      colours: (x, y, c) => ((x + y + c) & 1) * 255,
      noise: (x, y, c) => (Math.imul(x * 7919 + y * 104729 + c * 31, 0x9e3779b1) >>> 24) & 255,
    };
    for (const [name, f] of Object.entries(patterns)) {
      const rgb = new Uint8Array(w * h * 3).map((_, i) => f((i / 3) % w | 0, (i / 3 / w) | 0, i % 3));
      for (const quality of [1, 3, 10, 100]) {
        for (const chromaSubsampling of ['4:2:0', '4:4:4']) await expectSameAsSharp(await encode(rgb, w, h, { quality, chromaSubsampling, quantisationTable: quality % 3 }));
        if (name !== 'colours' && name !== 'noise') await expectSameAsSharp(await encode(rgb, w, h, { quality }, true));
      }
    }
  });

  it('gray content in a colour JPEG (neutral chroma, the shortcut for gray rows) next to colour rows', async () => {
    const [w, h] = [53, 70];
    const rgb = synthetic(w, h, 3);
    // Top rows and a band further down gray (R = G = B), the rest in colour.
    for (let y = 0; y < h; y++)
      if (y < 21 || (y >= 40 && y < 48))
        for (let x = 0; x < w; x++) rgb.fill(rgb[(y * w + x) * 3], (y * w + x) * 3, (y * w + x) * 3 + 3);
    for (const chromaSubsampling of ['4:2:0', '4:4:4']) await expectSameAsSharp(await encode(rgb, w, h, { quality: 90, chromaSubsampling }));
    const allGray = synthetic(w, h, 4).map((v, i, a) => a[i - (i % 3)]);
    await expectSameAsSharp(await encode(allGray, w, h, { quality: 80 }));
  });

  it('4:2:2, 4:4:0, restart markers, 16-bit quantization tables, bigger MCUs (Pillow / hand-encoded fixtures)', async () => {
    const names = readdirSync(JPEGS).filter((f) => /^(pil-(422|420|444|gray)|enc-(440|444|gray))/.test(f));
    expect(names.length).toBe(13);
    for (const name of names) {
      const bytes = file(JPEGS, name);
      const fast = await expectSameAsSharp(bytes);
      expect(fast.channels, name).toBe(name.includes('gray') ? 1 : 3);
    }
  });

  it('the image fixtures; bytes after EOI are ignored (as libjpeg does)', async () => {
    await expectSameAsSharp(file(IMAGES, 'small.jpg'));
    await expectSameAsSharp(file(IMAGES, 'rocket.jpg'));
    const small = file(IMAGES, 'small.jpg');
    await expectSameAsSharp(new Uint8Array([...small, 0x00, 0x12, 0xff, 0xd8, 0x34]));
    // A Buffer inside a bigger one (as readFile's may be); Huffman tables new to the cache
    // must not stay views of it.
    const fresh = await encode(synthetic(120, 90, 77), 120, 90, { quality: 97 });
    const inside = Buffer.concat([Buffer.alloc(5), fresh]).subarray(5);
    await expectSameAsSharp(inside);
    inside.fill(0);
    await expectSameAsSharp(fresh);
  });
});

describe('decodeJpegFast declines what it does not do exactly', () => {
  const small = file(IMAGES, 'small.jpg');
  const sof = (b: Uint8Array) => b.findIndex((v, i) => v === 0xff && (b[i + 1] === 0xc0 || b[i + 1] === 0xc1));
  const patched = (b: Uint8Array, at: number, value: number) => {
    const c = b.slice();
    c[at] = value;
    return c;
  };

  it('progressive, arithmetic-coded, 12-bit, CMYK, RGB-coded and multi-scan files (sharp reads those)', async () => {
    const rgb = synthetic(40, 30, 9);
    const progressive = await encode(rgb, 40, 30, { quality: 80, progressive: true });
    expectDeclined(progressive);
    expectDeclined(await encode(rgb, 40, 30, { quality: 80, mozjpeg: true })); // progressive too
    await viaSharp(progressive);
    const at = sof(small);
    expect(at).toBeGreaterThan(0);
    expectDeclined(patched(small, at + 1, 0xc9)); // SOF9: arithmetic
    expectDeclined(patched(small, at + 1, 0xc3)); // SOF3: lossless
    expectDeclined(patched(small, at + 4, 12)); // 12-bit samples
    for (const name of ['pil-cmyk-17x33.jpg', 'pil-adobe-rgb-17x33.jpg', 'enc-420-3scans-17x33.jpg']) {
      expectDeclined(file(JPEGS, name), name);
      await viaSharp(file(JPEGS, name));
    }
    // Component ids 'R','G','B' without JFIF marker: libjpeg reads RGB.
    const enc = file(JPEGS, 'enc-440-q85-61x91.jpg');
    const noJfif = enc.slice();
    noJfif[noJfif.indexOf(0x4a, 4)] = 0x58; // "JFIF" → "XFIF"
    expect(decodeJpegFast(noJfif)).toBeDefined(); // ids 1,2,3: YCbCr
    const s = sof(noJfif) + 10;
    expect([noJfif[s], noJfif[s + 3], noJfif[s + 6]]).toEqual([1, 2, 3]);
    const rgbIds = noJfif.slice();
    [rgbIds[s], rgbIds[s + 3], rgbIds[s + 6]] = [0x52, 0x47, 0x42];
    for (let i = 0; i < rgbIds.length - 1; i++) if (rgbIds[i] === 0xff && rgbIds[i + 1] === 0xda) [rgbIds[i + 5], rgbIds[i + 7], rgbIds[i + 9]] = [0x52, 0x47, 0x42];
    expectDeclined(rgbIds);
  });

  it('truncated data, a missing EOI, junk before EOI', async () => {
    for (const cut of [small.length >> 1, small.length - 40, small.length - 2, small.length - 1, 300]) expectDeclined(small.subarray(0, cut), `cut at ${cut}`);
    expectDeclined(small.subarray(0, 2));
    expectDeclined(new Uint8Array(0));
    const junk = new Uint8Array(small.length + 3);
    junk.set(small.subarray(0, small.length - 2));
    junk.set([0x12, 0x34, 0x56, 0xff, 0xd9], small.length - 2);
    expectDeclined(junk);
    // Fill bytes before a marker are fine.
    const fill = new Uint8Array(small.length + 2);
    fill.set(small.subarray(0, small.length - 2));
    fill.set([0xff, 0xff, 0xff, 0xd9], small.length - 2);
    expect(decodeJpegFast(fill)).toBeDefined();
  });

  it('restart markers out of order, missing, extra, or with bytes before them', () => {
    const b = file(JPEGS, 'pil-420-restart3-61x91.jpg');
    expect(decodeJpegFast(b)).toBeDefined();
    const sos = b.findIndex((v, i) => v === 0xff && b[i + 1] === 0xda);
    const rst: number[] = [];
    for (let i = sos; i < b.length - 1; i++) if (b[i] === 0xff && b[i + 1] >= 0xd0 && b[i + 1] <= 0xd7) rst.push(i);
    expect(rst.length).toBe(7);
    const i = rst[3];
    const wrongNumber = b.slice();
    wrongNumber[i + 1] = 0xd0 + ((b[i + 1] - 0xd0 + 1) & 7); // libjpeg: "found marker … instead of RST3"
    const missing = new Uint8Array([...b.subarray(0, i), ...b.subarray(i + 2)]); // "extraneous bytes before marker"
    const junk = new Uint8Array([...b.subarray(0, i), 0x42, ...b.subarray(i)]);
    const extra = new Uint8Array([...b.subarray(0, b.length - 2), 0xff, 0xd7, 0xff, 0xd9]);
    for (const [name, x] of Object.entries({ wrongNumber, missing, junk, extra })) expectDeclined(x, name);
  });

  it('corrupt entropy data: either declined or exactly what libjpeg decodes without any warning', async () => {
    const bytes = await encode(synthetic(48, 40, 5), 48, 40, { quality: 85 });
    const sos = bytes.findIndex((v, i) => v === 0xff && bytes[i + 1] === 0xda);
    const start = sos + 2 + ((bytes[sos + 2] << 8) | bytes[sos + 3]);
    let seed = 12345;
    const rand = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8) % n;
    let decoded = 0;
    let declined = 0;
    for (let t = 0; t < 60; t++) {
      const c = bytes.slice();
      const at = start + rand(bytes.length - 2 - start);
      c[at] = t % 3 === 0 ? c[at] ^ (1 << rand(8)) : rand(256);
      const fast = decodeJpegFast(c);
      // A picked decode declines exactly when the full one does, and agrees with it.
      const pick = { cols: Int32Array.of(47, 0, 13), rows: Int32Array.of(39, 2) };
      const picked = decodeJpegFast(c, true, () => pick);
      expect(picked === undefined, `mutation at ${at}: picked and full decodes decline alike`).toBe(fast === undefined);
      if (fast) expect(firstDifference(picked!.data, pickFrom(fast, pick)), `mutation at ${at}, picked`).toBe(-1);
      let ref: Raw | undefined;
      try {
        ref = await viaSharp(c, { failOn: 'warning' });
      } catch {
        ref = undefined;
      }
      if (!fast) {
        declined++;
        continue;
      }
      decoded++;
      expect(ref, `mutation at ${at}: libjpeg warned, the fast path did not decline`).toBeDefined();
      expect(firstDifference(fast.data, ref!.data), `mutation at ${at}`).toBe(-1);
    }
    expect(decoded).toBeGreaterThan(0);
    expect(declined).toBeGreaterThan(0);
  });
});

describe('EXIF orientation', () => {
  /** `jpeg` with an APP1 Exif segment (IFD0 with an Orientation tag, or none) after SOI. */
  function withExif(jpeg: Uint8Array, order: 'II' | 'MM', orientation?: number): Uint8Array {
    const le = order === 'II';
    const entries = orientation === undefined ? 0 : 1;
    const tiff = new Uint8Array(8 + 2 + 12 * entries + 4);
    const v = new DataView(tiff.buffer);
    tiff.set([order.charCodeAt(0), order.charCodeAt(1)]);
    v.setUint16(2, 42, le);
    v.setUint32(4, 8, le);
    v.setUint16(8, entries, le);
    if (orientation !== undefined) {
      v.setUint16(10, 0x0112, le);
      v.setUint16(12, 3, le);
      v.setUint32(14, 1, le);
      v.setUint16(18, orientation, le);
    }
    const body = new Uint8Array([...new TextEncoder().encode('Exif\0\0'), ...tiff]);
    const out = new Uint8Array(jpeg.length + 4 + body.length);
    out.set(jpeg.subarray(0, 2));
    out.set([0xff, 0xe1, (body.length + 2) >> 8, (body.length + 2) & 255], 2);
    out.set(body, 6);
    out.set(jpeg.subarray(2), 6 + body.length);
    return out;
  }

  it('declines a rotated image when orienting (sharp rotates), decodes it unrotated otherwise (as PIL)', async () => {
    const rotated = file(IMAGES, 'exif-orientation-6.jpg');
    expectDeclined(rotated);
    expect(decodeJpegFast(rotated, true)).toBeUndefined();
    await expectSameAsSharp(rotated, false);
  });

  it('reads both byte orders', async () => {
    const jpeg = await encode(synthetic(24, 16, 1), 24, 16, { quality: 90 });
    for (const order of ['II', 'MM'] as const) {
      for (const o of [3, 6, 8]) {
        const b = withExif(jpeg, order, o);
        expectDeclined(b, `${order} ${o}`);
        const sharpSees = await viaSharp(b);
        expect(sharpSees.width, 'sharp applies the tag').toBe(o === 3 ? 24 : 16);
        await expectSameAsSharp(b, false);
      }
      await expectSameAsSharp(withExif(jpeg, order, 1));
      await expectSameAsSharp(withExif(jpeg, order));
    }
  });
});

/**
 * A baseline grayscale JPEG with exactly the given quantized coefficients: `blocks[i]` (64
 * values in natural order) for the i-th block in raster order, quantization table `quant`
 * (natural order too). Huffman tables: every DC size at 4 bits, every AC symbol at 8.
 */
function grayJpeg(width: number, height: number, blocks: Int32Array[], quant: Uint8Array = new Uint8Array(64).fill(1)): Uint8Array {
  const zigzag = [
    0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29,
    22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
  ];
  const acSymbols = [0x00, 0xf0];
  for (let run = 0; run < 16; run++) for (let size = 1; size <= 10; size++) acSymbols.push((run << 4) | size);
  const out: number[] = [0xff, 0xd8];
  const segment = (marker: number, body: number[]) => out.push(0xff, marker, (body.length + 2) >> 8, (body.length + 2) & 255, ...body);
  segment(0xdb, [0, ...zigzag.map((z) => quant[z])]);
  segment(0xc0, [8, height >> 8, height & 255, width >> 8, width & 255, 1, 1, 0x11, 0]);
  const counts = (length: number, n: number) => Array.from({ length: 16 }, (_, i) => (i === length - 1 ? n : 0));
  segment(0xc4, [0x00, ...counts(4, 12), ...Array.from({ length: 12 }, (_, i) => i)]);
  segment(0xc4, [0x10, ...counts(8, acSymbols.length), ...acSymbols]);
  segment(0xda, [1, 1, 0x00, 0, 63, 0]);
  let acc = 0;
  let bits = 0;
  const put = (value: number, n: number) => {
    for (let i = n - 1; i >= 0; i--) {
      acc = (acc << 1) | ((value >> i) & 1);
      if (++bits === 8) {
        out.push(acc);
        if (acc === 0xff) out.push(0);
        acc = 0;
        bits = 0;
      }
    }
  };
  const size = (v: number) => (v === 0 ? 0 : 32 - Math.clz32(Math.abs(v)));
  const putValue = (v: number) => put(v < 0 ? v + (1 << size(v)) - 1 : v, size(v));
  let pred = 0;
  expect(blocks.length).toBe(Math.ceil(width / 8) * Math.ceil(height / 8));
  for (const blk of blocks) {
    const diff = blk[0] - pred;
    expect(Math.abs(diff), 'DC difference within 11 bits').toBeLessThan(2048);
    pred = blk[0];
    put(size(diff), 4);
    putValue(diff);
    let run = 0;
    for (let k = 1; k < 64; k++) {
      const v = blk[zigzag[k]];
      if (v === 0) {
        run++;
        continue;
      }
      for (; run > 15; run -= 16) put(acSymbols.indexOf(0xf0), 8);
      put(acSymbols.indexOf((run << 4) | size(v)), 8);
      putValue(v);
      run = 0;
    }
    if (run > 0) put(acSymbols.indexOf(0x00), 8);
  }
  if (bits > 0) put(0x7f, 8 - bits); // pad with ones
  out.push(0xff, 0xd9);
  return new Uint8Array(out);
}

describe('picked decodes (decodeJpegFast with pick)', () => {
  it('no pick, or a pick returning undefined, gives the full image', async () => {
    const bytes = await encode(synthetic(61, 91, 5), 61, 91, { quality: 85 });
    const full = decodeJpegFast(bytes)!;
    const sizes: number[][] = [];
    const same = decodeJpegFast(bytes, true, (w, h) => {
      sizes.push([w, h]);
      return undefined;
    });
    expect(sizes).toEqual([[61, 91]]);
    expect([same!.width, same!.height, firstDifference(same!.data, full.data)]).toEqual([61, 91, -1]);
  });

  it('indices out of range, or what the pick throws, are errors (not a declined file)', async () => {
    const bytes = await encode(synthetic(20, 10, 5), 20, 10, { quality: 85 });
    const pick = (cols: number[], rows: number[]) => () => ({ cols: Int32Array.from(cols), rows: Int32Array.from(rows) });
    expect(() => decodeJpegFast(bytes, true, pick([0, 20], [0]))).toThrow(RangeError);
    expect(() => decodeJpegFast(bytes, true, pick([0], [-1]))).toThrow(RangeError);
    expect(() => decodeJpegFast(bytes, true, pick([0], [10]))).toThrow(RangeError);
    expect(decodeJpegFast(bytes, true, pick([19], [9]))?.data.length).toBe(3);
    expect(() =>
      decodeJpegFast(bytes, true, () => {
        throw new Error('from the pick');
      }),
    ).toThrow('from the pick');
  });

  // Blocks skipped by a pick must still decline the file when the full decode would:
  // coefficients whose IDCT leaves [-512, 511] (libjpeg-turbo's C and SIMD code differ there).
  it('declines whatever the pick when a block the pick does not read is out of range', async () => {
    const z = () => new Int32Array(64);
    // In a checkerboard-signed pattern, the values pile up in the bottom right corner of
    // the block (far beyond 511) and stay moderate elsewhere.
    const spike = (a: number, dc = 0) => {
      const b = z().map((_, i) => a * ((i >> 3) % 2 ? -1 : 1) * ((i & 7) % 2 ? -1 : 1));
      b[0] = dc;
      return b;
    };
    const mild = spike(50); // Σ|coefficient| over the certain bound, every value in range
    for (const [name, bad] of [
      ['normal block (AC ±255)', spike(255)], // values up to 1748 in row 7, rows 0–5 in range
      ['big coefficients (AC ±600)', spike(600, 300)], // up to 4150
    ] as const) {
      // 16×16: the bad block top left; a pick of the bottom right block only, or of its
      // first row and column only, must decline like the full decode.
      const bytes = grayJpeg(16, 16, [bad, z(), mild, spike(20, 100)]);
      expect(decodeJpegFast(bytes), name).toBeUndefined();
      await viaSharp(bytes, { gray: true }); // libjpeg decodes it
      for (const [cols, rows] of [
        [[12], [13]],
        [[0, 8, 15], [0]],
        [[3], [0, 9]],
      ])
        expect(decodeJpegFast(bytes, true, () => ({ cols: Int32Array.from(cols), rows: Int32Array.from(rows) })), `${name}: ${cols} × ${rows}`).toBeUndefined();
    }
    await expectSameAsSharp(grayJpeg(16, 16, [z(), mild, spike(20, 100), spike(-30, -1020)]));
  });

  it('DC-only blocks at the edges of what decodes (up to ±4095), and small coefficients with a big DC', async () => {
    const dc = (v: number) => {
      const b = new Int32Array(64);
      b[0] = v;
      return b;
    };
    const q = new Uint8Array(64).fill(1);
    q[0] = 3;
    // DC × 3: 4089 and -4095 decode (to 255 and 0); 4092 and -4098 are out of range.
    const edge = grayJpeg(32, 8, [dc(1363), dc(0), dc(-1365), dc(-342)], q);
    await expectSameAsSharp(edge);
    for (const v of [1364, -1366]) {
      const bytes = grayJpeg(24, 8, [dc(0), dc(v), dc(10)], q);
      expectDeclined(bytes, `DC ${v * 3}`);
      await viaSharp(bytes, { gray: true });
    }
    // DC beyond ±1024 with a few small AC coefficients (no longer a "normal" block, yet
    // certain): −1026 and 4·50, 1035 and 3·40.
    const block = (d: number, ...ac: [number, number][]) => {
      const b = dc(d);
      for (const [i, v] of ac) b[i] = v;
      return b;
    };
    const mixed = await expectSameAsSharp(grayJpeg(16, 8, [block(-342, [1, 50], [8, -50], [9, 50], [17, -50]), block(345, [2, -40], [10, 40], [3, 40])], q));
    expect(new Set(mixed.data).size, 'not all clamped').toBeGreaterThan(10);
  });
});

import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, DataError, Tensor } from '@layerwise/core';
import { arrayToImg, decodeImg, encodeImg, Img, imgToArray, loadImg, resizePixels, saveImg, sniffImageFormat, type LoadImgOptions } from '@layerwise/data';
import { cleanupTemps, FIXTURES, tempDir } from './helpers.js';

const IMAGES = join(FIXTURES, 'images');
const reference = JSON.parse(readFileSync(join(IMAGES, 'pil-reference.json'), 'utf8')) as {
  pillow: string;
  keras: string;
  cases: Record<string, { file: string; options: LoadImgOptions; shape: number[]; sha256: string }>;
};
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
afterAll(cleanupTemps);

describe('loadImg gives the pixels keras.utils.load_img gives (PIL), exactly', () => {
  // 99 cases from scripts/make-image-fixtures.py: two real photos (JPEG, PNG) decoded,
  // resized down and up with every PIL filter, grayscale (ITU-R 601-2 luma), RGBA,
  // keepAspectRatio crops; every format; EXIF. SHA-256 of Keras' uint8 array per case.
  for (const [name, c] of Object.entries(reference.cases)) {
    it(`${name} (${c.file} ${JSON.stringify(c.options)})`, async () => {
      const img = await loadImg(join(IMAGES, c.file), { ...c.options, autoOrient: name === 'exif-upright' });
      expect([img.height, img.width, img.channels]).toEqual(c.shape);
      expect(sha(img.data)).toBe(c.sha256);
    });
  }
});

describe('image formats', () => {
  it('reads JPEG, PNG, WebP, GIF, TIFF, BMP (24, 8, 1 bit, 32-bit BGRA, palette), PPM and PGM', async () => {
    const files = readdirSync(IMAGES).filter((f) => f.startsWith('small'));
    expect(files.length).toBeGreaterThanOrEqual(15);
    for (const f of files) {
      const img = await loadImg(join(IMAGES, f));
      expect([f, img.width, img.height, img.channels]).toEqual([f, 96, 64, 3]);
    }
    expect(sniffImageFormat(readFileSync(join(IMAGES, 'small.webp')))).toBe('webp');
    expect(sniffImageFormat(readFileSync(join(IMAGES, 'small.bmp')))).toBe('bmp');
    expect(sniffImageFormat(readFileSync(join(IMAGES, 'small.ppm')))).toBe('pnm');
    expect(sniffImageFormat(new TextEncoder().encode('hello world!'))).toBeUndefined();
  });

  it('decodes BMP variants built here: top-down rows, 16-bit 5-5-5, RLE8 and RLE4', async () => {
    const bmp = (bits: number, compression: number, palette: number[][], pixels: number[], width: number, height: number) => {
      const paletteBytes = palette.length * 4;
      const offset = 14 + 40 + paletteBytes;
      const out = new Uint8Array(offset + pixels.length);
      const v = new DataView(out.buffer);
      out.set([0x42, 0x4d]);
      v.setUint32(2, out.length, true);
      v.setUint32(10, offset, true);
      v.setUint32(14, 40, true);
      v.setInt32(18, width, true);
      v.setInt32(22, height, true);
      v.setUint16(26, 1, true);
      v.setUint16(28, bits, true);
      v.setUint32(30, compression, true);
      v.setUint32(46, palette.length, true);
      palette.forEach(([r, g, b], i) => out.set([b, g, r, 0], 54 + i * 4));
      out.set(pixels, offset);
      return out;
    };
    const pal = [[0, 0, 0], [255, 0, 0], [0, 255, 0], [0, 0, 255]];
    // RLE8, 4×2 bottom-up: row 0 (bottom) = 1 1 2 2; row 1 (top) = absolute run 3 0 1, then 1×2.
    const rle8 = bmp(8, 1, pal, [2, 1, 2, 2, 0, 0, 0, 3, 3, 0, 1, 0, 1, 2, 0, 1], 4, 2);
    const img8 = await decodeImg(rle8);
    expect([...img8.data]).toEqual([0, 0, 255, 0, 0, 0, 255, 0, 0, 0, 255, 0, 255, 0, 0, 255, 0, 0, 0, 255, 0, 0, 255, 0]);
    // RLE4: 4×1: run of 4 alternating 1,2.
    const rle4 = bmp(4, 2, pal, [4, 0x12, 0, 1], 4, 1);
    expect([...(await decodeImg(rle4, { colorMode: 'grayscale' })).data]).toEqual([76, 150, 76, 150]);
    // 16-bit 5-5-5, top-down (negative height), 2×1 + 2 bytes of row padding.
    const px16 = [0x00, 0x7c, 0x1f, 0x00, 0, 0]; // red, blue
    const b16 = bmp(16, 0, [], px16, 2, -1);
    expect([...(await decodeImg(b16)).data]).toEqual([255, 0, 0, 0, 0, 255]);
    await expect(decodeImg(b16.subarray(0, 56), { name: 'cut.bmp' })).rejects.toThrow(/cut\.bmp: not a readable BMP file: (no pixel data|pixel data truncated)/);
  });

  it('decodes PBM/PGM/PPM in ASCII and binary, with maxval scaling', async () => {
    const enc = (s: string) => new TextEncoder().encode(s);
    expect([...(await decodeImg(enc('P1\n# c\n3 1\n1 0 1\n'), { colorMode: 'grayscale' })).data]).toEqual([0, 255, 0]);
    expect([...(await decodeImg(enc('P2 2 1 15 0 15'), { colorMode: 'grayscale' })).data]).toEqual([0, 255]);
    expect([...(await decodeImg(enc('P3 1 1 255 10 20 30'))).data]).toEqual([10, 20, 30]);
    const p5 = new Uint8Array([...enc('P5 2 1 65535\n'), 0xff, 0xff, 0x80, 0x00]);
    expect([...(await decodeImg(p5, { colorMode: 'grayscale' })).data]).toEqual([255, 128]);
  });

  it('applies the EXIF orientation by default; autoOrient false keeps Keras\' raw pixels', async () => {
    const upright = await loadImg(join(IMAGES, 'exif-orientation-6.jpg'));
    const raw = await loadImg(join(IMAGES, 'exif-orientation-6.jpg'), { autoOrient: false });
    expect(upright.size).toEqual([96, 64]);
    expect(raw.size).toEqual([64, 96]);
    expect(sha(upright.data)).toBe(reference.cases['exif-upright'].sha256);
    expect(sha(raw.data)).toBe(reference.cases['exif-raw'].sha256);
  });

  it('names the file for missing, non-image, truncated and bad-option cases', async () => {
    const dir = tempDir();
    await expect(loadImg(join(dir, 'nope.png'))).rejects.toThrow(DataError);
    await expect(loadImg(join(dir, 'nope.png'))).rejects.toThrow(`${join(dir, 'nope.png')}: cannot read the file (ENOENT)`);
    writeFileSync(join(dir, 'text.jpg'), 'not a picture');
    await expect(loadImg(join(dir, 'text.jpg'))).rejects.toThrow(/text\.jpg: not an image file \(unrecognised content/);
    const jpg = readFileSync(join(IMAGES, 'rocket.jpg'));
    writeFileSync(join(dir, 'cut.jpg'), jpg.subarray(0, 5000));
    await expect(loadImg(join(dir, 'cut.jpg'))).rejects.toThrow(/cut\.jpg: cannot decode the JPEG data/);
    await expect(loadImg(join(IMAGES, 'small.png'), { colorMode: 'cmyk' as never })).rejects.toThrow(ConfigError);
    await expect(loadImg(join(IMAGES, 'small.png'), { interpolation: 'area' as never })).rejects.toThrow(/interpolation must be one of/);
    await expect(loadImg(join(IMAGES, 'small.png'), { targetSize: [10, -1] })).rejects.toThrow(/targetSize/);
  });
});

describe('imgToArray, arrayToImg, saveImg', () => {
  it('imgToArray: float32 [h, w, c] (Keras), channels_first, uint8 view', async () => {
    const img = await loadImg(join(IMAGES, 'small.png'), { targetSize: [4, 5] });
    const x = imgToArray(img);
    expect([x.dtype, x.shape]).toEqual(['float32', [4, 5, 3]]);
    expect(x.data[3]).toBe(img.data[3]);
    const cf = imgToArray(img, { dataFormat: 'channels_first' });
    expect(cf.shape).toEqual([3, 4, 5]);
    expect(cf.get(1, 2, 3)).toBe(x.get(2, 3, 1));
    expect(imgToArray(img, { dtype: 'uint8' }).data).toBe(img.data);
    const gray = imgToArray(await loadImg(join(IMAGES, 'small.png'), { colorMode: 'grayscale' }));
    expect(gray.shape).toEqual([64, 96, 1]);
  });

  it('arrayToImg scales to 0–255 like Keras (x - min, / max, * 255, truncated)', () => {
    const x = new Tensor(Float32Array.from([-1, 0, 1, 0.5, 0.25, -0.75]), [1, 2, 3]);
    expect([...arrayToImg(x).data]).toEqual([0, 127, 255, 191, 159, 31]);
    expect([...arrayToImg(new Tensor(Float32Array.from([3, 300, -2]), [1, 1, 3]), { scale: false }).data]).toEqual([3, 255, 0]);
    expect(arrayToImg(Tensor.zeros([2, 2, 1])).mode).toBe('L');
    expect(() => arrayToImg(Tensor.zeros([2, 2]))).toThrow(/rank-3/);
    expect(() => arrayToImg(Tensor.zeros([2, 2, 2]))).toThrow(/unsupported channel number 2/);
  });

  it('saveImg round-trips lossless formats and writes atomically', async () => {
    const dir = tempDir();
    const img = await loadImg(join(IMAGES, 'chelsea.png'), { targetSize: [30, 40] });
    const rgba = await loadImg(join(IMAGES, 'small-rgba.png'), { colorMode: 'rgba' });
    const gray = await loadImg(join(IMAGES, 'small.png'), { colorMode: 'grayscale' });
    for (const ext of ['png', 'bmp', 'ppm', 'tiff', 'webp']) {
      for (const src of [img, gray]) {
        const path = join(dir, `out-${src.channels}.${ext}`);
        await saveImg(path, src, ext === 'webp' ? { quality: 100 } : {});
        if (ext === 'webp') continue; // lossy unless asked; checked below
        const back = await loadImg(path, { colorMode: src.channels === 1 ? 'grayscale' : 'rgb' });
        expect([ext, sha(back.data)]).toEqual([ext, sha(src.data)]);
      }
    }
    for (const ext of ['png', 'bmp']) {
      await saveImg(join(dir, `rgba.${ext}`), rgba);
      expect(sha((await loadImg(join(dir, `rgba.${ext}`), { colorMode: 'rgba' })).data)).toBe(sha(rgba.data));
    }
    await saveImg(join(dir, 'photo.jpg'), imgToArray(img), { scale: false, quality: 95 });
    const jpg = await loadImg(join(dir, 'photo.jpg'));
    const maxDiff = jpg.data.reduce((m, v, i) => Math.max(m, Math.abs(v - img.data[i])), 0);
    expect(maxDiff).toBeLessThan(40);
    expect(readdirSync(dir).filter((f) => f.includes('.tmp'))).toEqual([]);
    await expect(saveImg(join(dir, 'x.xyz'), img)).rejects.toThrow(/cannot tell the image format/);
    expect(existsSync(join(dir, 'x.xyz'))).toBe(false);
    const gif = await encodeImg(img, 'gif');
    expect(sniffImageFormat(gif)).toBe('gif');
  });

  it('Img reports PIL-style size and mode', () => {
    const img = new Img(new Uint8Array(2 * 3 * 4), 3, 2, 4);
    expect([img.size, img.mode, String(img)]).toEqual([[3, 2], 'RGBA', 'Img(mode=RGBA, size=3x2)']);
    expect(() => new Img(new Uint8Array(5), 3, 2, 1)).toThrow(RangeError);
  });

  it('resizePixels matches PIL on a tiny hand case (nearest, box)', () => {
    const src = Uint8Array.from([0, 10, 20, 30, 40, 50, 60, 70]); // 4×2 gray
    expect([...resizePixels(src, 4, 2, 1, 2, 1, 'nearest')]).toEqual([50, 70]);
    expect([...resizePixels(src, 4, 2, 1, 2, 1, 'box')]).toEqual([25, 45]);
  });
});

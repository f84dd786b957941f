import { describe, expect, it } from 'vitest';
import { bytesToFloats, horizontalPassWasm, wasmSimdAvailable } from '../src/image/wasm/index.js';

// The WebAssembly SIMD conversion at the end of every image batch must give exactly the
// values of the JavaScript expression it replaces, Math.fround(v * scale).
describe('bytesToFloats (WebAssembly SIMD) equals Math.fround(v * scale)', () => {
  const lengths = [0, 1, 15, 16, 17, 33, 1000, 240 * 360 * 3];
  const scales = [1, 1 / 255, 0.5, 3.7, -1e-3, 1e30];
  const cases = lengths.flatMap((n) => scales.map((s) => [n, s] as const));
  it.each(cases)('%i bytes × %f', (n, scale) => {
    const src = new Uint8Array(n);
    for (let i = 0; i < n; i++) src[i] = (i * 2654435761) >>> 24;
    if (n > 2) [src[0], src[1]] = [0, 255];
    const offset = 5;
    const dst = new Float32Array(n + offset + 3).fill(-7);
    bytesToFloats(src, dst, offset, Math.fround(scale));
    const want = new Float32Array(n + offset + 3).fill(-7);
    for (let i = 0; i < n; i++) want[offset + i] = src[i] * Math.fround(scale);
    expect(Buffer.from(dst.buffer).equals(Buffer.from(want.buffer))).toBe(true);
  });
  it('runs on WebAssembly SIMD in Node', () => {
    expect(wasmSimdAvailable()).toBe(true);
  });
  it('grows its memory for a larger image after a smaller one', () => {
    for (const n of [64, 4 * 65536 + 16, 32]) {
      const src = new Uint8Array(n).fill(200);
      const dst = new Float32Array(n);
      bytesToFloats(src, dst, 0, 0.25);
      expect(dst.every((v) => v === 50)).toBe(true);
    }
  });
});

// The resampling passes in WebAssembly are checked against Keras/PIL by the image fixtures
// (test/image.test.ts: every filter, down and up, RGBA, grayscale — bit for bit); here only
// that they are the ones running.
describe('Pillow resampling passes in WebAssembly SIMD', () => {
  it('run here (not the JavaScript fallback)', () => {
    const co = { ksize: 1, bounds: Int32Array.from([0, 1]), kk: Int32Array.from([1 << 22]) };
    const out = horizontalPassWasm(Uint8Array.from([7, 8, 9]), 1, 3, 0, 1, 1, co);
    expect(out && Array.from(out)).toEqual([7, 8, 9]);
  });
});

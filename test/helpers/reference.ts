import type { Tensor } from '@layerwise/core';

/** Naive float64 reference convolution, NHWC / HWIO, explicit pads, groups. */
export function refConv(x: Tensor, k: Tensor, a: { strides: number[]; dilations: number[]; pads: number[]; groups: number }): Float64Array {
  const [n, h, w, c] = x.shape;
  const [kh, kw, cinG, f] = k.shape;
  const ho = Math.floor((h + a.pads[0] + a.pads[2] - ((kh - 1) * a.dilations[0] + 1)) / a.strides[0]) + 1;
  const wo = Math.floor((w + a.pads[1] + a.pads[3] - ((kw - 1) * a.dilations[1] + 1)) / a.strides[1]) + 1;
  const out = new Float64Array(n * ho * wo * f);
  const fPerGroup = f / a.groups;
  for (let b = 0; b < n; b++)
    for (let i = 0; i < ho; i++)
      for (let j = 0; j < wo; j++)
        for (let o = 0; o < f; o++) {
          const grp = Math.floor(o / fPerGroup);
          let s = 0;
          for (let p = 0; p < kh; p++)
            for (let q = 0; q < kw; q++) {
              const r = i * a.strides[0] + p * a.dilations[0] - a.pads[0];
              const col = j * a.strides[1] + q * a.dilations[1] - a.pads[1];
              if (r < 0 || r >= h || col < 0 || col >= w) continue;
              for (let ci = 0; ci < cinG; ci++) s += x.data[((b * h + r) * w + col) * c + grp * cinG + ci] * k.data[((p * kw + q) * cinG + ci) * f + o];
            }
          out[((b * ho + i) * wo + j) * f + o] = s;
        }
  return out;
}

/** Naive max/avg pooling reference (avg excludes padding, as Keras 'same'). */
export function refPool(x: Tensor, a: { kernel: number[]; strides: number[]; pads: number[] }, kind: 'max' | 'avg'): Float64Array {
  const [n, h, w, c] = x.shape;
  const ho = Math.floor((h + a.pads[0] + a.pads[2] - a.kernel[0]) / a.strides[0]) + 1;
  const wo = Math.floor((w + a.pads[1] + a.pads[3] - a.kernel[1]) / a.strides[1]) + 1;
  const out = new Float64Array(n * ho * wo * c);
  for (let b = 0; b < n; b++)
    for (let i = 0; i < ho; i++)
      for (let j = 0; j < wo; j++)
        for (let ch = 0; ch < c; ch++) {
          let acc = kind === 'max' ? -Infinity : 0;
          let count = 0;
          for (let p = 0; p < a.kernel[0]; p++)
            for (let q = 0; q < a.kernel[1]; q++) {
              const r = i * a.strides[0] + p - a.pads[0];
              const col = j * a.strides[1] + q - a.pads[1];
              if (r < 0 || r >= h || col < 0 || col >= w) continue;
              const v = x.data[((b * h + r) * w + col) * c + ch];
              acc = kind === 'max' ? Math.max(acc, v) : acc + v;
              count++;
            }
          out[((b * ho + i) * wo + j) * c + ch] = kind === 'max' ? acc : acc / count;
        }
  return out;
}

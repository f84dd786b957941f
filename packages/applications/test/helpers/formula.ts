// The weights and images scripts/fixtures/make_zoo_fixtures.py gives Keras, computed here the
// same way (integer hashing, then IEEE float64 arithmetic rounded once to float32), so both
// frameworks run the zoo on bit-identical weights and inputs.
import { Tensor, type Model } from '@layerwise/core';

/** Wellons' lowbias32 integer hash (uint32 in, uint32 out). */
export function mix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

const KERNELS = new Set(['kernel', 'pointwise_kernel', 'depthwise_kernel']);

/** Every weight of the model from the formula: layer index in model.layers, weight index in layer.weights, element index. */
export function formulaWeights(model: Model, headScale = 1): void {
  model.layers.forEach((layer, li) => {
    layer.weights.forEach((w, wi) => {
      const role = w.name.split('/').pop()!;
      const shape = w.shape;
      const size = shape.reduce((a, b) => a * b, 1);
      const seed = mix32(li * 256 + wi + 1);
      const depthwise = role === 'depthwise_kernel' || (role === 'kernel' && layer.className === 'DepthwiseConv2D');
      const fan = depthwise ? shape[0] * shape[1] : shape.slice(0, -1).reduce((a, b) => a * b, 1);
      const [a, b] = affineFor(role, Math.sqrt(6 / fan));
      const out = new Float32Array(size);
      for (let i = 0; i < size; i++) out[i] = (mix32((i ^ seed) >>> 0) / 2147483648 - 1) * a + b;
      // The classifier's kernel times a power of two (exact in float32) keeps the logits' spread near 2.
      if (layer.name === 'predictions' && role === 'kernel' && headScale !== 1) for (let i = 0; i < size; i++) out[i] *= headScale;
      w.assign(new Tensor(out, shape, 'float32'));
    });
  });
}

/** value = u · a + b (the same double as the script's u * a, 0.1 * u, 1.0 + 0.2 * u: adding 0 or swapping the sum changes nothing). */
function affineFor(role: string, kernelScale: number): [number, number] {
  if (KERNELS.has(role)) return [kernelScale, 0];
  if (role === 'bias' || role === 'beta' || role === 'moving_mean') return [0.1, 0];
  if (role === 'gamma' || role === 'moving_variance') return [0.2, 1];
  throw new Error(`no formula for weight role '${role}'`);
}

/** Synthetic RGB image k (integer gradients plus hashed noise), as uint8 values in a float32 tensor [h, w, 3]. */
export function syntheticImage(k: number, height: number, width: number): Float32Array {
  const out = new Float32Array(height * width * 3);
  const salt = (0x9e3779b9 + k) >>> 0;
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      for (let c = 0; c < 3; c++) {
        const base = Math.floor(((x * (2 + c + k) + y * (3 + 2 * k - c)) * 255) / (2 * (width + height)));
        const i = (y * width + x) * 3 + c;
        const noise = (mix32((i ^ salt) >>> 0) & 63) - 32;
        out[i] = Math.min(255, Math.max(0, base + noise + 40 * k));
      }
  return out;
}

/** A batch of synthetic images [n, h, w, 3] (values 0–255). */
export function syntheticBatch(ks: number[], height: number, width: number): Tensor {
  const one = height * width * 3;
  const data = new Float32Array(ks.length * one);
  ks.forEach((k, j) => data.set(syntheticImage(k, height, width), j * one));
  return new Tensor(data, [ks.length, height, width, 3], 'float32');
}

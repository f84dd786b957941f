// InceptionV3 (keras/src/applications/inception_v3.py): a convolutional stem, then the mixed0–10
// inception blocks (parallel towers joined by Concatenate), then global average pooling. Only the
// blocks are named in Keras; the convolutions take Keras' automatic names (conv2d, conv2d_1, …).
import type { Model, SymbolicTensor } from '@layerwise/core';
import { Activation, AveragePooling2D, BatchNormalization, Concatenate, Conv2D, MaxPooling2D } from '@layerwise/layers';
import { buildDeferred, finishModel, head, imageInput, resolveOptions, type ApplicationOptions } from '../common.js';
import { INCEPTION_MESSAGES } from '../messages.js';
import { WEIGHTS_FILES } from '../weights.js';

/** Keras' conv2d_bn: convolution without bias, BatchNormalization without scale, relu. */
function convBn(x: SymbolicTensor, filters: number, rows: number, cols: number, opts: { padding?: 'same' | 'valid'; strides?: [number, number] } = {}): SymbolicTensor {
  x = new Conv2D(filters, [rows, cols], { strides: opts.strides ?? [1, 1], padding: opts.padding ?? 'same', useBias: false }).apply(x);
  x = new BatchNormalization({ axis: 3, scale: false }).apply(x);
  return new Activation('relu').apply(x);
}
const avgPool3 = (x: SymbolicTensor) => new AveragePooling2D({ poolSize: [3, 3], strides: [1, 1], padding: 'same' }).apply(x);
const maxPool3s2 = (x: SymbolicTensor) => new MaxPooling2D({ poolSize: [3, 3], strides: [2, 2] }).apply(x);
const concat = (xs: SymbolicTensor[], name?: string) => new Concatenate({ axis: 3, ...(name ? { name } : {}) }).apply(xs);

/** mixed0–2 (35×35): 1×1, 5×5, double 3×3 and pooled towers. */
function block35(x: SymbolicTensor, poolFilters: number, name: string): SymbolicTensor {
  const branch1x1 = convBn(x, 64, 1, 1);
  let branch5x5 = convBn(x, 48, 1, 1);
  branch5x5 = convBn(branch5x5, 64, 5, 5);
  let branch3x3dbl = convBn(x, 64, 1, 1);
  branch3x3dbl = convBn(branch3x3dbl, 96, 3, 3);
  branch3x3dbl = convBn(branch3x3dbl, 96, 3, 3);
  const branchPool = convBn(avgPool3(x), poolFilters, 1, 1);
  return concat([branch1x1, branch5x5, branch3x3dbl, branchPool], name);
}

/** mixed4–7 (17×17): factorized 7×7 towers with `c` channels inside. */
function block17(x: SymbolicTensor, c: number, name: string): SymbolicTensor {
  const branch1x1 = convBn(x, 192, 1, 1);
  let branch7x7 = convBn(x, c, 1, 1);
  branch7x7 = convBn(branch7x7, c, 1, 7);
  branch7x7 = convBn(branch7x7, 192, 7, 1);
  let branch7x7dbl = convBn(x, c, 1, 1);
  branch7x7dbl = convBn(branch7x7dbl, c, 7, 1);
  branch7x7dbl = convBn(branch7x7dbl, c, 1, 7);
  branch7x7dbl = convBn(branch7x7dbl, c, 7, 1);
  branch7x7dbl = convBn(branch7x7dbl, 192, 1, 7);
  const branchPool = convBn(avgPool3(x), 192, 1, 1);
  return concat([branch1x1, branch7x7, branch7x7dbl, branchPool], name);
}

/** mixed9–10 (8×8): expanded 3×3 towers split into 1×3 and 3×1. */
function block8(x: SymbolicTensor, i: number): SymbolicTensor {
  const branch1x1 = convBn(x, 320, 1, 1);
  const branch3x3 = convBn(x, 384, 1, 1);
  const branch3x3Joined = concat([convBn(branch3x3, 384, 1, 3), convBn(branch3x3, 384, 3, 1)], `mixed9_${i}`);
  let branch3x3dbl = convBn(x, 448, 1, 1);
  branch3x3dbl = convBn(branch3x3dbl, 384, 3, 3);
  const branch3x3dblJoined = concat([convBn(branch3x3dbl, 384, 1, 3), convBn(branch3x3dbl, 384, 3, 1)]);
  const branchPool = convBn(avgPool3(x), 192, 1, 1);
  return concat([branch1x1, branch3x3Joined, branch3x3dblJoined, branchPool], `mixed${9 + i}`);
}

/** Keras' InceptionV3: 299×299 input by default (at least 75×75). */
export function InceptionV3(options: ApplicationOptions = {}): Promise<Model> {
  return buildDeferred(options, () => buildInceptionV3(options));
}

async function buildInceptionV3(options: ApplicationOptions): Promise<Model> {
  const r = resolveOptions(options, 'inception_v3', INCEPTION_MESSAGES, 'InceptionV3');
  const imgInput = imageInput(r, 299, 75);
  let x = convBn(imgInput, 32, 3, 3, { strides: [2, 2], padding: 'valid' });
  x = convBn(x, 32, 3, 3, { padding: 'valid' });
  x = convBn(x, 64, 3, 3);
  x = maxPool3s2(x);
  x = convBn(x, 80, 1, 1, { padding: 'valid' });
  x = convBn(x, 192, 3, 3, { padding: 'valid' });
  x = maxPool3s2(x);

  x = block35(x, 32, 'mixed0');
  x = block35(x, 64, 'mixed1');
  x = block35(x, 64, 'mixed2');

  // mixed3: 17×17×768
  const branch3x3 = convBn(x, 384, 3, 3, { strides: [2, 2], padding: 'valid' });
  let branch3x3dbl = convBn(x, 64, 1, 1);
  branch3x3dbl = convBn(branch3x3dbl, 96, 3, 3);
  branch3x3dbl = convBn(branch3x3dbl, 96, 3, 3, { strides: [2, 2], padding: 'valid' });
  x = concat([branch3x3, branch3x3dbl, maxPool3s2(x)], 'mixed3');

  x = block17(x, 128, 'mixed4');
  x = block17(x, 160, 'mixed5');
  x = block17(x, 160, 'mixed6');
  x = block17(x, 192, 'mixed7');

  // mixed8: 8×8×1280
  let branch3x3b = convBn(x, 192, 1, 1);
  branch3x3b = convBn(branch3x3b, 320, 3, 3, { strides: [2, 2], padding: 'valid' });
  let branch7x7x3 = convBn(x, 192, 1, 1);
  branch7x7x3 = convBn(branch7x7x3, 192, 1, 7);
  branch7x7x3 = convBn(branch7x7x3, 192, 7, 1);
  branch7x7x3 = convBn(branch7x7x3, 192, 3, 3, { strides: [2, 2], padding: 'valid' });
  x = concat([branch3x3b, branch7x7x3, maxPool3s2(x)], 'mixed8');

  x = block8(x, 0);
  x = block8(x, 1);
  x = head(x, r, { topPool: 'avg_pool' });
  return finishModel(imgInput, x, r, r.includeTop ? WEIGHTS_FILES.inception_v3.top : WEIGHTS_FILES.inception_v3.notop);
}

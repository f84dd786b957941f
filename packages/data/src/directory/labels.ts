import { Tensor } from '@layerwise/core';
import type { ClassMode } from './options.js';

/**
 * A batch's y for Keras' class modes: 'categorical' one-hot float32 [n, k]; 'binary' and
 * 'sparse' the class index as float32 [n] (imageDatasetFromDirectory: int32 [n] for 'int',
 * float32 [n, 1] for 'binary'); 'input' a copy of x.
 */
export function batchLabels(
  mode: Exclude<ClassMode, null>,
  labelMode: 'int' | 'binary-column' | undefined,
  rows: readonly number[],
  classes: Int32Array,
  numClasses: number,
  x: Tensor,
): Tensor {
  const n = rows.length;
  if (mode === 'input') return new Tensor((x.data as Float32Array).slice(), x.shape, 'float32');
  if (mode === 'categorical') {
    const onehot = new Float32Array(n * numClasses);
    rows.forEach((j, k) => (onehot[k * numClasses + classes[j]] = 1));
    return new Tensor(onehot, [n, numClasses], 'float32');
  }
  if (labelMode === 'int') return new Tensor(Int32Array.from(rows, (j) => classes[j]), [n], 'int32');
  if (labelMode === 'binary-column') return new Tensor(Float32Array.from(rows, (j) => classes[j]), [n, 1], 'float32');
  return new Tensor(Float32Array.from(rows, (j) => classes[j]), [n], 'float32');
}

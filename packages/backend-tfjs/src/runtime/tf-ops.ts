import * as tf from '@tensorflow/tfjs-core';

/**
 * Raw TensorFlow ops on tfjs-node's kernels. tfjs-node wraps each TensorFlow op in a tfjs kernel
 * that accepts only what the browser backends accept (no explicit padding for the conv backprops
 * and pools, no dilation in the backprops); the TensorFlow library underneath takes more. Its
 * backend's `executeSingleOutput(op, attrs, inputs)` runs any op by name and returns a tensor
 * tracked by tfjs like any kernel output (tfjs-node's own kernels are written with it).
 */
type AttrKind = 'int' | 'string' | 'bool' | 'float' | 'type';
export type TfAttrs = Record<string, readonly [AttrKind, number | readonly number[] | string | boolean]>;

interface TfeOpAttr {
  name: string;
  type: number;
  value: unknown;
}
interface NodeBinding {
  TF_ATTR_INT: number;
  TF_ATTR_STRING: number;
  TF_ATTR_BOOL: number;
  TF_ATTR_FLOAT: number;
  TF_ATTR_TYPE: number;
  TF_FLOAT: number;
  TF_INT32: number;
  TF_BOOL: number;
}
interface NodeBackend {
  binding: NodeBinding;
  executeSingleOutput(op: string, attrs: TfeOpAttr[], inputs: tf.Tensor[]): tf.Tensor;
}

function nodeBackend(): NodeBackend {
  const be = tf.findBackend('tensorflow') as unknown as NodeBackend | null;
  if (!be?.executeSingleOutput) throw new Error("tfjs-node's 'tensorflow' backend is not loaded");
  return be;
}

/**
 * A kernel calling the TensorFlow op `op` with these attributes (converted once, here: call it
 * while lowering, with tfjs-node loaded). The kernel must run on tfjs-node's kernels.
 */
export function tfOp(op: string, attrs: TfAttrs): (...inputs: tf.Tensor[]) => tf.Tensor {
  const be = nodeBackend();
  const b = be.binding;
  const kind: Record<AttrKind, number> = { int: b.TF_ATTR_INT, string: b.TF_ATTR_STRING, bool: b.TF_ATTR_BOOL, float: b.TF_ATTR_FLOAT, type: b.TF_ATTR_TYPE };
  const dtype: Partial<Record<tf.DataType, number>> = { float32: b.TF_FLOAT, int32: b.TF_INT32, bool: b.TF_BOOL };
  const converted = Object.entries(attrs).map(([name, [k, value]]) => ({ name, type: kind[k], value: k === 'type' ? dtype[value as tf.DataType] : value }));
  return (...inputs) => be.executeSingleOutput(op, converted, inputs);
}

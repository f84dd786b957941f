import { ConfigError, ops, type InputSpec, type SymShape, type Value } from '@layerwise/core';

/** Keras' normalize_tuple: 3 → [3, 3]; [3, 2] stays; anything else is an error naming the argument. */
export function normalizeTuple(value: number | number[], n: number, argName: string, where: string): number[] {
  const list = typeof value === 'number' ? Array.from({ length: n }, () => value) : value;
  if (!Array.isArray(list) || list.length !== n || list.some((v) => !Number.isInteger(v) || v < 1))
    throw new ConfigError(`${where}: '${argName}' must be an integer or a list of ${n} positive integers, got ${JSON.stringify(value)}`);
  return [...list];
}

export type Padding = 'valid' | 'same';
export function checkPadding(padding: string | undefined, where: string): Padding {
  const p = (padding ?? 'valid').toLowerCase();
  if (p !== 'valid' && p !== 'same') throw new ConfigError(`${where}: 'padding' must be 'valid' or 'same', got '${padding}'`);
  return p;
}

export type DataFormat = 'channels_last' | 'channels_first';
export function checkDataFormat(f: string | undefined, where: string): DataFormat {
  const v = f ?? 'channels_last';
  if (v !== 'channels_last' && v !== 'channels_first') throw new ConfigError(`${where}: 'dataFormat' must be 'channels_last' or 'channels_first', got '${f}'`);
  return v;
}

/**
 * The input spec of a 2-D image layer: rank 4 in its data format's layout, and, when given,
 * the size (or 'known') the channel axis must have.
 */
export function imageSpec(f: DataFormat, channels?: number | 'known'): InputSpec {
  const spec: InputSpec = { ndim: 4, layout: f === 'channels_last' ? '(batch, height, width, channels)' : '(batch, channels, height, width)' };
  if (channels !== undefined) spec.axes = { [f === 'channels_last' ? -1 : 1]: channels };
  return spec;
}

/** channels_first in, channels_last inside (the IR's layout), and back. */
export function toChannelsLast(x: Value, f: DataFormat): Value {
  return f === 'channels_first' ? ops.transpose(x, [0, 2, 3, 1]) : x;
}
export function fromChannelsLast(x: Value, f: DataFormat): Value {
  return f === 'channels_first' ? ops.transpose(x, [0, 3, 1, 2]) : x;
}
/** [N, C, H, W] → [N, H, W, C] for shape bookkeeping. */
export function channelsLastShape(s: SymShape, f: DataFormat): SymShape {
  return f === 'channels_first' ? [s[0], s[2], s[3], s[1]] : s;
}

import type { Value } from '../ir/graph.js';
import { ShapeError } from '../errors.js';
import { apply1, defineOp, fmt } from './registry.js';

/**
 * 2-D convolution in the IR's layout: x [N, H, W, C] (channels_last, as Keras), kernel
 * [kh, kw, C / groups, F] (Keras' HWIO). Padding is explicit [top, left, bottom, right];
 * layers turn Keras' 'same'/'valid' into it with `convPads`. groups = C is a depthwise conv.
 */
export type ConvAttrs = {
  strides: [number, number];
  dilations: [number, number];
  pads: [number, number, number, number];
  groups: number;
};

/** Output length of a convolution or pooling window along one axis. */
export function convOutputSize(size: number, k: number, stride: number, dilation: number, padBegin: number, padEnd: number): number {
  return Math.floor((size + padBegin + padEnd - ((k - 1) * dilation + 1)) / stride) + 1;
}

/** TF/Keras padding: 'valid' pads nothing; 'same' gives ceil(size / stride) outputs, the odd pixel at the end. */
export function convPads(padding: 'same' | 'valid', [h, w]: [number, number], [kh, kw]: [number, number], [sh, sw]: [number, number], [dh, dw]: [number, number] = [1, 1]): [number, number, number, number] {
  if (padding === 'valid') return [0, 0, 0, 0];
  const total = (size: number, k: number, s: number, d: number) => Math.max((Math.ceil(size / s) - 1) * s + (k - 1) * d + 1 - size, 0);
  const th = total(h, kh, sh, dh);
  const tw = total(w, kw, sw, dw);
  return [Math.floor(th / 2), Math.floor(tw / 2), th - Math.floor(th / 2), tw - Math.floor(tw / 2)];
}

function spatial(x: Value, op: string): [number, number] {
  if (x.rank !== 4) throw new ShapeError(`${op}: expected a 4-D input (batch, height, width, channels), got shape ${fmt(x.shape)}`);
  const [, h, w] = x.shape;
  if (h === null || w === null) throw new ShapeError(`${op}: height and width must be known, got shape ${fmt(x.shape)}`);
  return [h, w];
}

function outputHW(op: string, [h, w]: [number, number], [kh, kw]: [number, number], a: Omit<ConvAttrs, 'groups'>): [number, number] {
  const ho = convOutputSize(h, kh, a.strides[0], a.dilations[0], a.pads[0], a.pads[2]);
  const wo = convOutputSize(w, kw, a.strides[1], a.dilations[1], a.pads[1], a.pads[3]);
  if (ho < 1 || wo < 1)
    throw new ShapeError(`${op}: the ${kh}×${kw} window (dilation ${a.dilations.join('×')}) does not fit the ${h}×${w} input${a.pads.some((p) => p) ? ` padded by ${a.pads.join(',')}` : ''}: output would be ${ho}×${wo}`);
  return [ho, wo];
}

export const Conv = defineOp<ConvAttrs>({
  name: 'Conv',
  inputs: ['x', 'kernel'],
  inferShape: ([x, k], a) => {
    const hw = spatial(x, 'Conv');
    if (k.rank !== 4) throw new ShapeError(`Conv: the kernel must be 4-D [kh, kw, in/groups, filters], got ${fmt(k.shape)}`);
    const [kh, kw, cin, cout] = k.shape as number[];
    if (x.shape[3] !== cin * a.groups) throw new ShapeError(`Conv: input has ${x.shape[3]} channels but the kernel ${fmt(k.shape)} with ${a.groups} group(s) expects ${cin * a.groups}`);
    if (cout % a.groups) throw new ShapeError(`Conv: ${cout} filters are not divisible by ${a.groups} groups`);
    const [ho, wo] = outputHW('Conv', hw, [kh, kw], a);
    return [{ shape: [x.shape[0], ho, wo, cout], dtype: x.dtype }];
  },
  grad: ({ inputs: [x, k], dys: [dy], attrs }) => [convBackpropInput(dy!, k, x.shape[1] as number, x.shape[2] as number, attrs), convBackpropFilter(x, dy!, k.shape as number[], attrs)],
});

/**
 * The adjoint of Conv with respect to its input (a "transposed convolution"): dy [N, Ho, Wo, F]
 * and the forward kernel give dx [N, H, W, C]. Also the forward op of Conv2DTranspose.
 */
export const ConvBackpropInput = defineOp<ConvAttrs & { inputSize: [number, number] }>({
  name: 'ConvBackpropInput',
  inputs: ['dy', 'kernel'],
  inferShape: ([dy, k], a) => {
    const [kh, kw, cin, cout] = k.shape as number[];
    if (dy.rank !== 4 || dy.shape[3] !== cout) throw new ShapeError(`ConvBackpropInput: dy ${fmt(dy.shape)} does not match kernel ${fmt(k.shape)}`);
    const [ho, wo] = outputHW('ConvBackpropInput', a.inputSize, [kh, kw], a);
    if (dy.shape[1] !== ho || dy.shape[2] !== wo) throw new ShapeError(`ConvBackpropInput: dy ${fmt(dy.shape)} is not the conv output of a ${a.inputSize.join('×')} input (expected ${ho}×${wo})`);
    return [{ shape: [dy.shape[0], a.inputSize[0], a.inputSize[1], cin * a.groups], dtype: dy.dtype }];
  },
  // y = Conv^T(g, k): dg = Conv(dy, k); dk = the filter gradient with the roles of input and output swapped.
  grad: ({ inputs: [g, k], dys: [dy], attrs }) => {
    const { inputSize: _, ...conv } = attrs;
    return [apply1(Conv, [dy!, k], conv), convBackpropFilter(dy!, g, k.shape as number[], conv)];
  },
});

/** The adjoint of Conv with respect to its kernel: x and dy give dkernel [kh, kw, C / groups, F]. */
export const ConvBackpropFilter = defineOp<ConvAttrs & { kernelShape: [number, number, number, number] }>({
  name: 'ConvBackpropFilter',
  inputs: ['x', 'dy'],
  inferShape: ([x, dy], a) => {
    spatial(x, 'ConvBackpropFilter');
    if (dy.rank !== 4 || dy.shape[3] !== a.kernelShape[3]) throw new ShapeError(`ConvBackpropFilter: dy ${fmt(dy.shape)} does not match kernel shape ${fmt(a.kernelShape)}`);
    return [{ shape: [...a.kernelShape], dtype: x.dtype }];
  },
});

export interface Conv2dOptions {
  strides?: [number, number];
  padding?: 'same' | 'valid';
  dilations?: [number, number];
  groups?: number;
}

export function conv2d(x: Value, kernel: Value, o: Conv2dOptions = {}): Value {
  const strides = o.strides ?? [1, 1];
  const dilations = o.dilations ?? [1, 1];
  const hw = spatial(x, 'Conv');
  const pads = convPads(o.padding ?? 'valid', hw, [kernel.shape[0] as number, kernel.shape[1] as number], strides, dilations);
  return apply1(Conv, [x, kernel], { strides, dilations, pads, groups: o.groups ?? 1 });
}

export function convBackpropInput(dy: Value, kernel: Value, h: number, w: number, a: ConvAttrs): Value {
  return apply1(ConvBackpropInput, [dy, kernel], { ...a, inputSize: [h, w] });
}

export function convBackpropFilter(x: Value, dy: Value, kernelShape: number[], a: ConvAttrs): Value {
  return apply1(ConvBackpropFilter, [x, dy], { ...a, kernelShape: kernelShape as [number, number, number, number] });
}

/** Keras' Conv2DTranspose: the output size for 'same' is size * stride, for 'valid' (size - 1) * stride + k. */
export function conv2dTranspose(x: Value, kernel: Value, o: { strides?: [number, number]; padding?: 'same' | 'valid'; dilations?: [number, number]; outputPadding?: [number, number] } = {}): Value {
  const strides = o.strides ?? [1, 1];
  const dilations = o.dilations ?? [1, 1];
  const [h, w] = spatial(x, 'Conv2DTranspose');
  const [kh, kw] = [kernel.shape[0] as number, kernel.shape[1] as number];
  const op = o.outputPadding ?? [0, 0];
  // Keras: 'same' gives size·stride (output padding does not change it); 'valid' the full (size−1)·stride + k, plus output padding.
  const size = (n: number, k: number, s: number, d: number, p: number) => (o.padding === 'same' ? n * s : (n - 1) * s + (k - 1) * d + 1 + p);
  const out: [number, number] = [size(h, kh, strides[0], dilations[0], op[0]), size(w, kw, strides[1], dilations[1], op[1])];
  const pads = convPads(o.padding ?? 'valid', out, [kh, kw], strides, dilations);
  return apply1(ConvBackpropInput, [x, kernel], { strides, dilations, pads, groups: 1, inputSize: out });
}

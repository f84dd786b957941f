import { formatShape, type Value } from '../ir/graph.js';
import { ShapeError } from '../errors.js';
import { apply1, defineOp } from './registry.js';

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

/**
 * TF/Keras padding: 'valid' pads nothing; 'same' gives ceil(size / stride) outputs, the odd pixel
 * at the end. An unknown size (null: a model built for any image size) still has known 'same'
 * pads where they do not depend on it (stride 1, or a 1×1 window); elsewhere they are NaN, and
 * only the graph traced again for a known size can run (see `paddingKnown`).
 */
export function convPads(padding: 'same' | 'valid', [h, w]: [number | null, number | null], [kh, kw]: [number, number], [sh, sw]: [number, number], [dh, dw]: [number, number] = [1, 1]): [number, number, number, number] {
  if (padding === 'valid') return [0, 0, 0, 0];
  const total = (size: number | null, k: number, s: number, d: number) => {
    const span = (k - 1) * d + 1;
    if (size === null) return s === 1 || span === 1 ? Math.max(span - s, 0) : NaN;
    return Math.max((Math.ceil(size / s) - 1) * s + span - size, 0);
  };
  const th = total(h, kh, sh, dh);
  const tw = total(w, kw, sw, dw);
  return [Math.floor(th / 2), Math.floor(tw / 2), th - Math.floor(th / 2), tw - Math.floor(tw / 2)];
}

/** Height and width of an NHWC input; null where unknown (a model built for any image size). */
export function spatialDims(x: Value, op: string): [number | null, number | null] {
  if (x.rank !== 4) throw new ShapeError(`${op}: expected a 4-D input (batch, height, width, channels), got shape ${formatShape(x.shape)}`);
  const [, h, w] = x.shape;
  return [h, w];
}

/** Height and width of an NHWC input, which must be known (gradients, transposed convolutions). */
function spatial(x: Value, op: string): [number, number] {
  const [h, w] = spatialDims(x, op);
  if (h === null || w === null) throw new ShapeError(`${op}: height and width must be known, got shape ${formatShape(x.shape)}`);
  return [h, w];
}

/** A window's output length along one axis; unknown (null) when the input's is. */
export function windowOutputSize(size: number | null, k: number, stride: number, dilation: number, padBegin: number, padEnd: number): number | null {
  return size === null ? null : convOutputSize(size, k, stride, dilation, padBegin, padEnd);
}

function outputHW(op: string, [h, w]: [number | null, number | null], [kh, kw]: [number, number], a: Omit<ConvAttrs, 'groups'>): [number | null, number | null] {
  const ho = windowOutputSize(h, kh, a.strides[0], a.dilations[0], a.pads[0], a.pads[2]);
  const wo = windowOutputSize(w, kw, a.strides[1], a.dilations[1], a.pads[1], a.pads[3]);
  const fits = (n: number | null) => n === null || n >= 1;
  if (!fits(ho) || !fits(wo))
    throw new ShapeError(
      `${op}: the ${kh}×${kw} window (dilation ${a.dilations.join('×')}) does not fit the ${h ?? 'None'}×${w ?? 'None'} input${a.pads.some((p) => p) ? ` padded by ${a.pads.join(',')}` : ''}: output would be ${ho ?? 'None'}×${wo ?? 'None'}`,
    );
  return [ho, wo];
}

/**
 * Whether every convolution and pooling among these nodes has its padding known. A graph traced
 * from a model built for any image size may not ('same' pads of a strided window depend on the
 * size): the engine traces such a model again for each concrete size before it compiles.
 */
export function paddingKnown(nodes: readonly { attrs: unknown }[]): boolean {
  return nodes.every((n) => {
    const pads = (n.attrs as { pads?: unknown }).pads;
    return !Array.isArray(pads) || pads.every((p) => !Number.isNaN(p));
  });
}

export const Conv = defineOp<ConvAttrs>({
  name: 'Conv',
  inputs: ['x', 'kernel'],
  inferShape: ([x, k], a) => {
    const hw = spatialDims(x, 'Conv');
    if (k.rank !== 4) throw new ShapeError(`Conv: the kernel must be 4-D [kh, kw, in/groups, filters], got ${formatShape(k.shape)}`);
    const [kh, kw, cin, cout] = k.shape as number[];
    if (x.shape[3] !== cin * a.groups) throw new ShapeError(`Conv: input has ${x.shape[3]} channels but the kernel ${formatShape(k.shape)} with ${a.groups} group(s) expects ${cin * a.groups}`);
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
export type ConvBackpropInputAttrs = ConvAttrs & { inputSize: [number, number] };
export const ConvBackpropInput = defineOp<ConvBackpropInputAttrs>({
  name: 'ConvBackpropInput',
  inputs: ['dy', 'kernel'],
  inferShape: ([dy, k], a) => {
    const [kh, kw, cin, cout] = k.shape as number[];
    if (dy.rank !== 4 || dy.shape[3] !== cout) throw new ShapeError(`ConvBackpropInput: dy ${formatShape(dy.shape)} does not match kernel ${formatShape(k.shape)}`);
    const [ho, wo] = outputHW('ConvBackpropInput', a.inputSize, [kh, kw], a);
    if (dy.shape[1] !== ho || dy.shape[2] !== wo) throw new ShapeError(`ConvBackpropInput: dy ${formatShape(dy.shape)} is not the conv output of a ${a.inputSize.join('×')} input (expected ${ho}×${wo})`);
    return [{ shape: [dy.shape[0], a.inputSize[0], a.inputSize[1], cin * a.groups], dtype: dy.dtype }];
  },
  // y = Conv^T(g, k): dg = Conv(dy, k); dk = the filter gradient with the roles of input and output swapped.
  grad: ({ inputs: [g, k], dys: [dy], attrs }) => {
    const { inputSize: _, ...conv } = attrs;
    return [apply1(Conv, [dy!, k], conv), convBackpropFilter(dy!, g, k.shape as number[], conv)];
  },
});

/** The adjoint of Conv with respect to its kernel: x and dy give dkernel [kh, kw, C / groups, F]. */
export type ConvBackpropFilterAttrs = ConvAttrs & { kernelShape: [number, number, number, number] };
export const ConvBackpropFilter = defineOp<ConvBackpropFilterAttrs>({
  name: 'ConvBackpropFilter',
  inputs: ['x', 'dy'],
  inferShape: ([x, dy], a) => {
    spatial(x, 'ConvBackpropFilter');
    if (dy.rank !== 4 || dy.shape[3] !== a.kernelShape[3]) throw new ShapeError(`ConvBackpropFilter: dy ${formatShape(dy.shape)} does not match kernel shape ${formatShape(a.kernelShape)}`);
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
  const hw = spatialDims(x, 'Conv');
  const pads = convPads(o.padding ?? 'valid', hw, [kernel.shape[0] as number, kernel.shape[1] as number], strides, dilations);
  return apply1(Conv, [x, kernel], { strides, dilations, pads, groups: o.groups ?? 1 });
}

export function convBackpropInput(dy: Value, kernel: Value, h: number, w: number, a: ConvAttrs): Value {
  return apply1(ConvBackpropInput, [dy, kernel], { ...a, inputSize: [h, w] });
}

export function convBackpropFilter(x: Value, dy: Value, kernelShape: number[], a: ConvAttrs): Value {
  return apply1(ConvBackpropFilter, [x, dy], { ...a, kernelShape: kernelShape as [number, number, number, number] });
}

/**
 * Keras' length of a transposed convolution's output along one axis (keras/src/backend/common/
 * backend_utils.py, `_get_output_shape_given_tf_padding`), with k the dilated kernel size:
 * 'valid' gives (size−1)·stride + k + outputPadding, where no outputPadding means max(k, stride) − k;
 * 'same' gives size·stride, or (size−1)·stride + k mod 2 + outputPadding when one is given.
 */
export function deconvOutputLength(size: number, kernel: number, stride: number, padding: 'same' | 'valid', outputPadding: number | null, dilation = 1): number {
  const k = (kernel - 1) * dilation + 1;
  if (padding === 'valid') return (size - 1) * stride + k + (outputPadding ?? Math.max(k, stride) - k);
  return outputPadding === null ? size * stride : (size - 1) * stride + (k % 2) + outputPadding;
}

/**
 * The forward-conv pads [begin, end] along one axis that make a transposed conv of `size` inputs
 * give `out` outputs: the full transposed output, (size−1)·stride + k, is cropped by
 * max(full − out, 0), the odd cell at the end (TF's 'same' rule); what `out` has beyond the full
 * output holds only the bias. This is the padding Keras' JAX backend uses for every case, and
 * the one TF's conv_transpose derives from `out` whenever TF accepts the shapes.
 */
function deconvPads(size: number, kernel: number, stride: number, dilation: number, out: number): [number, number] {
  const total = Math.max((size - 1) * stride + (kernel - 1) * dilation + 1 - out, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

export interface Conv2dTransposeOptions {
  strides?: [number, number];
  padding?: 'same' | 'valid';
  dilations?: [number, number];
  /** Keras' output_padding; absent = None (the output length then follows from the padding alone). */
  outputPadding?: [number, number];
}

/** Keras' Conv2DTranspose (x [N, H, W, C], kernel [kh, kw, F, C]): output lengths by `deconvOutputLength`. */
export function conv2dTranspose(x: Value, kernel: Value, o: Conv2dTransposeOptions = {}): Value {
  const strides = o.strides ?? [1, 1];
  const dilations = o.dilations ?? [1, 1];
  const padding = o.padding ?? 'valid';
  const hw = spatial(x, 'Conv2DTranspose');
  const k = [kernel.shape[0] as number, kernel.shape[1] as number];
  const out = [0, 1].map((i) => deconvOutputLength(hw[i], k[i], strides[i], padding, o.outputPadding?.[i] ?? null, dilations[i])) as [number, number];
  const [top, bottom] = deconvPads(hw[0], k[0], strides[0], dilations[0], out[0]);
  const [left, right] = deconvPads(hw[1], k[1], strides[1], dilations[1], out[1]);
  return apply1(ConvBackpropInput, [x, kernel], { strides, dilations, pads: [top, left, bottom, right], groups: 1, inputSize: out });
}

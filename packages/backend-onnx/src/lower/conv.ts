import { Tensor } from '@layerwise/core';
import type { LoweringNode, Lowerings, OnnxGraphBuilder } from '../onnx/builder.js';

// The IR is channels_last (NHWC, kernels HWIO); ONNX convolutions are NCHW/OIHW. Each lowering
// transposes at its edges; onnxruntime's transpose optimizer cancels the pairs between layers.
const toNCHW = (g: OnnxGraphBuilder, x: string) => g.node('Transpose', [x], { perm: [0, 3, 1, 2] });
const toNHWC = (g: OnnxGraphBuilder, x: string) => g.node('Transpose', [x], { perm: [0, 2, 3, 1] });
const toOIHW = (g: OnnxGraphBuilder, w: string) => g.node('Transpose', [w], { perm: [3, 2, 0, 1] });

const convAttrs = (a: any, kernel: number[]) => ({ strides: a.strides, dilations: a.dilations, pads: [a.pads[0], a.pads[1], a.pads[2], a.pads[3]], group: a.groups, kernel_shape: kernel });
const spatialOf = (n: LoweringNode, input: number) => n.node.inputs[input].shape.slice(1, 3) as number[];

/** Pooling windows' attributes in ONNX form. */
const poolAttrs = (a: any) => ({ kernel_shape: a.kernel, strides: a.strides, pads: [a.pads[0], a.pads[1], a.pads[2], a.pads[3]] });

/** How many inputs of each window are not padding, as a [1, 1, Ho, Wo] constant (static shapes). */
function windowCounts(h: number, w: number, a: any): Tensor {
  const ho = Math.floor((h + a.pads[0] + a.pads[2] - a.kernel[0]) / a.strides[0]) + 1;
  const wo = Math.floor((w + a.pads[1] + a.pads[3] - a.kernel[1]) / a.strides[1]) + 1;
  const counts = Tensor.zeros([1, 1, ho, wo]);
  for (let i = 0; i < ho; i++)
    for (let j = 0; j < wo; j++) {
      const r0 = i * a.strides[0] - a.pads[0];
      const c0 = j * a.strides[1] - a.pads[1];
      const rows = Math.min(h, r0 + a.kernel[0]) - Math.max(0, r0);
      const cols = Math.min(w, c0 + a.kernel[1]) - Math.max(0, c0);
      counts.data[i * wo + j] = rows * cols;
    }
  return counts;
}

/** ConvTranspose's output_padding so that the output is exactly `size` (it is ambiguous when stride > 1). */
function outputPadding(size: number[], inSize: number[], k: number[], a: any): number[] {
  return [0, 1].map((i) => size[i] - ((inSize[i] - 1) * a.strides[i] + (k[i] - 1) * a.dilations[i] + 1 - a.pads[i] - a.pads[i + 2]));
}

export const conv: Lowerings = {
  Conv: (n, g) => {
    const k = n.node.inputs[1].shape as number[];
    return toNHWC(g, g.node('Conv', [toNCHW(g, n.in(0)), toOIHW(g, n.in(1))], convAttrs(n.attrs, [k[0], k[1]])));
  },
  // dx of a conv = ConvTranspose of dy with the same OIHW kernel.
  ConvBackpropInput: (n, g) => {
    const k = n.node.inputs[1].shape as number[];
    const dySize = spatialOf(n, 0);
    return toNHWC(
      g,
      g.node('ConvTranspose', [toNCHW(g, n.in(0)), toOIHW(g, n.in(1))], {
        ...convAttrs(n.attrs, [k[0], k[1]]),
        output_padding: outputPadding(n.attrs.inputSize, dySize, k, n.attrs),
      }),
    );
  },
  ConvBackpropFilter: (n, g) => (n.attrs.groups === 1 ? filterGradIm2col(n, g) : filterGradByConv(n, g)),
  MaxPool: (n, g) => toNHWC(g, g.node('MaxPool', [toNCHW(g, n.in(0))], poolAttrs(n.attrs))),
  // Overlapping or padded windows (tiling windows get core's plain-op gradient).
  MaxPoolGrad: (n, g) => maxPoolGradScatter(n, g),
  AvgPool: (n, g) => toNHWC(g, g.node('AveragePool', [toNCHW(g, n.in(0))], { ...poolAttrs(n.attrs), count_include_pad: 0 })),
  // Spread dy / count over each window: a depthwise ConvTranspose with a kernel of ones.
  AvgPoolGrad: (n, g) => {
    const a = n.attrs;
    const [, h, w, c] = n.node.inputs[1].shape as number[];
    const scaled = g.node('Div', [toNCHW(g, n.in(0)), g.initializer(windowCounts(h, w, a), 'pool_counts')]);
    const ones = g.initializer(Tensor.full([c, 1, a.kernel[0], a.kernel[1]], 1), 'pool_ones');
    const dySize = spatialOf(n, 0);
    return toNHWC(
      g,
      g.node('ConvTranspose', [scaled, ones], {
        strides: a.strides,
        pads: [a.pads[0], a.pads[1], a.pads[2], a.pads[3]],
        group: c,
        kernel_shape: a.kernel,
        output_padding: outputPadding([h, w], dySize, a.kernel, { ...a, dilations: [1, 1] }),
      }),
    );
  },
};

/** Overlapping or padded windows: scatter-add dy to the argmax positions MaxPool records (exact, any window). */
function maxPoolGradScatter(n: LoweringNode, g: OnnxGraphBuilder): string {
  const xn = toNCHW(g, n.in(0));
  const [, indices] = g.nodeN('MaxPool', [xn], poolAttrs(n.attrs), 2);
  const flat = g.node('Reshape', [xn, g.int64([-1])]);
  const zeros = g.node('ConstantOfShape', [g.node('Shape', [flat])], { value: Tensor.from([0]) });
  const dyFlat = g.node('Reshape', [toNCHW(g, n.in(1)), g.int64([-1])]);
  const scattered = g.node('ScatterElements', [zeros, g.node('Reshape', [indices, g.int64([-1])]), dyFlat], { axis: 0, reduction: 'add' });
  return toNHWC(g, g.node('Reshape', [scattered, g.node('Shape', [xn])]));
}

/**
 * dW of a grouped conv as a forward conv: input channels (per group) become the batch, the batch
 * becomes channels, dy is the kernel, and the roles of stride and dilation swap.
 */
function filterGradByConv(n: LoweringNode, g: OnnxGraphBuilder): string {
  const a = n.attrs;
  const [, h, w, c] = n.node.inputs[0].shape as number[];
  const [, ho, wo] = n.node.inputs[1].shape as number[];
  const [kh, kw, cinG] = a.kernelShape as number[];
  const groups = a.groups as number;
  const split = g.node('Reshape', [n.in(0), g.int64([0, h, w, groups, c / groups])]);
  const xr = g.node('Reshape', [g.node('Transpose', [split], { perm: [4, 3, 0, 1, 2] }), g.int64([cinG, -1, h, w])]);
  const dyr = g.node('Transpose', [n.in(1)], { perm: [3, 0, 1, 2] });
  const padEnd = (i: number, k: number, size: number, outSize: number) =>
    Math.max(0, (k - 1) * a.dilations[i] + (outSize - 1) * a.strides[i] + 1 - size - a.pads[i]);
  const out = g.node('Conv', [xr, dyr], {
    strides: a.dilations,
    dilations: a.strides,
    pads: [a.pads[0], a.pads[1], padEnd(0, kh, h, ho), padEnd(1, kw, w, wo)],
    group: groups,
    kernel_shape: [ho, wo],
  });
  const cropped = g.node('Slice', [out, g.int64([0, 0]), g.int64([kh, kw]), g.int64([2, 3])]);
  return g.node('Transpose', [cropped], { perm: [2, 3, 0, 1] });
}

/**
 * dW of an ungrouped conv as one matrix product, channels_last throughout: the kh·kw shifted
 * (strided) views of the padded input side by side are the rows' patches (im2col), and
 * dW = patchesᵀ · dy. No transposes of activations.
 */
function filterGradIm2col(n: LoweringNode, g: OnnxGraphBuilder): string {
  const a = n.attrs;
  const [, , , c] = n.node.inputs[0].shape as number[];
  const [, ho, wo, cout] = n.node.inputs[1].shape as number[];
  const [kh, kw] = a.kernelShape as number[];
  const [pt, pl, pb, pr] = a.pads as number[];
  const padded = pt || pl || pb || pr ? g.node('Pad', [n.in(0), g.int64([0, pt, pl, 0, 0, pb, pr, 0]), g.float(0)], { mode: 'constant' }) : n.in(0);
  const views: string[] = [];
  for (let p = 0; p < kh; p++)
    for (let q = 0; q < kw; q++) {
      const [r0, c0] = [p * a.dilations[0], q * a.dilations[1]];
      views.push(
        g.node('Slice', [padded, g.int64([r0, c0]), g.int64([r0 + (ho - 1) * a.strides[0] + 1, c0 + (wo - 1) * a.strides[1] + 1]), g.int64([1, 2]), g.int64(a.strides)]),
      );
    }
  const patches = g.node('Reshape', [views.length > 1 ? g.node('Concat', views, { axis: 3 }) : views[0], g.int64([-1, kh * kw * c])]);
  const dW = g.node('Gemm', [patches, g.node('Reshape', [n.in(1), g.int64([-1, cout])])], { transA: 1 });
  return g.node('Reshape', [dW, g.int64([kh, kw, c, cout])]);
}

export const shapeExtra: Lowerings = {
  Pad: (n, g) => g.node('Pad', [n.in(0), g.int64(n.attrs.pads), g.float(n.attrs.value)], { mode: 'constant' }),
  Slice: (n, g) => {
    const axes = n.attrs.starts.map((_: number, i: number) => i);
    const ends = n.attrs.ends.map((e: number | null) => (e === null ? Number.MAX_SAFE_INTEGER : e));
    return g.node('Slice', [n.in(0), g.int64(n.attrs.starts), g.int64(ends), g.int64(axes)]);
  },
  Concat: (n, g) => g.node('Concat', n.node.inputs.map((_, i) => n.in(i)), { axis: n.attrs.axis }),
  Tile: (n, g) => g.node('Tile', [n.in(0), g.int64(n.attrs.repeats)]),
};

import { ops } from '@layerwise/core';
import type { OnnxGraphBuilder } from '../onnx/builder.js';
import { outputPadding, spatialOf, toNCHW, toNHWC, toOIHW } from './layout.js';
import { lower, type LoweringNode } from './table.js';

export const conv = [
  lower(ops.Conv, (n, g) => toNHWC(g, g.node('Conv', [toNCHW(g, n.in(0)), toOIHW(g, n.in(1))], convAttrs(n.attrs, kernelHW(n))))),
  // dx of a conv = ConvTranspose of dy with the same OIHW kernel.
  lower(ops.ConvBackpropInput, (n, g) =>
    toNHWC(
      g,
      g.node('ConvTranspose', [toNCHW(g, n.in(0)), toOIHW(g, n.in(1))], {
        ...convAttrs(n.attrs, kernelHW(n)),
        output_padding: outputPadding(n.attrs.inputSize, spatialOf(n, 0), kernelHW(n), n.attrs),
      }),
    ),
  ),
  lower(ops.ConvBackpropFilter, (n, g) => (n.attrs.groups === 1 ? filterGradIm2col(n, g) : filterGradByConv(n, g))),
];

/** ONNX Conv/ConvTranspose attributes (the IR's pads are already ONNX's [top, left, bottom, right]). */
const convAttrs = (a: ops.ConvAttrs, kernel: [number, number]) => ({ strides: a.strides, dilations: a.dilations, pads: [...a.pads], group: a.groups, kernel_shape: kernel });
/** The kernel's height and width (input 1, HWIO). */
const kernelHW = (n: LoweringNode): [number, number] => {
  const [kh, kw] = n.node.inputs[1].shape as number[];
  return [kh, kw];
};

/**
 * dW of a grouped conv as a forward conv: input channels (per group) become the batch, the batch
 * becomes channels, dy is the kernel, and the roles of stride and dilation swap.
 */
function filterGradByConv(n: LoweringNode<ops.ConvBackpropFilterAttrs>, g: OnnxGraphBuilder): string {
  const a = n.attrs;
  const [, h, w, c] = n.node.inputs[0].shape as number[];
  const [, ho, wo] = n.node.inputs[1].shape as number[];
  const [kh, kw, cinG] = a.kernelShape;
  const groups = a.groups;
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
function filterGradIm2col(n: LoweringNode<ops.ConvBackpropFilterAttrs>, g: OnnxGraphBuilder): string {
  const a = n.attrs;
  const [, , , c] = n.node.inputs[0].shape as number[];
  const [, ho, wo, cout] = n.node.inputs[1].shape as number[];
  const [kh, kw] = a.kernelShape;
  const [pt, pl, pb, pr] = a.pads;
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

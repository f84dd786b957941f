import type { OnnxGraphBuilder } from '../onnx/builder.js';
import type { LoweringNode } from './table.js';

// The IR is channels_last (NHWC, kernels HWIO); ONNX convolutions and pooling are NCHW/OIHW.
// Each lowering transposes at its edges; onnxruntime's transpose optimizer cancels the pairs
// between layers.
export const toNCHW = (g: OnnxGraphBuilder, x: string) => g.node('Transpose', [x], { perm: [0, 3, 1, 2] });
export const toNHWC = (g: OnnxGraphBuilder, x: string) => g.node('Transpose', [x], { perm: [0, 2, 3, 1] });
export const toOIHW = (g: OnnxGraphBuilder, w: string) => g.node('Transpose', [w], { perm: [3, 2, 0, 1] });

/** Height and width of a node's NHWC input (static: convolutions and pools need them). */
export const spatialOf = (n: LoweringNode, input: number): [number, number] => {
  const [, h, w] = n.node.inputs[input].shape as number[];
  return [h, w];
};

/** ConvTranspose's output_padding so that the output is exactly `size` (it is ambiguous when stride > 1). */
export function outputPadding(
  size: readonly number[],
  inSize: readonly number[],
  k: readonly number[],
  a: { strides: readonly number[]; dilations: readonly number[]; pads: readonly number[] },
): number[] {
  return [0, 1].map((i) => size[i] - ((inSize[i] - 1) * a.strides[i] + (k[i] - 1) * a.dilations[i] + 1 - a.pads[i] - a.pads[i + 2]));
}

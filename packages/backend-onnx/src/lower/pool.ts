import { Tensor, ops } from '@layerwise/core';
import type { OnnxGraphBuilder } from '../onnx/builder.js';
import { outputPadding, spatialOf, toNCHW, toNHWC } from './layout.js';
import { lower, type LoweringNode } from './table.js';

export const pool = [
  lower(ops.MaxPool, (n, g) => toNHWC(g, g.node('MaxPool', [toNCHW(g, n.in(0))], poolAttrs(n.attrs)))),
  // Overlapping or padded windows (tiling windows get core's plain-op gradient).
  lower(ops.MaxPoolGrad, (n, g) => maxPoolGradScatter(n, g)),
  lower(ops.AvgPool, (n, g) => toNHWC(g, g.node('AveragePool', [toNCHW(g, n.in(0))], { ...poolAttrs(n.attrs), count_include_pad: 0 }))),
  // Spread dy / count over each window: a depthwise ConvTranspose with a kernel of ones.
  lower(ops.AvgPoolGrad, (n, g) => {
    const a = n.attrs;
    const [, h, w, c] = n.node.inputs[1].shape as number[];
    const { counts, outSize } = ops.windowCounts([h, w], a);
    const scaled = g.node('Div', [toNCHW(g, n.in(0)), g.initializer(new Tensor(counts, [1, 1, ...outSize]), 'pool_counts')]);
    const ones = g.initializer(Tensor.full([c, 1, a.kernel[0], a.kernel[1]], 1), 'pool_ones');
    return toNHWC(
      g,
      g.node('ConvTranspose', [scaled, ones], {
        strides: a.strides,
        pads: [...a.pads],
        group: c,
        kernel_shape: a.kernel,
        output_padding: outputPadding([h, w], spatialOf(n, 0), a.kernel, { ...a, dilations: [1, 1] }),
      }),
    );
  }),
];

/** Pooling windows' attributes in ONNX form. */
const poolAttrs = (a: ops.PoolAttrs) => ({ kernel_shape: a.kernel, strides: a.strides, pads: [...a.pads] });

/** Overlapping or padded windows: scatter-add dy to the argmax positions MaxPool records (exact, any window). */
function maxPoolGradScatter(n: LoweringNode<ops.PoolAttrs>, g: OnnxGraphBuilder): string {
  const xn = toNCHW(g, n.in(0));
  const [, indices] = g.nodeN('MaxPool', [xn], poolAttrs(n.attrs), 2);
  const flat = g.node('Reshape', [xn, g.int64([-1])]);
  const zeros = g.node('ConstantOfShape', [g.node('Shape', [flat])], { value: Tensor.from([0]) });
  const dyFlat = g.node('Reshape', [toNCHW(g, n.in(1)), g.int64([-1])]);
  const scattered = g.node('ScatterElements', [zeros, g.node('Reshape', [indices, g.int64([-1])]), dyFlat], { axis: 0, reduction: 'add' });
  return toNHWC(g, g.node('Reshape', [scattered, g.node('Shape', [xn])]));
}

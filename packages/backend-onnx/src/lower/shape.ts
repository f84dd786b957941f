import { ops } from '@layerwise/core';
import { lower } from './table.js';

export const shape = [
  lower(ops.Reshape, (n, g) => g.node('Reshape', [n.in(0), g.int64(n.attrs.shape)])),
  lower(ops.ReshapeLike, (n, g) => g.node('Reshape', [n.in(0), g.node('Shape', [n.in(1)])])),
  lower(ops.Unsqueeze, (n, g) => g.node('Unsqueeze', [n.in(0), g.int64(n.attrs.axes)])),
  lower(ops.Transpose, (n, g) => g.node('Transpose', [n.in(0)], { perm: n.attrs.perm })),
  lower(ops.Gather, (n, g) => g.node('Gather', [n.in(0), n.in(1)], { axis: 0 })),
  lower(ops.Pad, (n, g) => g.node('Pad', [n.in(0), g.int64(n.attrs.pads), g.float(n.attrs.value)], { mode: 'constant' })),
  // A null end is "to the end of the axis".
  lower(ops.Slice, (n, g) => {
    const { starts, ends } = n.attrs;
    const stops = ends.map((e) => (e === null ? Number.MAX_SAFE_INTEGER : e));
    return g.node('Slice', [n.in(0), g.int64(starts), g.int64(stops), g.int64(starts.map((_, i) => i))]);
  }),
  lower(ops.Concat, (n, g) => g.node('Concat', n.node.inputs.map((_, i) => n.in(i)), { axis: n.attrs.axis })),
];

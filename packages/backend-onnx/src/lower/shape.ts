import type { Lowerings } from '../onnx/builder.js';

export const shape: Lowerings = {
  Reshape: (n, g) => g.node('Reshape', [n.in(0), g.int64(n.attrs.shape)]),
  ReshapeLike: (n, g) => g.node('Reshape', [n.in(0), g.node('Shape', [n.in(1)])]),
  ExpandLike: (n, g) => g.node('Expand', [n.in(0), g.node('Shape', [n.in(1)])]),
  Unsqueeze: (n, g) => g.node('Unsqueeze', [n.in(0), g.int64(n.attrs.axes)]),
  Transpose: (n, g) => g.node('Transpose', [n.in(0)], { perm: n.attrs.perm }),
  Gather: (n, g) => g.node('Gather', [n.in(0), n.in(1)], { axis: 0 }),
};

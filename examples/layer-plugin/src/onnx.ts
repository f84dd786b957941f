// The custom op on the ONNX backend (and in exported .onnx files): standard ONNX nodes,
// so onnxruntime — or any ONNX runtime — runs it without a custom-op library.
import { registerLowering } from '@layerwise/backend-onnx';
import { ScaledSwishOp } from './op.js';

registerLowering(ScaledSwishOp, (n, g) => {
  const bx = g.node('Mul', [n.in(1), n.in(0)]);
  return g.node('Mul', [n.in(0), g.node('Sigmoid', [bx])]);
});
export { ScaledSwishOp };

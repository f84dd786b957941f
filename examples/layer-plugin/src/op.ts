// Step 3 (optional): a custom IR op. ScaledSwish is already expressible in core ops (see
// layer.ts); a fused op is how a plugin adds something core lacks, or gives backends one node
// to run instead of three. An op is defined once — name, inputs, shape/dtype rule, gradient in
// other IR ops — and each backend learns to run it from a lowering (onnx.ts, tfjs.ts).
import { ShapeError, apply1, defineOp, ops, type Value } from '@layerwise/core';

const { add, mul, sigmoid, sub, scalar, sumTo, broadcastShapes } = ops;

/**
 * y = x · sigmoid(β · x), β broadcast against x (one β per channel). Names are global: prefix
 * a plugin's ops with the package so they never collide with core's or another plugin's.
 */
export const ScaledSwishOp = defineOp({
  name: 'layerwise-example/ScaledSwish',
  inputs: ['x', 'beta'],
  // Shape rule: runs while the model is traced, so a bad shape fails at model definition,
  // naming the layer (core adds "Layer 'name': " to ShapeErrors raised here).
  inferShape: ([x, beta]) => {
    if (x.dtype !== 'float32' || beta.dtype !== 'float32')
      throw new ShapeError(`ScaledSwish expects float32 inputs, got ${x.dtype} and ${beta.dtype}`);
    const shape = broadcastShapes(x.shape, beta.shape, 'ScaledSwish inputs');
    if (shape.length !== x.shape.length || shape.some((d, i) => d !== x.shape[i]))
      throw new ShapeError(`ScaledSwish: beta of shape (${beta.shape.join(', ')}) does not broadcast onto x of shape (${x.shape.map((d) => d ?? 'None').join(', ')})`);
    return [{ shape: x.shape, dtype: 'float32' }];
  },
  // Gradient, in IR ops (so it runs on every backend and can itself be differentiated):
  //   s = σ(βx),  dy/dx = s + βx·s(1−s),  dy/dβ = x²·s(1−s)  (summed back to β's shape)
  grad: ({ inputs: [x, beta], dys: [dy] }) => {
    const s = sigmoid(mul(beta, x));
    const ds = mul(s, sub(scalar(1), s));
    const dx = mul(dy!, add(s, mul(mul(beta, x), ds)));
    const dbeta = sumTo(mul(dy!, mul(mul(x, x), ds)), beta);
    return [dx, dbeta];
  },
});

/** Apply the fused op (a graph node; backends need its lowering — import './onnx' / './tfjs'). */
export function scaledSwish(x: Value, beta: Value): Value {
  return apply1(ScaledSwishOp, [x, beta]);
}

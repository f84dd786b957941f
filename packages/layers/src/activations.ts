import { ConfigError, ops, type Value } from '@layerwise/core';

const { add, abs, div, elu, minimum, mul, relu, scalar, sigmoid, softmax, softplus, tanh } = ops;

/** Keras' activation functions, written in IR ops (so they differentiate and run everywhere). */
export const activations: Record<string, (x: Value) => Value> = {
  linear: (x) => x,
  sigmoid,
  tanh,
  relu,
  softmax: (x) => softmax(x, -1),
  elu: (x) => elu(x, 1),
  // Constants from Keras (Klambauer et al.).
  selu: (x) => mul(scalar(1.0507009873554805), elu(x, 1.6732632423543772)),
  softplus,
  softsign: (x) => div(x, add(scalar(1), abs(x))),
  // Keras 3: relu6(x + 3) / 6 — written so the kinks at ±3 have zero gradient, as relu6's do.
  hard_sigmoid: (x) => mul(minimum(scalar(6), relu(add(x, scalar(3)))), scalar(1 / 6)),
  swish: (x) => mul(x, sigmoid(x)),
  silu: (x) => mul(x, sigmoid(x)),
};

export type ActivationIdentifier = string | null | undefined;

export function getActivation(id: ActivationIdentifier, where: string): (x: Value) => Value {
  const name = id ?? 'linear';
  const fn = activations[name];
  if (!fn) throw new ConfigError(`${where}: unknown activation '${name}'. Known: ${Object.keys(activations).join(', ')}`);
  return fn;
}

import type { Layer } from './layer.js';

/** Every layer's own `trainable` flag, the model's and those of the layers inside it, at one moment. */
export type TrainableSnapshot = Map<Layer, boolean>;

/** The flags of `root` and of every layer inside it, nested models included. */
export function snapshotTrainable(root: Layer): TrainableSnapshot {
  const snapshot: TrainableSnapshot = new Map();
  const visit = (layer: Layer) => {
    if (snapshot.has(layer)) return;
    snapshot.set(layer, layer.trainable);
    layer.sublayers.forEach(visit);
  };
  visit(root);
  return snapshot;
}

/**
 * Runs `fn` with the layers' flags as they were in `snapshot`, then puts today's back. Keras
 * keeps the flags its train function was made with until the next `compile`: the train step
 * is traced under those flags even when a flag has changed since.
 */
export function withTrainable<T>(snapshot: TrainableSnapshot | null, fn: () => T): T {
  if (!snapshot) return fn();
  const now = snapshotTrainable([...snapshot.keys()][0]);
  for (const [layer, value] of snapshot) layer.setOwnTrainable(value);
  try {
    return fn();
  } finally {
    for (const [layer, value] of now) layer.setOwnTrainable(value);
  }
}

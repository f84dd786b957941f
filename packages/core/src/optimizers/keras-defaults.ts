import { ConfigError } from '../errors.js';
import { describeValue } from '../options.js';

/**
 * Keras 2 (the version the tutorial was written for) and Keras 3 disagree on some optimizer
 * defaults, enough to change the tutorial's results: `optimizer: 'adagrad'` trains the 2.1 CNN
 * to ~0.88 test accuracy with Keras 2's learning rate 0.01 and to ~0.78 with Keras 3's 0.001.
 * `setKerasDefaults(2)` makes optimizers created afterwards (by name in compile, or with `new`
 * and no learningRate) take Keras 2's default learning rates; an explicit learningRate wins.
 * (ImageDataGenerator's swapped shifts are not a version default: Keras 2 and 3 share them,
 * and `shiftAxes: 'keras'` asks for them per generator.)
 */
export type KerasVersion = 2 | 3;

/** Keras 2.x (keras/optimizers.py) and Keras 3 default learning rates, where they differ. */
export const KERAS_DEFAULT_LEARNING_RATES: Readonly<Record<string, Record<KerasVersion, number>>> = {
  Adagrad: { 2: 0.01, 3: 0.001 },
  Adadelta: { 2: 1.0, 3: 0.001 },
};

let version: KerasVersion = 3;

/** Use Keras 2's (2) or Keras 3's (3, the default) optimizer defaults from now on. */
export function setKerasDefaults(v: KerasVersion): void {
  if (v !== 2 && v !== 3) throw new ConfigError(`setKerasDefaults: expected 2 or 3, got ${describeValue(v)}`);
  version = v;
}
export function getKerasDefaults(): KerasVersion {
  return version;
}

/** The default learning rate of an optimizer class under the current defaults. */
export function defaultLearningRate(className: string, keras3: number): number {
  return KERAS_DEFAULT_LEARNING_RATES[className]?.[version] ?? keras3;
}

/** The arrays of ImageDataGenerator.flow: Keras' checks on x, y and sampleWeight, and the validation subset. */
import { ConfigError, Tensor, checkOptions, keysOf } from '@layerwise/core';
import type { KerasIteratorOptions } from '@layerwise/data';
import type { ImageDataGenerator } from './generator.js';

/** batchSize (32), shuffle (true) and seed: with a seed, batch b's shuffle and transforms come from a generator seeded with seed + b, as Keras reseeds numpy. */
export interface FlowOptions extends KerasIteratorOptions {
  /** Per-sample weights, returned as the third element of each batch. */
  sampleWeight?: Tensor | null;
  /** Save every augmented image here as `${savePrefix}_${index}_${random}.${saveFormat}`. */
  saveToDir?: string | null;
  savePrefix?: string;
  /** Default 'png'. */
  saveFormat?: string;
  /** With the generator's validationSplit: 'validation' = the first split fraction, 'training' = the rest. */
  subset?: 'training' | 'validation' | null;
  /** Skip Keras' check that both subsets hold the same classes. Default false. */
  ignoreClassSplit?: boolean;
  /**
   * Worker threads that transform the batches of the async path (`nextAsync()`, `for await`,
   * `model.fit`): each batch's images are split across them. Default min(2, cores) (0 on one
   * core); 0 = the main thread. The random parameters are always drawn on the main thread,
   * in Keras' order, so the batches are the same for any count. The sync `next()` / `for…of`
   * always runs on the main thread.
   */
  workers?: number;
}

export const flowKeys = keysOf<FlowOptions>()({
  batchSize: true, shuffle: true, seed: true, sampleWeight: true, saveToDir: true, savePrefix: true, saveFormat: true,
  subset: true, ignoreClassSplit: true, workers: true,
});

function rows(t: Tensor): number {
  return t.rank === 0 ? 0 : t.shape[0];
}

/** Checks x, y and sampleWeight as Keras' NumpyArrayIterator does and takes the subset; x as float32. */
export function flowArrays(x: Tensor, y: Tensor | null, generator: ImageDataGenerator, options: FlowOptions, where: string): { x: Tensor; y: Tensor | null; sampleWeight: Tensor | null } {
  checkOptions(where, options, flowKeys);
  if (!(x instanceof Tensor)) throw new ConfigError(`${where}: \`x\` should be a Tensor of images`);
  if (y !== null && !(y instanceof Tensor)) throw new ConfigError(`${where}: \`y\` should be a Tensor (or null)`);
  if (y !== null && rows(x) !== rows(y))
    throw new ConfigError(`${where}: \`x\` (images tensor) and \`y\` (labels) should have the same length. Found: x.shape = [${x.shape.join(', ')}], y.shape = [${y.shape.join(', ')}]`);
  const sw = options.sampleWeight ?? null;
  if (sw !== null && rows(x) !== rows(sw))
    throw new ConfigError(`${where}: \`x\` (images tensor) and \`sampleWeight\` should have the same length. Found: x.shape = [${x.shape.join(', ')}], sampleWeight.shape = [${sw.shape.join(', ')}]`);
  let xs = x;
  let ys = y;
  let sws = sw;
  const subset = options.subset ?? null;
  if (subset !== null) {
    if (subset !== 'training' && subset !== 'validation') throw new ConfigError(`${where}: Invalid \`subset\` name: ${String(subset)}; expected "training" or "validation".`);
    const split = Math.trunc(rows(x) * generator.validationSplit);
    if (ys !== null && !options.ignoreClassSplit) {
      const a = [...new Set(ys.slice(0, split).data)].sort().join(',');
      const b = [...new Set(ys.slice(split).data)].sort().join(',');
      if (a !== b)
        throw new ConfigError(`${where}: Training and validation subsets have different number of classes after the split. If your arrays are sorted by the label, you might want to shuffle them (or pass ignoreClassSplit).`);
    }
    const [s, e] = subset === 'validation' ? [0, split] : [split, rows(x)];
    xs = x.slice(s, e);
    ys = ys === null ? null : ys.slice(s, e);
    sws = sws === null ? null : sws.slice(s, e);
  }
  if (xs.rank !== 4) throw new ConfigError(`${where}: Input data in \`NumpyArrayIterator\` (\`x\`) should have rank 4. You passed an array with shape [${xs.shape.join(', ')}]`);
  const ca = generator.dataFormat === 'channels_last' ? 3 : 1;
  if (![1, 3, 4].includes(xs.shape[ca]))
    process.stderr.write(
      `NumpyArrayIterator is set to use the data format convention "${generator.dataFormat}" (channels on axis ${ca}), i.e. expected either 1, 3, or 4 channels on axis ${ca}. However, it was passed an array with shape [${xs.shape.join(', ')}] (${xs.shape[ca]} channels).\n`,
    );
  return { x: xs.dtype === 'float32' ? xs : xs.astype('float32'), y: ys, sampleWeight: sws };
}

/**
 * Keras' NumpyArrayIterator (ImageDataGenerator.flow): batches of randomly transformed,
 * standardized samples from in-memory arrays, endless like Keras' iterator.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, Generator, rng, Tensor } from '@layerwise/core';
import { arrayToImg, saveImg } from '@layerwise/data';
import type { ImageDataGenerator, TransformParameters } from './generator.js';
import { transformArray, type RawTransform } from './kernels.js';
import { defaultWorkers, sharedAugmentPool, type AugmentPool } from './pool.js';

export interface FlowOptions {
  /** Default 32. */
  batchSize?: number;
  /** Reshuffle at each epoch. Default true. */
  shuffle?: boolean;
  /** Seeds shuffles and transforms: batch b is drawn from a generator seeded with seed + b (Keras reseeds numpy the same way). */
  seed?: number;
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

export type FlowBatch = Tensor | [Tensor, Tensor] | [Tensor, Tensor, Tensor];

let nextSharedKey = 1;

function rows(t: Tensor): number {
  return t.rank === 0 ? 0 : t.shape[0];
}

export class NumpyArrayIterator implements Iterable<FlowBatch>, AsyncIterable<FlowBatch> {
  readonly x: Tensor;
  readonly y: Tensor | null;
  readonly sampleWeight: Tensor | null;
  readonly n: number;
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly seed: number | undefined;
  readonly imageDataGenerator: ImageDataGenerator;
  readonly saveToDir: string | null;
  readonly savePrefix: string;
  readonly saveFormat: string;
  /** Worker threads of the async path (0 = main thread). */
  readonly workers: number;
  private pool: AugmentPool | null = null;
  private sharedKey: number | null = null;
  /** Pending image writes of saveToDir (awaited by `flushSaves()`). */
  private saves: Promise<void>[] = [];
  private indexArray: Int32Array | null = null;
  batchIndex = 0;
  totalBatchesSeen = 0;

  constructor(x: Tensor, y: Tensor | null, generator: ImageDataGenerator, options: FlowOptions = {}) {
    const where = 'ImageDataGenerator.flow';
    if (!(x instanceof Tensor)) throw new ConfigError(`${where}: \`x\` should be a Tensor of images`);
    if (y !== null && !(y instanceof Tensor)) throw new ConfigError(`${where}: \`y\` should be a Tensor (or null)`);
    if (y !== null && rows(x) !== rows(y))
      throw new ConfigError(`${where}: \`x\` (images tensor) and \`y\` (labels) should have the same length. Found: x.shape = [${x.shape.join(', ')}], y.shape = [${y.shape.join(', ')}]`);
    const sw = options.sampleWeight ?? null;
    if (sw !== null && rows(x) !== rows(sw))
      throw new ConfigError(`${where}: \`x\` (images tensor) and \`sampleWeight\` should have the same length. Found: x.shape = [${x.shape.join(', ')}], sampleWeight.shape = [${sw.shape.join(', ')}]`);
    const batchSize = options.batchSize ?? 32;
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new ConfigError(`${where}: \`batchSize\` should be a positive integer. Received: ${batchSize}`);
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
    this.x = xs.dtype === 'float32' ? xs : xs.astype('float32');
    this.y = ys;
    this.sampleWeight = sws;
    this.n = rows(this.x);
    this.batchSize = batchSize;
    this.shuffle = options.shuffle ?? true;
    this.seed = options.seed;
    this.imageDataGenerator = generator;
    this.saveToDir = options.saveToDir ?? null;
    this.savePrefix = options.savePrefix ?? '';
    this.saveFormat = options.saveFormat ?? 'png';
    const workers = options.workers ?? defaultWorkers();
    if (!Number.isInteger(workers) || workers < 0) throw new ConfigError(`${where}: \`workers\` should be a non-negative integer. Received: ${workers}`);
    this.workers = workers;
    if (this.saveToDir) mkdirSync(this.saveToDir, { recursive: true });
  }

  /** Batches per epoch: ceil(n / batchSize). */
  get length(): number {
    return Math.ceil(this.n / this.batchSize);
  }

  /** Restart at a new epoch (Keras' reset). */
  reset(): void {
    this.batchIndex = 0;
  }

  private generatorForBatch(): Generator {
    return this.seed !== undefined ? new Generator((this.seed + this.totalBatchesSeen) >>> 0) : rng();
  }

  private setIndexArray(g: Generator): void {
    this.indexArray = this.shuffle ? g.permutation(this.n) : Int32Array.from({ length: this.n }, (_, i) => i);
  }

  /** Keras' `next(it)`: the next batch, an epoch after another, reshuffled at each epoch start. */
  next(): FlowBatch {
    const { idx, g } = this.advance();
    return this.transformedBatch(idx, g);
  }

  /**
   * `next()` with the images transformed on the worker threads (`workers`; the main thread
   * when 0): the iterator's state and the random parameters advance synchronously, at the
   * call, so calls may overlap (fit prefetches the next batch while the model trains).
   */
  nextAsync(): Promise<FlowBatch> {
    const { idx, g } = this.advance();
    if (this.workers === 0) return Promise.resolve(this.transformedBatch(idx, g));
    return this.transformedBatchOnWorkers(idx, g);
  }

  private advance(): { idx: Int32Array; g: Generator } {
    const g = this.generatorForBatch();
    if (this.batchIndex === 0 || this.indexArray === null) this.setIndexArray(g);
    const current = this.n === 0 ? 0 : (this.batchIndex * this.batchSize) % this.n;
    if (this.n > current + this.batchSize) this.batchIndex++;
    else this.batchIndex = 0;
    this.totalBatchesSeen++;
    const idx = (this.indexArray as Int32Array).slice(current, current + this.batchSize);
    return { idx, g };
  }

  /** Keras' `__getitem__(i)`: batch i of the current epoch's order. */
  getBatch(i: number): FlowBatch {
    if (!Number.isInteger(i) || i < 0 || i >= this.length) throw new ConfigError(`NumpyArrayIterator.getBatch: index ${i} out of range (length ${this.length})`);
    const g = this.generatorForBatch();
    if (this.indexArray === null) this.setIndexArray(g);
    const idx = (this.indexArray as Int32Array).subarray(i * this.batchSize, (i + 1) * this.batchSize);
    return this.transformedBatch(idx, g);
  }

  /** Keras' on_epoch_end: a new order. */
  onEpochEnd(): void {
    this.setIndexArray(this.generatorForBatch());
  }

  /** An endless pass starting at a new epoch (what fit pulls `length` batches from per epoch). */
  *[Symbol.iterator](): Iterator<FlowBatch> {
    this.reset();
    for (;;) yield this.next();
  }

  /** The same endless pass, batches transformed on the worker threads (what fit prefers). */
  [Symbol.asyncIterator](): AsyncIterator<FlowBatch> {
    this.reset();
    return { next: async () => ({ done: false, value: await this.nextAsync() }) };
  }

  /** Stops the worker threads (they are unref'd while idle, so this is optional). */
  async close(): Promise<void> {
    const p = this.pool;
    this.pool = null;
    if (p && this.sharedKey !== null) p.dropData(this.sharedKey);
    this.sharedKey = null;
    if (p) await p.release();
  }

  /** Wait for the images saveToDir is writing. */
  async flushSaves(): Promise<void> {
    const s = this.saves;
    this.saves = [];
    await Promise.all(s);
  }

  private transformedBatch(idx: Int32Array, g: Generator): FlowBatch {
    const gen = this.imageDataGenerator;
    const imgShape = this.x.shape.slice(1);
    const per = imgShape.reduce((a, b) => a * b, 1);
    const out = new Float32Array(idx.length * per);
    const src = this.x.data as Float32Array;
    const cfg = gen.transformConfig();
    for (let i = 0; i < idx.length; i++) {
      const j = idx[i];
      // applyTransform's kernels, written straight into the batch
      const params = raw(gen.getRandomTransform(imgShape, undefined, g));
      transformArray(src.subarray(j * per, (j + 1) * per), imgShape, params, cfg, out.subarray(i * per, (i + 1) * per));
    }
    return this.finish(idx, g, out);
  }

  private async transformedBatchOnWorkers(idx: Int32Array, g: Generator): Promise<FlowBatch> {
    const gen = this.imageDataGenerator;
    const imgShape = this.x.shape.slice(1);
    const per = imgShape.reduce((a, b) => a * b, 1);
    const params: RawTransform[] = [];
    for (let i = 0; i < idx.length; i++) params.push(raw(gen.getRandomTransform(imgShape, undefined, g)));
    const names = this.saveNames(idx, g); // drawn now: the same draws as the main-thread path
    const cfg = gen.transformConfig();
    this.pool ??= sharedAugmentPool(this.workers);
    const pool = this.pool;
    await pool.ready();
    if (this.sharedKey === null) {
      // The images go to the workers once, in shared memory (a copy of x, made at first use).
      const shared = new Float32Array(new SharedArrayBuffer(this.x.size * 4));
      shared.set(this.x.data as Float32Array);
      this.sharedKey = nextSharedKey++;
      pool.addData(this.sharedKey, shared);
    }
    // A whole batch goes to the least busy worker (batches in flight keep the workers busy:
    // fit and for-await prefetch). Its buffer is allocated here and lent to the worker, moved
    // there and back: no copy, an ordinary buffer every backend takes, and freed batches are
    // reused by this thread's allocator instead of faulting in fresh pages on the workers.
    const out = await pool.run({ key: this.sharedKey, shape: imgShape, cfg, params, indices: idx, out: new Float32Array(idx.length * per) });
    return this.finish(idx, g, out, names);
  }

  private saveNames(idx: Int32Array, g: Generator): string[] {
    if (!this.saveToDir) return [];
    return Array.from(idx, (j) => `${this.savePrefix}_${j}_${g.int(10000)}.${this.saveFormat}`);
  }

  /** standardize per image, saveToDir, and the labels / weights of the batch. */
  private finish(idx: Int32Array, g: Generator, out: Float32Array, names?: string[]): FlowBatch {
    const gen = this.imageDataGenerator;
    const imgShape = this.x.shape.slice(1);
    const per = imgShape.reduce((a, b) => a * b, 1);
    if (gen.standardizes()) {
      for (let i = 0; i < idx.length; i++) {
        const img = new Tensor(out.subarray(i * per, (i + 1) * per), imgShape, 'float32');
        out.set(gen.standardize(img).data, i * per);
      }
    }
    const bx = new Tensor(out, [idx.length, ...imgShape], 'float32');
    if (this.saveToDir) {
      const files = names ?? this.saveNames(idx, g);
      for (let i = 0; i < idx.length; i++) {
        const img = arrayToImg(bx.slice(i, i + 1).reshape(imgShape), { dataFormat: gen.dataFormat, scale: true });
        const name = files[i];
        const p = saveImg(join(this.saveToDir, name), img).catch((e: unknown) => {
          process.stderr.write(`ImageDataGenerator.flow: could not save ${name}: ${String(e)}\n`);
        });
        this.saves.push(p);
      }
    }
    if (this.y === null) return bx;
    const by = this.y.take(idx);
    if (this.sampleWeight === null) return [bx, by];
    return [bx, by, this.sampleWeight.take(idx)];
  }
}

function raw(p: TransformParameters): RawTransform {
  return {
    theta: p.theta,
    tx: p.tx,
    ty: p.ty,
    shear: p.shear,
    zx: p.zx,
    zy: p.zy,
    flipHorizontal: p.flipHorizontal,
    flipVertical: p.flipVertical,
    channelShiftIntensity: p.channelShiftIntensity ?? null,
    brightness: p.brightness ?? null,
  };
}

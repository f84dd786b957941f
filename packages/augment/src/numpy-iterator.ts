/**
 * Keras' NumpyArrayIterator (ImageDataGenerator.flow): batches of randomly transformed,
 * standardized samples from in-memory arrays, endless like Keras' iterator. The batch
 * bookkeeping (order, seeds, epochs) is @layerwise/data's KerasIterator.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, Tensor, type Generator } from '@layerwise/core';
import { arrayToImg, KerasIterator, saveImg, type BatchSelection } from '@layerwise/data';
import { flowArrays, type FlowOptions } from './flow-arrays.js';
import type { ImageDataGenerator } from './generator.js';
import { transformArray, type TransformParameters } from './kernels/transform.js';
import { defaultWorkers, sharedAugmentPool, type AugmentPool } from './pool.js';

export type { FlowOptions } from './flow-arrays.js';
export type FlowBatch = Tensor | [Tensor, Tensor] | [Tensor, Tensor, Tensor];

let nextSharedKey = 1;

export class NumpyArrayIterator extends KerasIterator implements Iterable<FlowBatch>, AsyncIterable<FlowBatch> {
  readonly x: Tensor;
  readonly y: Tensor | null;
  readonly sampleWeight: Tensor | null;
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

  constructor(x: Tensor, y: Tensor | null, generator: ImageDataGenerator, options: FlowOptions = {}) {
    const where = 'ImageDataGenerator.flow';
    super(options, where);
    const arrays = flowArrays(x, y, generator, options, where);
    this.x = arrays.x;
    this.y = arrays.y;
    this.sampleWeight = arrays.sampleWeight;
    this.imageDataGenerator = generator;
    this.saveToDir = options.saveToDir ?? null;
    this.savePrefix = options.savePrefix ?? '';
    this.saveFormat = options.saveFormat ?? 'png';
    const workers = options.workers ?? defaultWorkers();
    if (!Number.isInteger(workers) || workers < 0) throw new ConfigError(`${where}: \`workers\` should be a non-negative integer. Received: ${workers}`);
    this.workers = workers;
    if (this.saveToDir) mkdirSync(this.saveToDir, { recursive: true });
  }

  /** Samples per epoch. */
  get n(): number {
    return this.x.shape[0];
  }

  /** Keras' `next(it)`: the next batch, an epoch after another, reshuffled at each epoch start. */
  next(): FlowBatch {
    return this.transformedBatch(this.window.next());
  }

  /**
   * `next()` with the images transformed on the worker threads (`workers`; the main thread
   * when 0): the iterator's state and the random parameters advance synchronously, at the
   * call, so calls may overlap (fit prefetches the next batch while the model trains).
   */
  nextAsync(): Promise<FlowBatch> {
    const batch = this.window.next();
    if (this.workers === 0) return Promise.resolve(this.transformedBatch(batch));
    return this.transformedBatchOnWorkers(batch);
  }

  /** Keras' `__getitem__(i)`: batch i of the current epoch's order. */
  getBatch(i: number): FlowBatch {
    return this.transformedBatch(this.selectBatch(i, 'NumpyArrayIterator.getBatch'));
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

  private transformedBatch({ indices: idx, generator: g }: BatchSelection): FlowBatch {
    const gen = this.imageDataGenerator;
    const imgShape = this.x.shape.slice(1);
    const per = imgShape.reduce((a, b) => a * b, 1);
    const out = new Float32Array(idx.length * per);
    const src = this.x.data as Float32Array;
    const cfg = gen.transformConfig();
    for (let i = 0; i < idx.length; i++) {
      const j = idx[i];
      // applyTransform's kernels, written straight into the batch
      transformArray(src.subarray(j * per, (j + 1) * per), imgShape, gen.getRandomTransform(imgShape, undefined, g), cfg, out.subarray(i * per, (i + 1) * per));
    }
    return this.finish(idx, g, out);
  }

  private async transformedBatchOnWorkers({ indices, generator: g }: BatchSelection): Promise<FlowBatch> {
    const gen = this.imageDataGenerator;
    // A copy: the view would send the whole epoch order to the worker.
    const idx = indices.slice();
    const imgShape = this.x.shape.slice(1);
    const per = imgShape.reduce((a, b) => a * b, 1);
    const params: TransformParameters[] = [];
    for (let i = 0; i < idx.length; i++) params.push(gen.getRandomTransform(imgShape, undefined, g));
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

  /** Keras' NumpyArrayIterator names: `{prefix}_{index}_{randint(1e4)}.{format}`. */
  private saveNames(idx: Int32Array, g: Generator): string[] {
    if (!this.saveToDir) return [];
    return Array.from(idx, (j) => this.saveFileName(this.savePrefix, j, 10000, this.saveFormat, g));
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

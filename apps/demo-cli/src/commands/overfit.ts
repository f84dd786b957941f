/**
 * `layerwise overfit`: sections 1.3 to 1.5. Overfitting on 500 samples, and two remedies.
 *
 *   x_train = x_train[:500]; y_train = y_train[:500]
 *   x_test = x_test[:500];   y_test = y_test[:500]
 *
 *   model = Sequential()                                   # 1.3
 *   model.add(Dense(100, input_dim=784, activation='relu'))
 *   model.add(Dense(100, activation='relu'))
 *   model.add(Dense(100, activation='relu'))
 *   model.add(Dense(100, activation='relu'))
 *   model.add(Dense(10, activation='softmax'))
 *   model.compile(optimizer='sgd', loss='categorical_crossentropy', metrics=['accuracy'])
 *   history1 = model.fit(x_train, y_train, batch_size=32, epochs=100,
 *                        validation_data=(x_test, y_test), verbose=1)
 *
 *   # 1.4: kernel_regularizer=regularizers.l2(0.03) on the four hidden Dense layers  -> history2
 *   # 1.5: Dropout(0.3) after each of the four hidden Dense layers                  -> history3
 *
 *   plt.plot(history1.history['acc'], ...); plt.plot(history1.history['val_acc'], ...)
 *
 * The tutorial plots history['acc'] (Keras 2 named the 'accuracy' metric 'acc'); in Keras 3
 * the key follows the name given to compile, so the twin asks for metrics: ['acc'].
 */
import { rename, rm, writeFile } from 'node:fs/promises';
import { dirname, basename, join, resolve } from 'node:path';
import { Sequential, regularizers, setSeed, type History } from '@layerwise/core';
import { Dense, Dropout } from '@layerwise/layers';
import { loadChapter1Data, type Chapter1Data } from '../data.js';
import { f4, resolveVerbose, say, setup, type CommonOptions, type Io, pyFloat } from '../common.js';
import { announceData } from './mlp.js';

export interface OverfitOptions extends CommonOptions {
  /** Default 100, as in the tutorial. */
  epochs?: number;
  batchSize?: number;
  /** Training and test samples (x_train[:500], x_test[:500]). */
  samples?: number;
  /** Write the three histories as JSON here. */
  out?: string;
  /** Draw acc / val_acc of the three runs (the tutorial's matplotlib figures) as a PNG or SVG. */
  plot?: string;
}

/** 1.3: five Dense layers on 500 samples, to overfit. */
export function buildPlain(): Sequential {
  const model = new Sequential();
  model.add(new Dense(100, { inputDim: 784, activation: 'relu' }));
  model.add(new Dense(100, { activation: 'relu' }));
  model.add(new Dense(100, { activation: 'relu' }));
  model.add(new Dense(100, { activation: 'relu' }));
  model.add(new Dense(10, { activation: 'softmax' }));
  model.compile({ optimizer: 'sgd', loss: 'categorical_crossentropy', metrics: ['acc'] });
  return model;
}

/** 1.4: Weight Decay, an L2 penalty on the kernels of the four hidden layers. */
export function buildWeightDecay(): Sequential {
  const model = new Sequential();
  model.add(new Dense(100, { inputDim: 784, activation: 'relu',
                             kernelRegularizer: regularizers.l2(0.03) }));
  model.add(new Dense(100, { activation: 'relu', kernelRegularizer: regularizers.l2(0.03) }));
  model.add(new Dense(100, { activation: 'relu', kernelRegularizer: regularizers.l2(0.03) }));
  model.add(new Dense(100, { activation: 'relu', kernelRegularizer: regularizers.l2(0.03) }));
  model.add(new Dense(10, { activation: 'softmax' }));
  model.compile({ optimizer: 'sgd', loss: 'categorical_crossentropy', metrics: ['acc'] });
  return model;
}

/** 1.5: Dropout(0.3) after each hidden layer. */
export function buildDropout(): Sequential {
  const model = new Sequential();
  model.add(new Dense(100, { inputDim: 784, activation: 'relu' }));
  model.add(new Dropout(0.3));
  model.add(new Dense(100, { activation: 'relu' }));
  model.add(new Dropout(0.3));
  model.add(new Dense(100, { activation: 'relu' }));
  model.add(new Dropout(0.3));
  model.add(new Dense(100, { activation: 'relu' }));
  model.add(new Dropout(0.3));
  model.add(new Dense(10, { activation: 'softmax' }));
  model.compile({ optimizer: 'sgd', loss: 'categorical_crossentropy', metrics: ['acc'] });
  return model;
}

export const RUNS = [
  { key: 'plain', label: 'plain (1.3)', build: buildPlain },
  { key: 'weight_decay', label: 'l2(0.03) (1.4)', build: buildWeightDecay },
  { key: 'dropout', label: 'dropout 0.3 (1.5)', build: buildDropout },
] as const;
export type RunKey = (typeof RUNS)[number]['key'];

export interface OverfitRun {
  history: History;
  /** [loss, acc] on the test samples. */
  score: number[];
}
export type OverfitResult = Record<RunKey, OverfitRun>;

export async function overfit(options: OverfitOptions, io: Io): Promise<OverfitResult> {
  await setup(options);
  const samples = options.samples ?? 500;
  const epochs = options.epochs ?? 100;
  const data = await loadChapter1Data({ ...options, trainSamples: samples, testSamples: samples });
  announceData(io, data);
  const { xTrain, yTrain, xTest, yTest } = data;

  const result = {} as OverfitResult;
  for (const run of RUNS) {
    // Each run starts from the same seed, so --seed makes every one of them repeatable.
    if (options.seed !== undefined) setSeed(options.seed);
    say(io, `training ${run.label}: ${epochs} epochs …`);
    const started = performance.now();
    const model = run.build();
    const history = await model.fit(xTrain, yTrain, {
      batchSize: options.batchSize ?? 32,
      epochs,
      validationData: [xTest, yTest],
      verbose: resolveVerbose(options, io, 0),
      print: (s) => io.stdout.write(s),
    });
    const score = (await model.evaluate(xTest, yTest, { verbose: 0 })) as number[];
    result[run.key] = { history, score };
    say(io, `  done in ${((performance.now() - started) / 1000).toFixed(1)}s`);
  }

  say(io);
  for (const line of historyTable(result, epochs)) say(io, line);
  say(io);
  for (const line of summary(result)) say(io, line);

  if (options.plot) {
    // The tutorial's figures: each run's acc (solid) and val_acc (dotted), one colour per run.
    const { plotHistory } = await import('@layerwise/plot');
    await plotHistory(Object.fromEntries(RUNS.map((r) => [r.key, result[r.key].history])), { toFile: options.plot, metrics: ['acc'], ylim: [0, 1] });
    say(io, `plot: ${options.plot}`);
  }
  if (options.out) {
    const path = await writeHistories(options.out, result, { epochs, samples, dataset: data.source.dataset, source: data.source.description });
    say(io, `\nwrote the three histories to ${path}`);
  }
  return result;
}

/** Epochs shown: the first, every 10th, and the last. */
export function tableEpochs(epochs: number): number[] {
  const shown = new Set<number>([1]);
  for (let e = 10; e <= epochs; e += 10) shown.add(e);
  shown.add(epochs);
  return [...shown].filter((e) => e >= 1 && e <= epochs).sort((a, b) => a - b);
}

const COL = 19;
/** The three histories side by side: epoch, then acc / val_acc of each run. */
export function historyTable(result: OverfitResult, epochs: number): string[] {
  const head1 = 'epoch ' + RUNS.map((r) => r.label.padStart(COL)).join('');
  const pair = (a: string, b: string) => `${a.padStart(6)}  ${b.padStart(7)}`.padStart(COL);
  const head2 = '      ' + RUNS.map(() => pair('acc', 'val_acc')).join('');
  const rows = tableEpochs(epochs).map((e) => {
    const cells = RUNS.map((r) => {
      const h = result[r.key].history.history;
      return pair(f4(h.acc?.[e - 1]), f4(h.val_acc?.[e - 1]));
    });
    return String(e).padStart(5) + ' ' + cells.join('');
  });
  return [head1, head2, ...rows];
}

/** Final train/val gap of each run, and its test accuracy. */
export function summary(result: OverfitResult): string[] {
  const row = (label: string, cells: string[]) => `${label.padEnd(18)}  ${cells[0].padStart(6)}  ${cells[1].padStart(7)}  ${cells[2].padStart(7)}  ${cells[3].padStart(8)}`;
  const lines = [row('final epoch', ['acc', 'val_acc', 'gap', 'val_loss'])];
  for (const r of RUNS) {
    const h = result[r.key].history.history;
    const acc = h.acc.at(-1)!;
    const valAcc = h.val_acc.at(-1)!;
    const gap = acc - valAcc;
    lines.push(row(r.label, [f4(acc), f4(valAcc), `${gap >= 0 ? '+' : ''}${gap.toFixed(4)}`, f4(h.val_loss.at(-1))]));
  }
  lines.push('gap = acc - val_acc: how much better the network does on its 500 training samples than on unseen ones.');
  lines.push("The l2 run's loss and val_loss include the L2 penalty, as in Keras.");
  lines.push('');
  for (const r of RUNS) lines.push(`${r.label.padEnd(18)}  test acc :  ${pyFloat(result[r.key].score[1])}`);
  return lines;
}

/** The histories as JSON, written to a temporary file and renamed into place. */
export async function writeHistories(out: string, result: OverfitResult, meta: Record<string, unknown>): Promise<string> {
  const path = resolve(out);
  const json = {
    ...meta,
    histories: Object.fromEntries(RUNS.map((r) => [r.key, result[r.key].history.history])),
    testScores: Object.fromEntries(RUNS.map((r) => [r.key, result[r.key].score])),
  };
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    await writeFile(tmp, JSON.stringify(json, null, 2) + '\n');
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  return path;
}

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, Input, Model, SGD, Tensor, type Batch, type CompileArgs } from '@layerwise/core';
import { Concatenate, Dense } from '@layerwise/layers';
import { BACKENDS } from '../helpers/backends.js';

/**
 * A 2-input / 2-output functional model with fixed weights against real Keras 3
 * (scripts/fixtures/make_multi_output_fixtures.py → fixtures/keras/multi-output.json): predict
 * returns every output; compile takes losses, loss weights and metrics per output (dicts, lists,
 * one per output); evaluate returns Keras' values in Keras' order; fit's History keys, its
 * progress line and a short unshuffled training run match.
 */
const fx = JSON.parse(readFileSync(new URL('../../fixtures/keras/multi-output.json', import.meta.url), 'utf8'));
const camel = (s: string) => s.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
const t2 = (rows: number[][]) => Tensor.from(rows);

function build(outputs = ['out_a', 'out_b']): Model {
  const a = Input({ shape: [4], name: 'in_a' });
  const b = Input({ shape: [3], name: 'in_b' });
  let h = new Concatenate({ name: 'concat' }).apply([a, b]);
  h = new Dense(5, { activation: 'relu', name: 'hidden' }).apply(h);
  const outA = new Dense(3, { activation: 'softmax', name: 'out_a' }).apply(h);
  const outB = new Dense(1, { name: 'out_b' }).apply(h);
  const made: Record<string, typeof outA> = { out_a: outA, out_b: outB };
  const model = new Model({ inputs: [a, b], outputs: outputs.map((o) => made[o]), name: 'two_by_two' });
  for (const [name, [kernel, bias]] of Object.entries(fx.weights as Record<string, number[][][]>))
    if (name === 'hidden' || outputs.includes(name)) model.getLayer(name).setWeights([Tensor.from(kernel), Tensor.from(bias as unknown as number[])]);
  return model;
}

const x = fx.x.map(t2) as Tensor[];
const yOneHot = fx.y_onehot.map(t2) as Tensor[];
const labelsA = new Tensor(Int32Array.from(fx.labels_a), [fx.labels_a.length], 'int32');

/** compile() arguments from the fixture's Keras spelling (loss_weights → lossWeights). */
function compileArgs(keras: Record<string, unknown>): CompileArgs {
  const args = Object.fromEntries(Object.entries(keras).map(([k, v]) => [camel(k), v])) as unknown as CompileArgs;
  return { ...args, optimizer: new SGD({ learningRate: fx.meta.optimizer.learning_rate }) };
}

function expectAllClose(actual: ArrayLike<number>, expected: number[], tol: number) {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) expect(Math.abs(actual[i] - expected[i])).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(expected[i])));
}

describe.each(BACKENDS)('multi-output models against Keras on $name', ({ backend }) => {
  it('predict returns every output, in order (a list, as Keras returns it)', async () => {
    const model = build();
    model.setBackend(backend);
    const out = await model.predict<Tensor[]>(x, { batchSize: fx.meta.batch_size, verbose: 0 });
    expect(Array.isArray(out)).toBe(true);
    expect(out.map((o) => o.shape)).toEqual([
      [12, 3],
      [12, 1],
    ]);
    out.forEach((o, i) => expectAllClose(o.data, (fx.predict[i] as number[][]).flat(), 1e-5));
    // A generator of x batches gives the same list; a batch's x is the list of both inputs ([x] or [x, y], as in Keras).
    const batches = [0, 4, 8].map((s) => [x.map((a) => a.slice(s, s + 4))] as Batch);
    const fromGen = await model.predict<Tensor[]>(batches[Symbol.iterator]() as Iterable<Batch>, { verbose: 0 });
    fromGen.forEach((o, i) => expect(Array.from(o.data)).toEqual(Array.from(out[i].data)));
  });

  it.each(fx.configs.map((c: { name: string }) => [c.name, c]) as [string, any][])('%s: evaluate (values and order), History keys, progress line, training', async (_name, c: any) => {
    const targets: Record<string, Tensor> = { out_a: c.sparse ? labelsA : yOneHot[0], out_b: yOneHot[1] };
    const y = c.outputs.map((o: string) => targets[o]);
    const model = build(c.outputs);
    model.setBackend(backend);
    model.compile(compileArgs(c.compile));
    // evaluate: Keras' list, in Keras' order; metricsNames says which is which.
    const values = (await model.evaluate(x, y, { batchSize: fx.meta.batch_size, verbose: 0 })) as number[];
    expectAllClose(values, c.evaluate, 1e-5);
    expect(model.metricsNames.map((k) => c.evaluate_dict[k])).toEqual(c.evaluate);
    expect([...model.metricsNames].sort()).toEqual(Object.keys(c.evaluate_dict).sort());

    let printed = '';
    const h = await model.fit(x, y, {
      batchSize: fx.meta.batch_size,
      epochs: fx.meta.epochs,
      shuffle: false,
      verbose: 2,
      print: (s) => (printed += s),
      validationData: [x, y],
    });
    expect(Object.keys(h.history)).toEqual(c.history_keys);
    for (const key of c.history_keys) expectAllClose(h.history[key], c.history[key], 2e-4);
    // The progress line lists the same keys in the same order (times differ run to run).
    const lines = printed.split('\n').filter((l) => l.startsWith('3/3'));
    expect(lines.map((l) => l.replace(/^\S+ - \S+ - \S+\/step/, '').replace(/: -?\d+\.\d+(e[+-]\d+)?/g, ''))).toEqual(
      c.progbar_logs.map((l: string) => l.replace(/: -?\d+\.\d+(e[+-]\d+)?/g, '')),
    );
    const predicted = await model.predict<Tensor | Tensor[]>(x, { verbose: 0 });
    // One output: a Tensor; several: a list (as Keras returns them).
    expect(Array.isArray(predicted)).toBe(c.outputs.length > 1);
    const after = Array.isArray(predicted) ? predicted : [predicted];
    after.forEach((o, i) => expectAllClose(o.data, (c.predict_after_fit[i] as number[][]).flat(), 2e-4));
  });
});

describe('compile: losses, loss weights and metrics per output', () => {
  const names = (args: Omit<CompileArgs, 'optimizer'>) => {
    const model = build();
    model.compile({ optimizer: 'sgd', ...args });
    return model.objectives!.outputs.map((o) => ({ name: o.name, loss: o.loss.name, weight: o.weight, metrics: o.metrics.map((m) => m.name) }));
  };

  it('a flat list of another length than the outputs applies to every output (tf.keras rule)', () => {
    expect(names({ loss: 'mse', metrics: ['mae'] })).toEqual([
      { name: 'out_a', loss: 'mean_squared_error', weight: 1, metrics: ['mae'] },
      { name: 'out_b', loss: 'mean_squared_error', weight: 1, metrics: ['mae'] },
    ]);
  });

  it('a dict may leave outputs without metrics; loss weights as a dict', () => {
    expect(names({ loss: { out_b: 'mae', out_a: 'categorical_crossentropy' }, lossWeights: { out_a: 0.5, out_b: 2 }, metrics: { out_a: 'accuracy' } })).toEqual([
      { name: 'out_a', loss: 'categorical_crossentropy', weight: 0.5, metrics: ['accuracy'] },
      { name: 'out_b', loss: 'mean_absolute_error', weight: 2, metrics: [] },
    ]);
  });

  it.each([
    [{ loss: { out_a: 'mse' } }, /expected keys \['out_a', 'out_b'\] in loss dict, but found \['out_a'\]/],
    [{ loss: { out_a: 'mse', out_c: 'mse', out_b: 'mse' } }, /no output is named \['out_c'\]/],
    [{ loss: ['mse'] }, /loss is a list of 1 but the model has 2 output\(s\) \(out_a, out_b\)/],
    [{ loss: 'mse', lossWeights: [1, 2, 3] }, /lossWeights is a list of 3 but the model has 2/],
    [{ loss: 'mse', lossWeights: { out_a: '2', out_b: 1 } }, /lossWeights for output 'out_a' must be a finite number; got '2' \(a string\)/],
    [{ loss: 'mse', metrics: { out_c: ['mae'] } }, /no output is named \['out_c'\]/],
    [{ loss: 'mse', metrics: [['mae'], ['mae'], ['mae']] }, /metrics is a list of 3 with nested lists but the model has 2 outputs/],
    [{ loss: 'mse', metrics: [['mae'], [5]] }, /metrics\[1\] \(output 'out_b'\) must hold metric names or objects; got 5 \(a number\)/],
  ])('refuses %o', (args, message) => {
    const model = build();
    expect(() => model.compile({ optimizer: 'sgd', ...(args as Omit<CompileArgs, 'optimizer'>) })).toThrow(ConfigError);
    expect(() => model.compile({ optimizer: 'sgd', ...(args as Omit<CompileArgs, 'optimizer'>) })).toThrow(message);
  });

  it('targets must match the outputs: one array per output, each checked by its own loss', async () => {
    const model = build();
    model.compile({ optimizer: 'sgd', loss: ['categorical_crossentropy', 'mse'] });
    await expect(model.fit(x, yOneHot[0], { verbose: 0 })).rejects.toThrow(/the model has 2 output\(s\) \(out_a, out_b\) but y holds 1 array/);
    await expect(model.fit(x, [yOneHot[1], yOneHot[0]], { verbose: 0 })).rejects.toThrow(/categorical_crossentropy.*target.shape=\(None, 1\), output.shape=\(None, 3\)/);
    // Two inputs given as one batch [xa, xb] (read as [x, y], as Keras reads a pair): the message says how to give both.
    const pair = [[x[0].slice(0, 4), x[1].slice(0, 4)] as Batch];
    await expect(model.predict(pair[Symbol.iterator]() as Iterable<Batch>, { verbose: 0 })).rejects.toThrow(/has 2 input\(s\) \(in_a, in_b\) but x holds 1 array\(s\); a batch is x, \[x\] or \[x, y\].*yield \[\[x0, x1…\], y\]/);
    await expect(model.predict(x[0], { verbose: 0 })).rejects.toThrow(/has 2 input\(s\) \(in_a, in_b\) but x holds 1 array\(s\); give a list of 2 Tensors, one per input/);
  });

  it('a saved multi-output model comes back compiled the same way', async () => {
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { loadModel } = await import('@layerwise/core');
    const model = build();
    model.compile({ optimizer: 'sgd', loss: { out_a: 'categorical_crossentropy', out_b: 'mse' }, lossWeights: [1, 0.5], metrics: { out_a: ['accuracy'], out_b: ['mae'] } });
    const path = join(mkdtempSync(join(tmpdir(), 'lw-multi-')), 'm.lw');
    model.save(path);
    const back = await loadModel(path);
    expect(back.metricsNames).toEqual(model.metricsNames);
    expect(back.objectives!.outputs.map((o) => o.weight)).toEqual([1, 0.5]);
  });
});

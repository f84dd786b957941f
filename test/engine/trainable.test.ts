// `trainable` with Keras 3's semantics: what a flag takes out of training, how it reaches the
// layers inside a model, BatchNormalization frozen = inference mode, flags fixed by compile,
// summary's counts, and a train-step graph with no backward pass through a frozen prefix.
import { describe, expect, it } from 'vitest';
import { Input, Model, Sequential, Tensor, setSeed, type Graph, type Layer, type SymbolicTensor, type Variable } from '@layerwise/core';
import { BatchNormalization, Conv2D, Dense, Flatten, MaxPooling2D } from '@layerwise/layers';
import { BACKENDS } from '../helpers/backends.js';
import { toyData } from '../helpers/models.js';

const { x, y } = toyData(64);
const backends = BACKENDS.filter((b) => b.name !== 'tfjs-cpu');

const count = (ws: { value: Tensor }[]) => ws.reduce((n, w) => n + w.value.size, 0);
const bytes = (t: Tensor) => Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength);
const copies = (layer: Layer) => layer.weights.map((w) => Buffer.from(bytes(w.value)));
const unchanged = (layer: Layer, before: Buffer[]) => layer.weights.every((w, i) => bytes(w.value).equals(before[i]));

function mlp(): Sequential {
  return new Sequential({ layers: [new Dense(8, { inputDim: 16, name: 'd1' }), new Dense(4, { activation: 'softmax', name: 'd2' })] });
}

describe('trainable flags (Keras 3)', () => {
  it('a frozen layer moves its weights to nonTrainableWeights; summary counts follow', () => {
    const m = mlp();
    const d1 = m.getLayer('d1');
    expect(count(m.trainableWeights)).toBe(16 * 8 + 8 + 8 * 4 + 4);
    d1.trainable = false;
    expect(d1.trainableWeights).toEqual([]);
    expect(d1.nonTrainableWeights).toHaveLength(2);
    expect(count(m.trainableWeights)).toBe(8 * 4 + 4);
    expect(count(m.nonTrainableWeights)).toBe(16 * 8 + 8);
    const lines: string[] = [];
    m.summary({ printFn: (l) => lines.push(l) });
    expect(lines.join('\n')).toContain('Trainable params: 36 (144.00 B)');
    expect(lines.join('\n')).toContain('Non-trainable params: 136 (544.00 B)');
  });

  it('model.trainable reaches every layer inside, nested models included, both ways', () => {
    const inner = mlp();
    const inputs = Input({ shape: [16] });
    const outer = new Model({ inputs, outputs: new Dense(2, { name: 'd3' }).apply(inner.apply(inputs) as SymbolicTensor) as SymbolicTensor });
    inner.getLayer('d1').trainable = false;
    expect(count(outer.trainableWeights)).toBe(8 * 4 + 4 + 4 * 2 + 2);
    inner.trainable = false;
    expect(inner.layers.map((l) => l.trainable)).toEqual([false, false]);
    expect(count(outer.trainableWeights)).toBe(4 * 2 + 2);
    // Setting it true again sets every layer inside true, the one frozen by hand too (Keras 3).
    inner.trainable = true;
    expect(inner.layers.map((l) => l.trainable)).toEqual([true, true]);
    outer.trainable = false;
    expect(outer.trainableWeights).toEqual([]);
    expect(inner.layers.every((l) => l.trainable === false)).toBe(true);
    expect(count(outer.nonTrainableWeights)).toBe(outer.countParams());
  });

  it('rejects a trainable that is not a boolean, naming the layer', () => {
    const d = new Dense(2, { name: 'dz' });
    expect(() => ((d as { trainable: unknown }).trainable = 'no')).toThrow(/'dz'.*trainable must be true or false/);
  });
});

describe.each(backends)('trainable in training on $name', ({ backend }) => {
  it('frozen weights stay bit-identical through fit; the others move', async () => {
    setSeed(3);
    const m = mlp();
    m.setBackend(backend);
    m.getLayer('d1').trainable = false;
    m.compile({ optimizer: 'adam', loss: 'categorical_crossentropy' });
    const d1 = copies(m.getLayer('d1'));
    const d2 = copies(m.getLayer('d2'));
    await m.fit(x, y, { batchSize: 16, epochs: 2, verbose: 0 });
    expect(unchanged(m.getLayer('d1'), d1)).toBe(true);
    expect(unchanged(m.getLayer('d2'), d2)).toBe(false);
  });

  it('the first fit after compile fixes the flags; later changes take effect at the next compile (Keras 3)', async () => {
    // Keras 3.15 (TensorFlow): compile → freeze → fit leaves d1 as it was; after that fit,
    // unfreezing changes nothing until compile is called again.
    setSeed(4);
    const m = mlp();
    m.setBackend(backend);
    const d1 = m.getLayer('d1');
    m.compile({ optimizer: 'sgd', loss: 'categorical_crossentropy' });
    d1.trainable = false;
    let before = copies(d1);
    await m.fit(x, y, { batchSize: 16, epochs: 1, verbose: 0 });
    expect(unchanged(d1, before)).toBe(true);
    d1.trainable = true; // after the fit: this fit still leaves d1 alone
    await m.fit(x, y, { batchSize: 16, epochs: 1, verbose: 0 });
    expect(unchanged(d1, before)).toBe(true);
    expect(d1.trainable).toBe(true); // the flag itself is the user's
    m.compile({ optimizer: 'sgd', loss: 'categorical_crossentropy' });
    before = copies(d1);
    await m.fit(x, y, { batchSize: 16, epochs: 1, verbose: 0 });
    expect(unchanged(d1, before)).toBe(false);
  });

  it('a frozen BatchNormalization runs in inference mode: statistics kept, the loss is the inference loss', async () => {
    setSeed(5);
    const bn = new BatchNormalization({ name: 'bn' });
    const m = new Sequential({ layers: [new Dense(8, { inputDim: 16 }), bn, new Dense(4, { activation: 'softmax' })] });
    m.setBackend(backend);
    // Statistics far from the data's, so that batch statistics would give another loss.
    bn.setWeights([Tensor.full([8], 1.5), Tensor.full([8], 0.2), Tensor.full([8], 0.7), Tensor.full([8], 3)]);
    bn.trainable = false;
    m.compile({ optimizer: 'sgd', loss: 'categorical_crossentropy' });
    const before = copies(bn);
    const batch = [x.slice(0, 16), y.slice(0, 16)] as const;
    const inferenceLoss = (await m.evaluate(batch[0], batch[1], { verbose: 0 })) as number;
    const h = await m.fit(batch[0], batch[1], { batchSize: 16, epochs: 1, verbose: 0 });
    expect(Math.abs(h.history.loss[0] - inferenceLoss)).toBeLessThan(1e-6 * Math.max(1, inferenceLoss));
    expect(unchanged(bn, before)).toBe(true);
    expect(count(m.nonTrainableWeights)).toBe(4 * 8);
  });
});

/** conv1 → conv2 → pool → conv3 → flatten → dense: the shape of VGG16 fine-tuning, small. */
function convNet(): Model {
  const inputs = Input({ shape: [12, 12, 3] });
  let h = new Conv2D(4, [3, 3], { padding: 'same', activation: 'relu', name: 'conv1' }).apply(inputs) as SymbolicTensor;
  h = new Conv2D(4, [3, 3], { padding: 'same', activation: 'relu', name: 'conv2' }).apply(h) as SymbolicTensor;
  h = new MaxPooling2D({ name: 'pool' }).apply(h) as SymbolicTensor;
  h = new Conv2D(4, [3, 3], { padding: 'same', activation: 'relu', name: 'conv3' }).apply(h) as SymbolicTensor;
  h = new Flatten({ name: 'flatten' }).apply(h) as SymbolicTensor;
  return new Model({ inputs, outputs: new Dense(1, { activation: 'sigmoid', name: 'head' }).apply(h) as SymbolicTensor });
}

type Step = { graph: Graph; fetches: { weights: Map<Variable, unknown> } };
async function trainStep(m: Model): Promise<Step> {
  m.compile({ optimizer: 'sgd', loss: 'binary_crossentropy' });
  return (await m.executable<Step>('train', { x: ['float32'], y: ['float32'] })).layout;
}

/** Nodes of the backward pass attributed to a layer (its gradient ops carry `<layer>/grad`). */
const backwardNodes = (g: Graph, layer: string) => g.nodes.filter((n) => n.scope.split('/').includes(layer) && n.scope.split('/').includes('grad'));

describe('the fine-tuning step graph has no backward pass through the frozen prefix', () => {
  it('counts backward nodes per layer, frozen prefix vs all trainable', async () => {
    const all = (await trainStep(convNet())).graph;
    for (const layer of ['conv1', 'conv2', 'pool', 'conv3', 'head']) expect(backwardNodes(all, layer).length, layer).toBeGreaterThan(0);
    // With all trainable, conv2 passes its gradient on to conv1's output.
    expect(backwardNodes(all, 'conv2').map((n) => n.op.name)).toContain('ConvBackpropInput');

    const tuned = convNet();
    for (const layer of tuned.layers.slice(0, 4)) layer.trainable = false; // input, conv1, conv2, pool
    const step = await trainStep(tuned);
    const g = step.graph;
    for (const layer of ['conv1', 'conv2', 'pool']) expect(backwardNodes(g, layer), layer).toEqual([]);
    // conv3 needs its filter gradient but not the gradient of its input (the frozen pool's output).
    const conv3 = backwardNodes(g, 'conv3').map((n) => n.op.name);
    expect(conv3).toContain('ConvBackpropFilter');
    expect(conv3).not.toContain('ConvBackpropInput');
    // No update for a frozen weight: the step reads it and writes back only the trainable ones.
    expect([...step.fetches.weights.keys()].map((w) => w.name).sort()).toEqual(['conv3/bias', 'conv3/kernel', 'head/bias', 'head/kernel']);
    expect(g.nodes.length).toBeLessThan(all.nodes.length);
    console.log(`train-step nodes: all trainable ${all.nodes.length}, conv1..pool frozen ${g.nodes.length}`);
  });
});

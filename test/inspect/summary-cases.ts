import { Input, Model, Sequential, clearSession, Tensor, type Layer } from '@layerwise/core';
import { Activation, BatchNormalization, Dense, Dropout, Flatten } from '@layerwise/layers';
import { Add, Concatenate } from './helpers.js';

/**
 * Layerwise twins of the models in test/inspect/fixtures/make_summary_fixtures.py, by case
 * name. Each starts from clearSession(), as each Keras case starts from clear_session().
 */
export const summaryCases: Record<string, () => Model | Promise<Model>> = {
  sequential_mlp: () =>
    new Sequential({ layers: [new Dense(64, { activation: 'relu', inputShape: [784] }), new Dense(64, { activation: 'relu' }), new Dense(10, { activation: 'softmax' })] }),
  sequential_input_dim_bn_dropout: () => {
    const m = new Sequential();
    m.add(new Dense(50, { inputDim: 784 }));
    m.add(new Activation('sigmoid'));
    m.add(new Dropout(0.5));
    m.add(new BatchNormalization());
    m.add(new Dense(10));
    return m;
  },
  sequential_flatten_big: () =>
    new Sequential({ layers: [new Flatten({ inputShape: [28, 28, 1] }), new Dense(5000), new Dense(1000), new Dense(10, { activation: 'softmax' })] }),
  sequential_unbuilt: () => new Sequential({ layers: [new Dense(8), new Dense(2)] }),
  sequential_long_names: () =>
    new Sequential({ layers: [new Dense(3, { inputShape: [4], name: 'a_really_quite_long_dense_layer_name_xyz' }), new Dense(2, { name: 'short' })] }),
  functional_chain: () => {
    const inputs = Input({ shape: [784] });
    let x = new Dense(64, { activation: 'relu' }).apply(inputs);
    x = new Dense(64, { activation: 'relu' }).apply(x);
    return new Model({ inputs, outputs: new Dense(10, { activation: 'softmax' }).apply(x) });
  },
  functional_two_outputs: () => {
    const inputs = Input({ shape: [16] });
    const h = new Dense(8, { activation: 'relu' }).apply(inputs);
    return new Model({ inputs, outputs: [new Dense(3, { name: 'head_a' }).apply(h), new Dense(2, { name: 'head_b' }).apply(h)] });
  },
  functional_branches_merge: () => {
    const inputs = Input({ shape: [16] });
    const a = new Dense(8).apply(inputs);
    const b = new Dense(8).apply(inputs);
    const c = new Concatenate().apply([a, b]);
    const d = new Add().apply([a, b]);
    const e = new Concatenate().apply([c, d]);
    return new Model({ inputs, outputs: new Dense(3, { name: 'a_very_long_layer_name_for_wrapping_tests' }).apply(e) });
  },
  functional_two_inputs: () => {
    const i1 = Input({ shape: [4], name: 'in_a' });
    const i2 = Input({ shape: [6], name: 'in_b' });
    const h = new Concatenate().apply([i1, i2]);
    return new Model({ inputs: [i1, i2], outputs: [new Dense(2).apply(h), new Dense(3).apply(h)] });
  },
  functional_unused_input: () => {
    const a = Input({ shape: [3], name: 'used' });
    const b = Input({ shape: [4], name: 'unused' });
    return new Model({ inputs: [a, b], outputs: new Dense(2, { name: 'head' }).apply(a) });
  },
  functional_shared_layer: () => {
    const i1 = Input({ shape: [4] });
    const i2 = Input({ shape: [4] });
    const shared = new Dense(5, { name: 'shared' });
    return new Model({ inputs: [i1, i2], outputs: new Add().apply([shared.apply(i1), shared.apply(i2)]) });
  },
  functional_nested_sequential: () => nestedSequential(),
  functional_nested_sequential_expanded: () => nestedSequential(),
  functional_nested_two_outputs: () => {
    const ii = Input({ shape: [8], name: 'inner_input' });
    const inner = new Model({ inputs: ii, outputs: [new Dense(2).apply(ii), new Dense(3).apply(ii)], name: 'two_heads' });
    const inputs = Input({ shape: [8], name: 'outer_input' });
    const [a, b] = inner.apply(inputs) as unknown as [any, any];
    return new Model({ inputs, outputs: new Concatenate().apply([a, b]), name: 'outer' });
  },
  frozen_show_trainable: () => {
    const m = new Sequential({ layers: [new Dense(6, { inputShape: [10], name: 'frozen' }), new Dropout(0.2), new BatchNormalization(), new Dense(2)] });
    m.getLayer('frozen').trainable = false;
    return m;
  },
  line_length_100: () => new Sequential({ layers: [new Dense(64, { inputShape: [784] }), new Dense(10)] }),
  line_length_60_positions: () =>
    new Sequential({ layers: [new Flatten({ inputShape: [28, 28, 1] }), new Dense(10, { name: 'a_rather_long_layer_name_for_wrapping' })] }),
  functional_line_length_120: () => {
    const inputs = Input({ shape: [16] });
    const h = new Dense(8, { activation: 'relu' }).apply(inputs);
    return new Model({ inputs, outputs: [new Dense(3).apply(h), new Dense(2).apply(h)] });
  },
  fitted_sgd: () => fitted('sgd'),
  fitted_adam: () => fitted('adam'),
  fitted_rmsprop: () => fitted('rmsprop'),
  fitted_adagrad: () => fitted('adagrad'),
  compiled_not_fitted: () => {
    const m = new Sequential({ layers: [new Dense(3, { inputShape: [6] })] });
    m.compile({ optimizer: 'adam', loss: 'mse' });
    return m;
  },
};

function nestedSequential(): Model {
  const inner = new Sequential({ layers: [new Dense(4, { inputShape: [8] }), new Dense(2)], name: 'inner' });
  const inputs = Input({ shape: [8], name: 'outer_input' });
  return new Model({ inputs, outputs: new Dense(1).apply((inner as Layer).apply(inputs)), name: 'outer' });
}

async function fitted(optimizer: string): Promise<Model> {
  const m = new Sequential({ layers: [new Dense(5, { activation: 'relu', inputShape: [6] }), new BatchNormalization(), new Dense(3, { activation: 'softmax' })] });
  m.compile({ optimizer, loss: 'categorical_crossentropy' });
  const y = Tensor.zeros([4, 3]);
  [0, 1, 2, 0].forEach((c, i) => (y.data[i * 3 + c] = 1));
  await m.fit(Tensor.zeros([4, 6]), y, { epochs: 1, verbose: 0 });
  return m;
}

export async function buildCase(name: string): Promise<Model> {
  clearSession();
  return summaryCases[name]();
}

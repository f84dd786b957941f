import { describe, expect, it } from 'vitest';
import { Input, Model, clearSession, mapGraph } from '@layerwise/core';
import { Dense } from '@layerwise/layers';

/**
 * The one graph walk (Keras' map_graph) behind Model's run order, `model.layers`, the summary
 * and plots. Layer order against Keras itself is checked by test/inspect (summary and plot
 * fixtures, the tutorial's models); here: what a model does with the walk's other results.
 */
describe('mapGraph (Keras map_graph)', () => {
  it('an input no output depends on still belongs to the model, as in Keras (and saves and loads)', async () => {
    clearSession();
    const a = Input({ shape: [3], name: 'used' });
    const b = Input({ shape: [4], name: 'unused' });
    const model = new Model({ inputs: [a, b], outputs: new Dense(2, { name: 'head' }).apply(a) });
    // Keras 3: [l.name for l in model.layers] == ['used', 'unused', 'head']
    expect(model.layers.map((l) => l.name)).toEqual(['used', 'unused', 'head']);
    expect(model.layerNodes.map((n) => n.layer.name)).toEqual(['unused', 'used', 'head']);
    const again = Model.fromConfig(JSON.parse(JSON.stringify(model.getConfig())));
    expect(again.layers.map((l) => l.name)).toEqual(['used', 'unused', 'head']);
    expect(again.inputs.map((t) => t.node.layer.name)).toEqual(['used', 'unused']);
  });

  it('gives depths from the outputs and stops at the given inputs', () => {
    const x = Input({ shape: [2] });
    const h = new Dense(3).apply(x);
    const y = new Dense(1).apply(h);
    const whole = mapGraph([x], [y]);
    expect([...whole.nodesByDepth.keys()]).toEqual([0, 1, 2]);
    expect(whole.nodesByDepth.get(2)!.map((n) => n.layer.className)).toEqual(['InputLayer']);
    // From h on: the walk does not go past it.
    const tail = mapGraph([h], [y]);
    expect(tail.order.map((n) => n.outputs[0])).toEqual([h, y]);
    expect(tail.layers).toHaveLength(2);
  });

  it('walks models thousands of layers deep (no recursion)', () => {
    const inputs = Input({ shape: [1] });
    let x = inputs;
    for (let i = 0; i < 5000; i++) x = new Dense(1).apply(x);
    const model = new Model({ inputs, outputs: x });
    expect(model.layerNodes).toHaveLength(5001);
    expect(model.layerGraph.nodesByDepth.size).toBe(5001);
    expect(model.layers[0]).toBe(inputs.node.layer);
  });
});

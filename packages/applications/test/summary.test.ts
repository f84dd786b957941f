// model.summary() of every zoo model, character for character as Keras 3 prints it, and the
// parameter counts (fixtures/zoo/summaries.json.gz).
import { describe, expect, it } from 'vitest';
import { clearSession, summarize } from '@layerwise/core';
import { BUILDERS, optionsFrom, readFixture, type ModelKey } from './helpers/fixtures.js';

interface SummaryCase {
  name: string;
  model: ModelKey;
  kwargs: Record<string, unknown>;
  modelName: string;
  layers: string[];
  totalParams: number;
  trainableParams: number;
  nonTrainableParams: number;
  wide: string;
  narrow: string;
}
const { cases } = readFixture<{ cases: SummaryCase[] }>('summaries.json.gz');

/** The counts the issue names (Keras' documented figures). */
const EXPECTED: Record<string, [total: number, nonTrainable: number]> = {
  vgg16_default: [138_357_544, 0],
  vgg19_default: [143_667_240, 0],
  resnet50_default: [25_636_712, 53_120],
  inception_v3_default: [23_851_784, 34_432],
  xception_default: [22_910_480, 54_528],
};

describe('zoo summaries equal Keras 3', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    clearSession();
    const model = await BUILDERS[c.model]({ ...optionsFrom(c.kwargs), weights: null });
    expect(model.name).toBe(c.modelName);
    expect(model.layers.map((l) => l.name)).toEqual(c.layers);
    const trainable = model.trainableWeights.reduce((n, w) => n + w.value.size, 0);
    const nonTrainable = model.nonTrainableWeights.reduce((n, w) => n + w.value.size, 0);
    expect([model.countParams(), trainable, nonTrainable]).toEqual([c.totalParams, c.trainableParams, c.nonTrainableParams]);
    if (EXPECTED[c.name]) expect([model.countParams(), nonTrainable]).toEqual(EXPECTED[c.name]);
    // A wide terminal (Keras' own line lengths) and a pipe (80 columns).
    expect(summarize(model, { terminalColumns: 200 }).split('\n')).toEqual(c.wide.split('\n'));
    expect(summarize(model, { terminalColumns: 80 }).split('\n')).toEqual(c.narrow.split('\n'));
  });
});

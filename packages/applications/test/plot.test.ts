// plotModel of every zoo model, as the tutorial calls it (show_shapes=True, show_layer_names=False):
// the graph Keras 3's model_to_dot builds (fixtures/zoo/plots.json.gz), and a picture of it.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { clearSession } from '@layerwise/core';
import { modelToDotGraph, plotModel } from '@layerwise/plot';
import { BUILDERS, readFixture, type ModelKey } from './helpers/fixtures.js';

interface PlotCase {
  model: ModelKey;
  attrs: [string, string][];
  nodes: { id: string; label: string }[];
  edges: [string, string][];
}
const { cases } = readFixture<{ cases: PlotCase[] }>('plots.json.gz');
const dir = mkdtempSync(join(tmpdir(), 'lw-zoo-plot-'));

describe("plotModel draws each zoo model as Keras' plot_model does", () => {
  it.each(cases.map((c) => [c.model, c] as const))('%s', async (key, c) => {
    clearSession();
    const model = await BUILDERS[key]({ weights: null });
    const options = { showShapes: true, showLayerNames: false };
    const graph = modelToDotGraph(model, options);
    expect(graph.attrs).toEqual(c.attrs);
    expect(graph.nodes.map((n) => ({ id: n.id, label: n.label }))).toEqual(c.nodes.map((n) => ({ id: n.id, label: n.label })));
    expect(graph.edges).toEqual(c.edges);
    // A PNG of the deep ones is tens of thousands of pixels tall (seconds to a minute to raster): SVG for those.
    const file = join(dir, `${key}_model.${key.startsWith('vgg') ? 'png' : 'svg'}`);
    const svg = await plotModel(model, { toFile: file, ...options });
    expect((svg.match(/class="node"/g) ?? []).length).toBe(c.nodes.length);
    const head = readFileSync(file).subarray(0, 4);
    if (file.endsWith('.png')) expect([...head]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    else expect(readFileSync(file, 'utf8')).toMatch(/^<\?xml[^]*<svg/);
  });
});

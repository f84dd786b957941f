import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { Input, Model, Sequential, clearSession, setSeed, Tensor, type Layer } from '@layerwise/core';
import * as layersModule from '@layerwise/layers';
import { Dense, Dropout } from '@layerwise/layers';
import { FONT_STACK, historySpec, modelToDot, modelToDotGraph, plotHistory, plotModel, type DotGraph } from '../../packages/plot/src/index.js';
import { dotToSvg, svgToPng } from '../../packages/plot/src/render.js';
import { fitTextToHelvetica, helveticaWidth, measureWithRasterizer } from '../../packages/plot/src/fonts.js';
import { buildCase } from './summary-cases.js';
import { Concatenate } from './helpers.js';

const camel = (s: string) => s.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
const plots = JSON.parse(readFileSync(new URL('./fixtures/keras-plot.json', import.meta.url), 'utf8'));
const dir = mkdtempSync(join(tmpdir(), 'layerwise-plot-'));
const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Node titles and edge titles (a->b) in a Graphviz SVG. */
function svgGraph(svg: string): { nodes: string[]; edges: string[]; clusters: string[] } {
  const unesc = (s: string) => s.replace(/&#45;/g, '-').replace(/&gt;/g, '>').replace(/&lt;/g, '<').replace(/&amp;/g, '&');
  const items = [...svg.matchAll(/<g id="(node|edge|clust)\d+" class="(?:node|edge|cluster)">\s*<title>([^<]*)<\/title>/g)];
  return {
    nodes: items.filter((m) => m[1] === 'node').map((m) => unesc(m[2])),
    edges: items.filter((m) => m[1] === 'edge').map((m) => unesc(m[2])),
    clusters: items.filter((m) => m[1] === 'clust').map((m) => unesc(m[2])),
  };
}
const plain = (g: DotGraph): any => ({
  name: g.name,
  attrs: g.attrs,
  nodes: g.nodes.map((n) => ({ id: n.id, label: n.label })),
  edges: g.edges,
  subgraphs: g.subgraphs.map(plain),
});
const kerasPlain = (g: any): any => ({
  name: g.name,
  attrs: g.attrs,
  nodes: g.nodes.map((n: any) => ({ id: n.id, label: n.label })),
  edges: g.edges,
  subgraphs: g.subgraphs.map(kerasPlain),
});

describe('modelToDot builds the graph Keras 3 model_to_dot builds (test/inspect/fixtures/keras-plot.json)', () => {
  it.each(Object.keys(plots.cases))('%s', async (name) => {
    const c = plots.cases[name];
    const model = await buildCase(c.model);
    const options = Object.fromEntries(Object.entries(c.kwargs).map(([k, v]) => [camel(k), v]));
    expect(plain(modelToDotGraph(model, options))).toEqual(kerasPlain(c.graph));
    // every node carries Keras' node attributes
    expect(c.graph.nodes.every((n: any) => JSON.stringify(n.attrs) === JSON.stringify([['fontname', 'Helvetica'], ['border', '0'], ['margin', '0']]))).toBe(true);
  });

  it('writes DOT with the attributes Keras sets', async () => {
    const dot = modelToDot(await buildCase('functional_branches_merge'), { showShapes: true });
    for (const line of ['rankdir=TB;', 'concentrate=True;', 'dpi=200;', 'splines=ortho;', 'node [shape=record];', '"dense" -> "concatenate" [penwidth=2];'])
      expect(dot).toContain(line);
    expect(dot).toContain('fontname=Helvetica, border=0, margin=0];');
  });

  it('refuses a model without an input shape, as Keras does', () => {
    clearSession();
    expect(() => modelToDot(new Sequential({ layers: [new Dense(2)] }))).toThrow(/not yet been built/);
  });
});

describe('plotModel', () => {
  it('writes a PNG and returns an SVG with one node per layer and the model edges', async () => {
    const model = await buildCase('functional_branches_merge');
    const file = join(dir, 'branches.png');
    const svg = await plotModel(model, { toFile: file, showShapes: true });
    const png = readFileSync(file);
    expect([...png.subarray(0, 8)]).toEqual(PNG_MAGIC);
    const meta = await sharp(png).metadata();
    // dpi 200: the SVG is in points scaled by 200/72, and one point is one pixel
    const [w, h] = [/<svg width="(\d+)pt" height="(\d+)pt"/.exec(svg)![1], /<svg width="(\d+)pt" height="(\d+)pt"/.exec(svg)![2]].map(Number);
    expect(meta.format).toBe('png');
    expect(Math.abs(meta.width! - w)).toBeLessThanOrEqual(1);
    expect(Math.abs(meta.height! - h)).toBeLessThanOrEqual(1);
    expect(svg).toContain('transform="scale(2.77778 2.77778)');

    const g = svgGraph(svg);
    expect(g.nodes.sort()).toEqual(model.layers.map((l) => l.name).sort());
    const expected = new Set<string>();
    for (const layer of model.layers)
      for (const node of layer.inboundNodes) for (const t of node.inputs) expected.add(`${t.node.layer.name}->${layer.name}`);
    expect(new Set(g.edges)).toEqual(expected);
    expect(svg).toContain('Input shape: ');
    expect(svg).toContain('[(None, 8), (None, 8)]');
    expect(readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('writes SVG and DOT files, and a Sequential model without an InputLayer box', async () => {
    const model = await buildCase('sequential_input_dim_bn_dropout');
    const svgFile = join(dir, 'seq.svg');
    const svg = await plotModel(model, { toFile: svgFile });
    const written = readFileSync(svgFile, 'utf8');
    expect(written).toBe(svg);
    expect(written).toMatch(/^<\?xml/);
    expect(written).toContain(`font-family="${FONT_STACK}"`);
    expect(written).not.toContain('sans-Serif');
    const g = svgGraph(svg);
    expect(g.nodes).toEqual(model.layers.map((l) => l.name));
    expect(g.edges).toEqual(['dense->activation', 'activation->dropout', 'dropout->batch_normalization', 'batch_normalization->dense_1']);
    await plotModel(model, { toFile: join(dir, 'seq.dot') });
    expect(readFileSync(join(dir, 'seq.dot'), 'utf8')).toBe(modelToDot(model));
    await expect(plotModel(model, { toFile: join(dir, 'seq.gif') })).rejects.toThrow(/unsupported image format '.gif'/);
  });

  it('draws nested models as dashed clusters with expandNested', async () => {
    const model = await buildCase('functional_nested_sequential');
    const svg = await plotModel(model, { toFile: join(dir, 'nested.png'), showShapes: true, expandNested: true });
    const g = svgGraph(svg);
    expect(g.clusters).toEqual(['cluster_inner']);
    expect(g.nodes.sort()).toEqual(['dense', 'dense_1', 'dense_2', 'outer_input']);
    expect(new Set(g.edges)).toEqual(new Set(['outer_input->dense', 'dense->dense_1', 'dense_1->dense_2']));
    expect(svg).toContain('stroke-dasharray');
  });

  it('LR layout and the tutorial flags (show_shapes=True, show_layer_names=False)', async () => {
    const model = await buildCase('functional_two_inputs');
    const svg = await plotModel(model, { toFile: null, showShapes: true, showLayerNames: false, rankdir: 'LR', dpi: 72 });
    expect(svg).toContain('transform="scale(1 1)');
    expect(svg).toMatch(/<svg width="\d+pt"/);
    expect(svg).not.toMatch(/<text[^>]*>in_a<\/text>/);
    expect(svg).toMatch(/<text[^>]*>InputLayer<\/text>/);
    expect(svgGraph(svg).nodes.sort()).toEqual(['concatenate', 'dense', 'dense_1', 'in_a', 'in_b']);
  });

  it.skipIf(!('Conv2D' in layersModule) || !('MaxPooling2D' in layersModule))('the tutorial inception block (4.3) with shapes', async () => {
    const L = layersModule as Record<string, any>;
    clearSession();
    const inputs = Input({ shape: [28, 28, 1] });
    let x = new L.Conv2D(32, [3, 3]).apply(inputs);
    x = new L.Activation('relu').apply(x);
    x = new L.MaxPooling2D({ poolSize: [2, 2] }).apply(x);
    let t1 = new L.Conv2D(64, [1, 1], { padding: 'same', activation: 'relu' }).apply(x);
    t1 = new L.Conv2D(64, [3, 3], { padding: 'same', activation: 'relu' }).apply(t1);
    let t2 = new L.Conv2D(64, [1, 1], { padding: 'same', activation: 'relu' }).apply(x);
    t2 = new L.Conv2D(64, [5, 5], { padding: 'same', activation: 'relu' }).apply(t2);
    let t3 = new L.MaxPooling2D({ poolSize: [3, 3], strides: [1, 1], padding: 'same' }).apply(x);
    t3 = new L.Conv2D(64, [1, 1], { padding: 'same', activation: 'relu' }).apply(t3);
    x = new Concatenate({ axis: 1 }).apply([t1, t2, t3]);
    const model = new Model({ inputs, outputs: new Dense(10, { activation: 'softmax' }).apply(new L.Flatten().apply(x)) });
    const file = join(dir, 'model_my_inception.png');
    const svg = await plotModel(model, { toFile: file, showShapes: true, showLayerNames: false });
    // the tutorial: three (None, 13, 13, 64) inputs joined into (None, 39, 13, 64)
    expect(svg).toContain('[(None, 13, 13, 64), (None, 13, 13, 64), (None, 13, 13, 64)]');
    expect(svg).toContain('(None, 39, 13, 64)');
    expect(svgGraph(svg).nodes).toHaveLength(model.layers.length);
    expect([...readFileSync(file).subarray(0, 8)]).toEqual(PNG_MAGIC);
  });
});

describe('rasterizing', () => {
  it('scales by `scale`, and shrinks pictures past 32767 pixels a side to fit (as Graphviz does)', async () => {
    const svg = (w: number, h: number) => `<svg width="${w}pt" height="${h}pt" viewBox="0 0 ${w} ${h}" xmlns="http://www.w3.org/2000/svg"><rect width="${w}" height="${h}" fill="black"/></svg>`;
    const size = async (png: Uint8Array) => sharp(png).metadata().then((m) => [m.width, m.height]);
    expect(await size(await svgToPng(svg(120, 80)))).toEqual([120, 80]);
    expect(await size(await svgToPng(svg(120, 80), { scale: 2.5 }))).toEqual([300, 200]);
    const [w, h] = (await size(await svgToPng(svg(100, 40000)))) as number[];
    expect(h).toBeLessThanOrEqual(32767);
    expect(h).toBeGreaterThan(32700);
    expect(Math.abs(w - 100 * (h / 40000))).toBeLessThanOrEqual(1);
  });
});

describe('text fits the boxes Graphviz sized for Helvetica', () => {
  const layout = async () => dotToSvg(modelToDot(await buildCase('functional_branches_merge'), { showShapes: true }));
  it('measures what the rasterizer draws', async () => {
    const [w] = await measureWithRasterizer([{ text: 'batch_normalization (Dense)', bold: false }], 'DejaVu Sans');
    // DejaVu Sans is wider than Helvetica: a rasterizer using it would overflow the boxes
    expect(w / helveticaWidth('batch_normalization (Dense)', 1)).toBeGreaterThan(1.05);
  });
  it('squeezes text drawn in a wider font back to Helvetica widths', async () => {
    const svg = await layout();
    const fitted = await fitTextToHelvetica(svg.replace(/font-family="[^"]*"/g, 'font-family="DejaVu Sans"'), 'DejaVu Sans');
    const scales = [...fitted.matchAll(/<text transform="matrix\(([\d.]+) 0 0 1/g)].map((m) => Number(m[1]));
    expect(scales.length).toBe((svg.match(/<text /g) ?? []).length);
    for (const s of scales) expect(s).toBeLessThan(0.99);
  });
  it('leaves text alone when a Helvetica-metric font is installed', async () => {
    const [w] = await measureWithRasterizer([{ text: 'Output shape: ', bold: false }], FONT_STACK);
    const metricFont = Math.abs(w / helveticaWidth('Output shape: ', 1) - 1) < 0.01;
    const svg = await layout();
    const fitted = await fitTextToHelvetica(svg, FONT_STACK);
    if (metricFont) expect(fitted).toBe(svg);
    else expect(fitted).not.toBe(svg);
  });
});

describe('plotHistory', () => {
  async function trainedHistories() {
    setSeed(1);
    clearSession();
    const n = 64;
    const x = Tensor.zeros([n, 8]);
    const y = Tensor.zeros([n, 2]);
    for (let i = 0; i < n; i++) {
      const c = i % 2;
      y.data[i * 2 + c] = 1;
      for (let j = 0; j < 8; j++) x.data[i * 8 + j] = (j < 4) === (c === 0) ? 1 + ((i * 7 + j) % 5) / 10 : ((i * 3 + j) % 5) / 10;
    }
    const run = async (dropout: boolean) => {
      const model = new Sequential({ layers: [new Dense(16, { activation: 'relu', inputShape: [8] }), ...(dropout ? [new Dropout(0.3)] : []), new Dense(2, { activation: 'softmax' })] });
      model.compile({ optimizer: 'sgd', loss: 'categorical_crossentropy', metrics: ['acc'] });
      return model.fit(x, y, { epochs: 4, batchSize: 16, verbose: 0, validationData: [x, y] });
    };
    return [await run(false), await run(true)];
  }

  it('writes a PNG of acc/val_acc and loss/val_loss, runs overlaid (tutorial 1.3-1.5)', async () => {
    const [h1, h2] = await trainedHistories();
    expect(Object.keys(h1.history).sort()).toEqual(['acc', 'loss', 'val_acc', 'val_loss']);
    const file = join(dir, 'history.png');
    const svg = await plotHistory({ '': h1, dropout: h2 }, { toFile: file });
    const png = readFileSync(file);
    expect([...png.subarray(0, 8)]).toEqual(PNG_MAGIC);
    const meta = await sharp(png).metadata();
    const svgW = Number(/<svg[^>]*width="([\d.]+)"/.exec(svg)![1]);
    expect(meta.width).toBe(Math.round(svgW * 2));
    for (const label of ['acc', 'val_acc', 'dropout_acc', 'dropout_val_acc', 'loss', 'val_loss', 'dropout_loss', 'dropout_val_loss'])
      expect(svg).toContain(`>${label}</text>`);
    // training curves dotted, validation solid; run 1 red, run 2 blue
    expect(svg).toMatch(/stroke="red"[^>]*stroke-dasharray="2,3"|stroke-dasharray="2,3"[^>]*stroke="red"/);
    expect(svg).toMatch(/stroke="blue"/);
    expect(readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('accepts plain history records, picks panels, titles and y ranges', () => {
    const spec: any = historySpec({ accuracy: [0.5, 0.7], val_accuracy: [0.4, 0.6], loss: [1.9, 1.2], val_loss: [2, 1.5] }, { titles: ['Accuracy', 'Loss'] });
    expect(spec.hconcat.map((p: any) => p.title.text)).toEqual(['Accuracy', 'Loss']);
    expect(spec.hconcat[0].encoding.y.scale.domain).toEqual([0, 1]);
    expect(spec.hconcat[1].encoding.y.scale.domain).toBeUndefined();
    expect(spec.hconcat[0].encoding.color.scale.domain).toEqual(['accuracy', 'val_accuracy']);
    expect(() => historySpec({ loss: [1] }, { metrics: ['acc'] })).toThrow(/no run has 'acc'/);
  });

  it("long run names are not cut in the legend (Vega's 160-pixel default would give 'weight_decay_va…')", async () => {
    const svg = await plotHistory({ weight_decay: { acc: [0.5, 0.7], val_acc: [0.4, 0.6] } }, { toFile: join(dir, 'long.svg'), metrics: ['acc'] });
    expect(svg).toContain('>weight_decay_val_acc</text>');
  });

  it('writes SVG too', async () => {
    const file = join(dir, 'history.svg');
    const svg = await plotHistory([{ loss: [1, 0.5, 0.25] }], { toFile: file, metrics: ['loss'] });
    expect(readFileSync(file, 'utf8')).toBe(svg);
    expect(svg).toMatch(/^<svg/);
  });
});

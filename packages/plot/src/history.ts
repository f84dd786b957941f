// History curves the way the tutorial draws them with matplotlib (sections 1.3–1.5): one panel
// per metric ("acc" and "loss" side by side), each run in its own colour, the training curve
// dotted and the validation curve solid, legend labels like "acc", "val_acc", "wd_acc".
// Vega-Lite compiles the chart, Vega renders it to SVG without a canvas, sharp makes the PNG.
import * as vega from 'vega';
import { compile } from 'vega-lite';
import { checkOptions, keysOf } from '@layerwise/core';
import { FONT_STACK, setFontFamily } from './fonts.js';
import { formatOf, writeImage } from './render.js';

/** A History from `fit`, or its `history` record ({ loss: [...], val_loss: [...] }). */
export type HistoryLike = { history: Record<string, number[]> } | Record<string, number[]>;

export interface PlotHistoryOptions {
  /** File to write: .png, .svg, .jpg/.jpeg or .webp. Default: none (only the SVG is returned). */
  toFile?: string | null;
  /** One panel per metric; each shows the metric and its val_ twin. Default: the accuracy metric (acc/accuracy) and loss. */
  metrics?: string[];
  /** Panel titles. Default: the metric names. */
  titles?: string[];
  /** Run names, used as legend prefixes ("wd" → "wd_acc"). Default: the record's keys, or "" for one run and run1, run2 … for several. */
  names?: string[];
  /** A colour per run. Default: red, blue, green, darkorange, purple, brown, … (the tutorial uses red and blue). */
  colors?: string[];
  /**
   * Y range of every panel (plt.ylim). Default: [0, 1] for a panel whose values all lie in
   * [0, 1] (accuracies), else fitted to the data. null: always fitted.
   */
  ylim?: [number, number] | null;
  /** Size of one panel's plotting area in px. Default 360 × 270. */
  width?: number;
  height?: number;
  /** PNG pixels per SVG px. Default 2. */
  scale?: number;
  /** Font family list for all text. Default: Helvetica-metric fonts, then sans-serif. */
  fontFamily?: string;
}

const plotHistoryKeys = keysOf<PlotHistoryOptions>()({
  toFile: true, metrics: true, titles: true, names: true, colors: true, ylim: true, width: true, height: true, scale: true, fontFamily: true,
});

const DEFAULT_COLORS = ['red', 'blue', 'green', 'darkorange', 'purple', 'brown', 'deeppink', 'gray', 'olive', 'teal'];
const DOTTED = [2, 3];
const SOLID: number[] = [];

function recordOf(h: HistoryLike): Record<string, number[]> {
  const maybe = (h as { history?: unknown }).history;
  return maybe && typeof maybe === 'object' && !Array.isArray(maybe) ? (maybe as Record<string, number[]>) : (h as Record<string, number[]>);
}
function isRawRecord(x: unknown): x is Record<string, number[]> {
  return !!x && typeof x === 'object' && !('history' in (x as object)) && Object.values(x as object).every((v) => Array.isArray(v));
}

/** Normalize the accepted inputs to [name, record] pairs. */
function runsOf(histories: HistoryLike | HistoryLike[] | Record<string, HistoryLike>, names?: string[]): [string, Record<string, number[]>][] {
  let runs: [string, Record<string, number[]>][];
  if (Array.isArray(histories)) runs = histories.map((h, i) => [histories.length === 1 ? '' : `run${i + 1}`, recordOf(h)]);
  else if ('history' in histories || isRawRecord(histories)) runs = [['', recordOf(histories as HistoryLike)]];
  else runs = Object.entries(histories as Record<string, HistoryLike>).map(([k, h]) => [k, recordOf(h)]);
  if (names) runs = runs.map(([, r], i) => [names[i] ?? '', r]);
  return runs;
}

function defaultMetrics(runs: [string, Record<string, number[]>][]): string[] {
  const keys = new Set(runs.flatMap(([, r]) => Object.keys(r)));
  const base = [...keys].filter((k) => !k.startsWith('val_'));
  const acc = ['acc', 'accuracy', 'categorical_accuracy', 'sparse_categorical_accuracy', 'binary_accuracy'].find((k) => keys.has(k));
  const chosen = [acc, keys.has('loss') ? 'loss' : undefined].filter((k): k is string => !!k);
  return chosen.length ? chosen : base.slice(0, 2);
}

interface Row {
  epoch: number;
  value: number;
  series: string;
}

/** matplotlib's legend loc="best", roughly: the corner of the panel with the fewest data points. */
function bestCorner(rows: Row[], epochs: number, domain: [number, number]): 'top-right' | 'bottom-right' | 'top-left' | 'bottom-left' {
  const corners = ['top-right', 'bottom-right', 'top-left', 'bottom-left'] as const;
  const counts = corners.map((c) =>
    rows.filter((r) => {
      const x = epochs > 1 ? r.epoch / (epochs - 1) : 0.5;
      const y = (r.value - domain[0]) / (domain[1] - domain[0] || 1);
      return (c.endsWith('right') ? x > 0.5 : x < 0.5) && (c.startsWith('top') ? y > 0.55 : y < 0.45);
    }).length,
  );
  return corners[counts.indexOf(Math.min(...counts))];
}

/** The Vega-Lite spec plotHistory renders (exported for custom styling). */
export function historySpec(histories: HistoryLike | HistoryLike[] | Record<string, HistoryLike>, options: PlotHistoryOptions = {}): Record<string, unknown> {
  checkOptions('plotHistory', options, plotHistoryKeys);
  const runs = runsOf(histories, options.names);
  if (!runs.length) throw new Error('plotHistory: no histories given');
  const metrics = options.metrics ?? defaultMetrics(runs);
  if (!metrics.length) throw new Error('plotHistory: the histories hold no metrics');
  const colors = options.colors ?? DEFAULT_COLORS;
  const width = options.width ?? 360;
  const height = options.height ?? 270;
  const font = options.fontFamily ?? FONT_STACK;

  const panels = metrics.map((metric, p) => {
    const rows: Row[] = [];
    const labels: string[] = [];
    const range: string[] = [];
    const dashes: number[][] = [];
    runs.forEach(([name, record], r) => {
      const prefix = name ? `${name}_` : '';
      for (const [key, dash] of [[metric, DOTTED], [`val_${metric}`, SOLID]] as const) {
        const values = record[key];
        if (!values?.length) continue;
        const series = `${prefix}${key}`;
        labels.push(series);
        range.push(colors[r % colors.length]);
        dashes.push(dash);
        values.forEach((value, epoch) => rows.push({ epoch, value, series }));
      }
    });
    if (!rows.length) throw new Error(`plotHistory: no run has '${metric}' or 'val_${metric}' (keys: ${[...new Set(runs.flatMap(([, r]) => Object.keys(r)))].join(', ')})`);
    const values = rows.map((r) => r.value).filter(Number.isFinite);
    const inUnit = values.every((v) => v >= 0 && v <= 1);
    const ylim = options.ylim === undefined ? (inUnit ? ([0, 1] as [number, number]) : null) : options.ylim;
    const epochs = Math.max(...rows.map((r) => r.epoch)) + 1;
    const domain: [number, number] = ylim ?? [Math.min(0, ...values), Math.max(...values)];
    return {
      title: { text: options.titles?.[p] ?? metric, fontSize: 14, fontWeight: 'normal' },
      width,
      height,
      data: { values: rows },
      mark: { type: 'line', strokeWidth: 1.8, clip: true, interpolate: 'linear' },
      encoding: {
        x: { field: 'epoch', type: 'quantitative', title: 'epoch', scale: { domain: [0, Math.max(1, epochs - 1)], nice: false }, axis: { tickMinStep: 1 } },
        y: { field: 'value', type: 'quantitative', title: metric, scale: ylim ? { domain: ylim, nice: false, padding: 8 } : { zero: true, nice: false, padding: 8 } },
        color: {
          field: 'series',
          type: 'nominal',
          sort: labels,
          scale: { domain: labels, range },
          legend: { title: null, orient: bestCorner(rows, epochs, domain), symbolType: 'stroke', symbolStrokeWidth: 2, symbolSize: 400, fillColor: 'rgba(255,255,255,0.85)', strokeColor: '#cccccc', padding: 6, cornerRadius: 3, labelFontSize: 12, labelLimit: 400, offset: 8 },
        },
        strokeDash: { field: 'series', type: 'nominal', sort: labels, scale: { domain: labels, range: dashes } },
        order: { field: 'epoch', type: 'quantitative' },
      },
    };
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    background: 'white',
    padding: 12,
    config: { font, view: { stroke: '#444444' }, axis: { grid: false, labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal', domainColor: '#444444', tickColor: '#444444' } },
    hconcat: panels,
    spacing: 36,
    resolve: { scale: { color: 'independent', strokeDash: 'independent', y: 'independent', x: 'independent' }, legend: { color: 'independent', strokeDash: 'independent' } },
  };
}

/**
 * Training curves from one or several `fit` histories, as the tutorial plots them with
 * matplotlib: `plotHistory({ '': history1, wd: history2 }, { toFile: 'curves.png' })`.
 * Resolves to the SVG text.
 */
export async function plotHistory(histories: HistoryLike | HistoryLike[] | Record<string, HistoryLike>, options: PlotHistoryOptions = {}): Promise<string> {
  const spec = historySpec(histories, options);
  const view = new vega.View(vega.parse(compile(spec as any, { logger: QUIET }).spec), { renderer: 'none', logLevel: vega.None });
  let svg: string;
  try {
    svg = await view.toSVG();
  } finally {
    view.finalize();
  }
  const fontFamily = options.fontFamily ?? FONT_STACK;
  svg = setFontFamily(svg, fontFamily);
  if (options.toFile) {
    formatOf(options.toFile, FORMATS);
    await writeImage(options.toFile, svg, { fontFamily, scale: options.scale ?? 2 }, FORMATS);
  }
  return svg;
}

const FORMATS = ['png', 'svg', 'jpg', 'jpeg', 'webp'] as const;
// Vega-Lite's compiler warns on stderr about legend merging details; the chart is as intended.
const QUIET: any = { level() { return QUIET; }, error() { return QUIET; }, warn() { return QUIET; }, info() { return QUIET; }, debug() { return QUIET; } };

// model.summary(): the text Keras 3 prints (keras/src/utils/summary_utils.py print_summary),
// character for character: which columns, the rows (layers in Keras' order from the one graph
// walk, graph-walk.ts), the parameter counts and memory sizes. The table itself is laid out as
// rich lays it out (rich-table.ts), and output lines are cropped at the console width.
//
// Only types are imported from the engine: model.ts imports this file, so importing
// Model/Sequential values here would be a cycle that breaks `class Sequential extends Model`.
import type { DType } from '../tensor/tensor.js';
import { isModel } from './graph-walk.js';
import type { Layer, LayerNode } from './layer.js';
import type { Model } from './model.js';
import { cellLen, renderTable, setCellSize, wrapText, type Justify } from './rich-table.js';
import type { Variable } from './variable.js';

export interface SummaryOptions {
  /** Total width of the table (Keras' line_length). Default: 88 (108 with "Connected to"), at most the terminal width − 4. */
  lineLength?: number;
  /** Right edge of each column as a fraction of lineLength (Keras' positions). Default [0.45, 0.8, 1] or [0.3, 0.56, 0.74, 1]. */
  positions?: number[];
  /** Called once with the whole summary (Keras' print_fn). Default: console.log. */
  printFn?: (text: string) => void;
  /** List the layers of nested models under them (Keras' expand_nested). */
  expandNested?: boolean;
  /** Add a "Trainable" column (Keras' show_trainable). */
  showTrainable?: boolean;
  /** [first, last] layer names (regular expressions, matched at the start of the name, both inclusive). */
  layerRange?: [string, string];
  /**
   * Terminal width the layout is computed for (Keras asks the terminal; lines longer than it are
   * cropped). Default: $COLUMNS, else the stdout TTY's width, else 80 — what Keras uses when
   * its output is not a terminal.
   */
  terminalColumns?: number;
}

function isSequential(model: Layer): boolean {
  return model.className === 'Sequential';
}

// ------------------------------------------------------------------ number and shape formatting

/** Python's f"{n:,}". */
export function thousands(n: number): string {
  const s = String(Math.trunc(Math.abs(n)));
  return (n < 0 ? '-' : '') + s.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Python's "{:.2f}".format(x) (ties to even, as Python rounds the exact binary value). */
function fixed2(x: number): string {
  const s = x * 100;
  const fl = Math.floor(s);
  if (s - fl === 0.5) return ((fl % 2 === 0 ? fl : fl + 1) / 100).toFixed(2);
  return x.toFixed(2);
}

/** Keras' readable_memory_size: "215.04 KB". */
export function readableMemorySize(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];
  let v = bytes;
  for (const unit of units) {
    if (v / 1024 < 1) return `${fixed2(v)} ${unit}`;
    v /= 1024;
  }
  return `${fixed2(v)} ${units[units.length - 1]}`;
}

const DTYPE_BITS: Record<string, number> = { float32: 32, int32: 32, uint8: 8, bool: 1, float16: 16, bfloat16: 16, float64: 64, int64: 64, int8: 8, int16: 16, uint16: 16, uint32: 32 };
function dtypeBits(dtype: DType | string): number {
  return DTYPE_BITS[dtype] ?? 32;
}

function countParams(weights: Variable[]): number {
  return weights.reduce((n, w) => n + w.size, 0);
}
function memoryBytes(weights: Variable[]): number {
  return [...new Set(weights)].reduce((n, w) => n + w.size * dtypeBits(w.dtype), 0) / 8;
}

function formatShape(shape: readonly (number | null)[]): string {
  return `(${shape.map((d) => (d === null ? 'None' : String(d))).join(', ')})`;
}

/** Keras' format_layer_shape: the outputs of the layer's last call. */
function layerShape(layer: Layer): string {
  const nodes = layer.inboundNodes;
  if (nodes.length === 0) return '?';
  const outs = nodes[nodes.length - 1].outputs;
  if (outs.length === 1) return formatShape(outs[0].shape);
  return `[${outs.map((o) => formatShape(o.shape)).join(', ')}]`;
}

function defaultTerminalColumns(): number {
  const env = typeof process !== 'undefined' ? process.env.COLUMNS : undefined;
  if (env && /^\d+$/.test(env)) return Number(env);
  const out = typeof process !== 'undefined' ? process.stdout : undefined;
  if (out && out.isTTY && out.columns) return out.columns;
  return 80;
}

// ------------------------------------------------------------------ the summary

/** Optimizer weights Keras counts once the optimizer is built: iteration (int64), learning_rate, and the slots. */
function optimizerWeights(model: Model): { count: number; bytes: number } | null {
  const opt = model.optimizer;
  const state = model.optimizerState;
  if (!opt || !state || !(state.iterations > 0 || state.slots.size > 0)) return null;
  const perWeight = typeof opt.slots === 'function' ? opt.slots().length : 0;
  const trainable = countParams(model.trainableWeights);
  const count = 2 + perWeight * trainable;
  return { count, bytes: 8 + 4 + perWeight * trainable * 4 };
}

/** The text of `model.summary()`, exactly as Keras 3 prints it (no trailing newline). */
export function summarize(model: Model, options: SummaryOptions = {}): string {
  const terminal = options.terminalColumns ?? defaultTerminalColumns();
  const sequentialModel = isSequential(model);
  const layers = model.layers;
  let sequentialLike = true;
  let relevantNodes: ReadonlySet<LayerNode> | null = null;
  if (!sequentialModel && model.inputs.length > 0) {
    const graph = model.layerGraph;
    const seen: LayerNode[] = [];
    for (const nodes of graph.nodesByDepth.values()) {
      if (nodes.length > 1 || (nodes.length === 1 && nodes[0].inputs.length > 1)) {
        sequentialLike = false;
        break;
      }
      seen.push(...nodes);
    }
    if (sequentialLike)
      for (const layer of layers) if (layer.inboundNodes.filter((n) => seen.includes(n)).length > 1) sequentialLike = false;
    if (!sequentialLike) relevantNodes = graph.nodes;
  }

  let defaultLineLength: number;
  let positions: number[];
  const header = ['Layer (type)', 'Output Shape', 'Param #'];
  const justify: Justify[] = ['left', 'left', 'right'];
  if (sequentialLike) {
    defaultLineLength = 88;
    positions = options.positions ?? [0.45, 0.8, 1.0];
  } else {
    defaultLineLength = 108;
    positions = options.positions ?? [0.3, 0.56, 0.74, 1.0];
    header.push('Connected to');
    justify.push('left');
  }
  if (options.showTrainable) {
    defaultLineLength += 12;
    positions = [...positions.map((p) => p * 0.9), 1.0];
    header.push('Trainable');
    justify.push('center');
  }
  defaultLineLength = Math.min(defaultLineLength, terminal - 4);
  const lineLength = options.lineLength || defaultLineLength;
  const widths: number[] = [];
  let current = 0;
  for (const pos of positions) {
    const width = Math.trunc(pos * lineLength) - current;
    if (width < 4) throw new RangeError('Insufficient console width to print summary.');
    widths.push(width);
    current += width;
  }

  const connections = (layer: Layer): string => {
    const parts: string[] = [];
    for (const node of layer.inboundNodes) {
      if (relevantNodes && relevantNodes.size && !relevantNodes.has(node)) continue;
      for (const t of node.inputs) parts.push(`${t.node.layer.name}[${t.node.layer.inboundNodes.indexOf(t.node)}][${t.index}]`);
    }
    return parts.length ? parts.join(', ') : '-';
  };
  const fields = (layer: Layer, prefix: string): string[] => {
    const params = layer.built ? thousands(layer.countParams()) : '0 (unbuilt)';
    const row = [`${prefix}${layer.name} (${layer.className})`, layerShape(layer), params];
    if (!sequentialLike) row.push(connections(layer));
    if (options.showTrainable) row.push(layer.weights.length > 0 ? (layer.trainable ? 'Y' : 'N') : '-');
    return row;
  };
  const rowsFor = (layer: Layer, level: number): string[][] => {
    const rows = [fields(layer, level ? '   '.repeat(level) + '└ ' : '')];
    if (options.expandNested && isModel(layer)) for (const l of layer.layers) rows.push(...rowsFor(l, level + 1));
    return rows;
  };

  const [lo, hi] = layerIndexRange(layers, options.layerRange);
  const rows = layers.slice(lo, hi).flatMap((l) => rowsFor(l, 0));
  const columns = header.map((h, i) => ({ header: h, justify: justify[i], width: widths[i] }));
  const table = renderTable(columns, rows, lineLength);

  const trainable = model.trainableWeights;
  const nonTrainable = model.nonTrainableWeights;
  const trainableCount = countParams(trainable);
  const nonTrainableCount = countParams(nonTrainable);
  const trainableBytes = memoryBytes(trainable);
  const nonTrainableBytes = memoryBytes(nonTrainable);
  const opt = optimizerWeights(model);
  const totalCount = trainableCount + nonTrainableCount + (opt?.count ?? 0);
  const totalBytes = trainableBytes + nonTrainableBytes + (opt?.bytes ?? 0);

  const wrapConsole = (text: string) => wrapText(text, terminal, 'default', 'fold');
  const lines = [
    ...wrapConsole(`Model: "${model.name}"`),
    ...table.map((l) => setCellSize(l, Math.min(cellLen(l), terminal))),
    ...wrapConsole(` Total params: ${thousands(totalCount)} (${readableMemorySize(totalBytes)})`),
    ...wrapConsole(` Trainable params: ${thousands(trainableCount)} (${readableMemorySize(trainableBytes)})`),
    ...wrapConsole(` Non-trainable params: ${thousands(nonTrainableCount)} (${readableMemorySize(nonTrainableBytes)})`),
  ];
  if (opt) lines.push(...wrapConsole(` Optimizer params: ${thousands(opt.count)} (${readableMemorySize(opt.bytes)})`));
  return lines.join('\n');
}

/** Print the summary (Keras' model.summary()): through `printFn` when given, else console.log. */
export function printSummary(model: Model, options: SummaryOptions = {}): void {
  const text = summarize(model, options);
  (options.printFn ?? ((s: string) => console.log(s)))(text);
}

function layerIndexRange(layers: Layer[], range?: [string, string]): [number, number] {
  if (!range) return [0, layers.length];
  if (range.length !== 2) throw new RangeError(`layerRange must be a list of 2 layer names, got ${JSON.stringify(range)}`);
  const match = (pat: string) => layers.flatMap((l, i) => (new RegExp(`^(?:${pat})`).test(l.name) ? [i] : []));
  const lower = match(range[0]);
  const upper = match(range[1]);
  if (!lower.length || !upper.length) throw new RangeError(`Passed layer names do not match the layer names in the model. Received: ${JSON.stringify(range)}`);
  if (Math.min(...lower) > Math.max(...upper)) return [Math.min(...upper), Math.max(...lower) + 1];
  return [Math.min(...lower), Math.max(...upper) + 1];
}

// model.summary(): the text Keras 3 prints (keras/src/utils/summary_utils.py print_summary),
// character for character. Keras draws it with a `rich` table (box HEAVY_HEAD, show_lines),
// so the column-width arithmetic, word wrapping and ellipsis cropping below follow rich's
// Table/Text rendering as Keras drives it: fixed-width columns, a table width of
// `lineLength`, and output lines cropped at the console width.
//
// Only types are imported from the engine: model.ts will import this file, so importing
// Model/Sequential values here would be a cycle that breaks `class Sequential extends Model`.
import type { DType } from '../tensor/tensor.js';
import type { Layer, LayerNode, SymbolicTensor } from './layer.js';
import type { Model } from './model.js';
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

// ------------------------------------------------------------------ the graph, as Keras sees it

/** The layer calls and layer order Keras' Functional computes (functional.py map_graph). */
export interface KerasGraph {
  /** Layers in Keras' `model._operations` order: by depth from the outputs (deepest first), ties by discovery order. */
  operations: Layer[];
  /** Layer calls by depth (0 = the calls producing the outputs), as `model._nodes_by_depth`. */
  nodesByDepth: Map<number, LayerNode[]>;
  /** Every layer call that belongs to the model. */
  nodes: Set<LayerNode>;
}

function isSequential(model: Layer): boolean {
  return model.className === 'Sequential';
}
/** A model (Sequential or functional) seen as a layer: has layers and layer calls. */
function isModel(layer: Layer): layer is Model {
  return Array.isArray((layer as Model).inputs) && Array.isArray((layer as Model).outputs) && 'layers' in layer;
}

/** The layer calls of a model (the lead adds a public `layerNodes`; until then the protected field). */
export function modelNodes(model: Model): LayerNode[] {
  const m = model as unknown as { layerNodes?: LayerNode[]; nodes?: LayerNode[] };
  return m.layerNodes ?? m.nodes ?? [];
}

/** Keras' map_graph: depth of every layer call, and the resulting layer order. */
export function kerasGraph(model: Model): KerasGraph {
  const inputs = new Set<SymbolicTensor>(model.inputs);
  const finished = new Set<LayerNode>();
  const inProgress = new Set<LayerNode>();
  const decreasingDepth: LayerNode[] = [];
  const opIndex = new Map<Layer, number>();
  const visit = (t: SymbolicTensor) => {
    const node = t.node;
    if (finished.has(node) || inProgress.has(node)) return;
    if (!opIndex.has(node.layer)) opIndex.set(node.layer, opIndex.size);
    inProgress.add(node);
    if (node.inputs.length > 0 && !inputs.has(t)) for (const x of node.inputs) visit(x);
    finished.add(node);
    inProgress.delete(node);
    decreasingDepth.push(node);
  };
  for (const t of model.outputs) visit(t);

  const nodeDepth = new Map<LayerNode, number>();
  const opDepth = new Map<Layer, number>();
  for (let i = decreasingDepth.length - 1; i >= 0; i--) {
    const node = decreasingDepth[i];
    if (!nodeDepth.has(node)) nodeDepth.set(node, 0);
    const depth = Math.max(nodeDepth.get(node)!, opDepth.get(node.layer) ?? 0);
    opDepth.set(node.layer, depth);
    nodeDepth.set(node, depth);
    for (const t of node.inputs) nodeDepth.set(t.node, Math.max(depth + 1, nodeDepth.get(t.node) ?? 0));
  }
  // Inputs not connected to any output still count, at depth 0.
  for (const t of model.inputs) {
    const layer = t.node.layer;
    if (!opDepth.has(layer)) {
      opDepth.set(layer, 0);
      opIndex.set(layer, -1);
      nodeDepth.set(layer.inboundNodes[0], 0);
    }
  }
  const nodesByDepth = new Map<number, LayerNode[]>();
  for (const [node, depth] of nodeDepth) {
    if (!nodesByDepth.has(depth)) nodesByDepth.set(depth, []);
    nodesByDepth.get(depth)!.push(node);
  }
  const operations = [...opDepth.keys()].sort((a, b) => opDepth.get(b)! - opDepth.get(a)! || opIndex.get(a)! - opIndex.get(b)!);
  return { operations, nodesByDepth, nodes: new Set(nodeDepth.keys()) };
}

/** Layers as Keras lists them for a model: Sequential without its InputLayer, functional in `_operations` order. */
export function kerasLayers(model: Model): Layer[] {
  if (isSequential(model) || model.inputs.length === 0) return model.layers;
  return kerasGraph(model).operations;
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
  return weights.reduce((n, w) => n + w.value.size, 0);
}
function memoryBytes(weights: Variable[]): number {
  return [...new Set(weights)].reduce((n, w) => n + w.value.size * dtypeBits(w.value.dtype), 0) / 8;
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

// ------------------------------------------------------------------ rich's text layout

/** Terminal cells a string takes (East Asian wide characters take two). */
export function cellLen(s: string): number {
  let n = 0;
  for (const ch of s) n += isWide(ch.codePointAt(0)!) ? 2 : 1;
  return n;
}
function isWide(cp: number): boolean {
  return (
    (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0x303e) || (cp >= 0x3041 && cp <= 0x33ff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) || (cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0xa000 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) || (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x1f300 && cp <= 0x1f64f) ||
    (cp >= 0x1f900 && cp <= 0x1f9ff) || (cp >= 0x20000 && cp <= 0x3fffd)
  );
}
/** The longest prefix of `s` that fits in `width` cells, padded with spaces to exactly `width` (rich's set_cell_size). */
function setCellSize(s: string, width: number): string {
  let out = '';
  let n = 0;
  for (const ch of s) {
    const w = isWide(ch.codePointAt(0)!) ? 2 : 1;
    if (n + w > width) break;
    out += ch;
    n += w;
  }
  return out + ' '.repeat(width - n);
}
/** Split a string into character runs of at most `width` cells (rich's chop_cells). */
function chopCells(s: string, width: number): string[] {
  const lines: string[] = [];
  let cur = '';
  let n = 0;
  for (const ch of s) {
    const w = isWide(ch.codePointAt(0)!) ? 2 : 1;
    if (n + w > width && cur) {
      lines.push(cur);
      cur = '';
      n = 0;
    }
    cur += ch;
    n += w;
  }
  lines.push(cur);
  return lines;
}

/** rich's divide_line: character offsets where a line of text breaks to fit `width`. */
function divideLine(text: string, width: number, fold: boolean): number[] {
  const breaks: number[] = [];
  let cellOffset = 0;
  const re = /\s*\S+\s*/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    let start = m.index;
    const word = m[0];
    const wordLength = cellLen(word.trimEnd());
    const remaining = width - cellOffset;
    if (remaining >= wordLength) cellOffset += cellLen(word);
    else if (wordLength > width) {
      if (fold) {
        const pieces = chopCells(word, width);
        pieces.forEach((piece, i) => {
          if (start) breaks.push(start);
          if (i === pieces.length - 1) cellOffset = cellLen(piece);
          else start += piece.length;
        });
      } else {
        if (start) breaks.push(start);
        cellOffset = cellLen(word);
      }
    } else if (cellOffset && start) {
      breaks.push(start);
      cellOffset = cellLen(word);
    }
  }
  return breaks;
}

type Justify = 'left' | 'right' | 'center' | 'default';
type Overflow = 'ellipsis' | 'fold';

function truncate(line: string, width: number, overflow: Overflow): string {
  if (cellLen(line) <= width) return line;
  return overflow === 'ellipsis' ? setCellSize(line, width - 1) + '…' : setCellSize(line, width);
}

/** rich's Text.wrap: the lines a text occupies at `width`, justified. */
function wrapText(text: string, width: number, justify: Justify, overflow: Overflow): string[] {
  const out: string[] = [];
  for (const para of text.split('\n')) {
    const offsets = divideLine(para, width, overflow === 'fold');
    const bounds = [0, ...offsets, para.length];
    let lines: string[] = [];
    for (let i = 0; i + 1 < bounds.length; i++) lines.push(para.slice(bounds[i], bounds[i + 1]));
    // rstrip_end: drop trailing whitespace that sticks out past the width.
    lines = lines.map((l) => {
      const excess = cellLen(l) - width;
      if (excess <= 0) return l;
      const ws = /\s+$/.exec(l);
      return ws ? l.slice(0, l.length - Math.min(ws[0].length, excess)) : l;
    });
    lines = lines.map((l) => {
      if (justify === 'left') {
        const t = truncate(l, width, overflow);
        return t + ' '.repeat(Math.max(0, width - cellLen(t)));
      }
      if (justify === 'right') {
        const t = truncate(l.trimEnd(), width, overflow);
        return ' '.repeat(width - cellLen(t)) + t;
      }
      if (justify === 'center') {
        const t = truncate(l.trimEnd(), width, overflow);
        const left = Math.floor((width - cellLen(t)) / 2);
        return ' '.repeat(left) + t + ' '.repeat(width - cellLen(t) - left);
      }
      return truncate(l, width, overflow);
    });
    out.push(...lines);
  }
  return out;
}

/** Python's round(): halves to even. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** rich's ratio_reduce: take `total` away from `values`, evenly. */
function ratioReduce(total: number, ratios: number[], maximums: number[], values: number[]): number[] {
  ratios = ratios.map((r, i) => (maximums[i] ? r : 0));
  let totalRatio = ratios.reduce((a, b) => a + b, 0);
  if (!totalRatio) return [...values];
  let remaining = total;
  return values.map((value, i) => {
    const ratio = ratios[i];
    if (ratio && totalRatio > 0) {
      const distributed = Math.min(maximums[i], roundHalfEven((ratio * remaining) / totalRatio));
      remaining -= distributed;
      totalRatio -= ratio;
      return value - distributed;
    }
    return value;
  });
}

interface Column {
  header: string;
  justify: Justify;
  width: number;
}

/** A rich Table(width=lineLength, show_lines=True) with fixed-width columns, box HEAVY_HEAD. */
function renderTable(columns: Column[], rows: string[][], tableWidth: number): string[] {
  const extra = 2 + columns.length - 1;
  const maxWidth = tableWidth - extra;
  let widths = columns.map((c) => Math.min(c.width + 2, maxWidth));
  const sum = widths.reduce((a, b) => a + b, 0);
  if (sum > maxWidth) widths = ratioReduce(sum - maxWidth, widths.map(() => 1), widths, widths);
  widths = widths.map((w) => Math.max(w, 0));

  const renderRow = (cells: string[], left: string, mid: string, right: string): string[] => {
    const cellLines = cells.map((text, i) => {
      const inner = Math.max(widths[i] - 2, 0);
      return wrapText(text, inner, columns[i].justify, 'ellipsis').map((l) => setCellSize(` ${l} `, widths[i]));
    });
    const height = Math.max(...cellLines.map((c) => c.length));
    const out: string[] = [];
    for (let r = 0; r < height; r++) out.push(left + cellLines.map((c, i) => c[r] ?? ' '.repeat(widths[i])).join(mid) + right);
    return out;
  };
  const rule = (l: string, h: string, m: string, r: string) => l + widths.map((w) => h.repeat(w)).join(m) + r;

  const lines = [rule('┏', '━', '┳', '┓'), ...renderRow(columns.map((c) => c.header), '┃', '┃', '┃'), rule('┡', '━', '╇', '┩')];
  rows.forEach((row, i) => {
    if (i > 0) lines.push(rule('├', '─', '┼', '┤'));
    lines.push(...renderRow(row, '│', '│', '│'));
  });
  lines.push(rule('└', '─', '┴', '┘'));
  return lines;
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
  let layers: Layer[];
  let sequentialLike = true;
  let relevantNodes: Set<LayerNode> | null = null;
  if (sequentialModel || model.inputs.length === 0) layers = model.layers;
  else {
    const graph = kerasGraph(model);
    layers = graph.operations;
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
    if (options.expandNested && isModel(layer)) {
      const nested = kerasLayers(layer);
      for (const l of nested) rows.push(...rowsFor(l, level + 1));
    }
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

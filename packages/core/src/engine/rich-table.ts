// The table model.summary() draws, laid out as the Python library `rich` lays it out when Keras
// drives it (keras/src/utils/summary_utils.py): a Table with fixed-width columns, box
// HEAVY_HEAD and show_lines, a table width of `lineLength`; text wrapped, justified and cropped
// with an ellipsis as rich's Text does. Only the parts of rich Keras' summary reaches.

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
export function setCellSize(s: string, width: number): string {
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

export type Justify = 'left' | 'right' | 'center' | 'default';
type Overflow = 'ellipsis' | 'fold';

function truncate(line: string, width: number, overflow: Overflow): string {
  if (cellLen(line) <= width) return line;
  return overflow === 'ellipsis' ? setCellSize(line, width - 1) + '…' : setCellSize(line, width);
}

/** rich's Text.wrap: the lines a text occupies at `width`, justified. */
export function wrapText(text: string, width: number, justify: Justify, overflow: Overflow): string[] {
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

export interface Column {
  header: string;
  justify: Justify;
  width: number;
}

/** A rich Table(width=lineLength, show_lines=True) with fixed-width columns, box HEAVY_HEAD. */
export function renderTable(columns: Column[], rows: string[][], tableWidth: number): string[] {
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


// Text widths, so that rasterized text fits the boxes Graphviz drew for it.
//
// Graphviz compiled to wasm has no font library: it sizes text with built-in Helvetica/Arial
// advance widths (lib/common/textspan_lut.c, below). A rasterizer must therefore draw with a
// Helvetica-metric font — Helvetica, Arial, Liberation Sans, Nimbus Sans, TeX Gyre Heros,
// FreeSans, Arimo — or the text overflows its box. FONT_STACK asks for those first. When the
// machine has none of them, `fitTextToHelvetica` measures what the rasterizer really draws
// and squeezes each text run horizontally to the width Graphviz reserved for it.
import sharp from 'sharp';

/** Helvetica-metric families first, the generic family last (a lone generic name wins over aliases in fontconfig). */
export const FONT_STACK = "Helvetica, Arial, 'Liberation Sans', 'Nimbus Sans', 'Nimbus Sans L', 'TeX Gyre Heros', FreeSans, Arimo, sans-serif";

// Advance widths of ASCII 32..126 in Arial/Helvetica, in units of 1/2048 em (Graphviz's table).
// prettier-ignore
const REGULAR = [
  569, 569, 727, 1139, 1139, 1821, 1366, 391, 682, 682, 797, 1196, 569, 682, 569, 569, 1139, 1139, 1139, 1139, 1139, 1139,
  1139, 1139, 1139, 1139, 569, 569, 1196, 1196, 1196, 1139, 2079, 1366, 1366, 1479, 1479, 1366, 1251, 1593, 1479, 569, 1024,
  1366, 1139, 1706, 1479, 1593, 1366, 1593, 1479, 1366, 1251, 1479, 1366, 1933, 1366, 1366, 1251, 569, 569, 569, 961, 1139,
  682, 1139, 1139, 1024, 1139, 1139, 569, 1139, 1139, 455, 455, 1024, 455, 1706, 1139, 1139, 1139, 1139, 682, 1024, 569, 1139,
  1024, 1479, 1024, 1024, 1024, 684, 532, 684, 1196,
];
// prettier-ignore
const BOLD = [
  569, 682, 971, 1139, 1139, 1821, 1479, 487, 682, 682, 797, 1196, 569, 682, 569, 569, 1139, 1139, 1139, 1139, 1139, 1139,
  1139, 1139, 1139, 1139, 682, 682, 1196, 1196, 1196, 1251, 1997, 1479, 1479, 1479, 1479, 1366, 1251, 1593, 1479, 569, 1139,
  1479, 1251, 1706, 1479, 1593, 1366, 1593, 1479, 1366, 1251, 1479, 1366, 1933, 1366, 1366, 1251, 682, 569, 682, 1196, 1139,
  682, 1139, 1251, 1139, 1251, 1139, 682, 1251, 1251, 569, 569, 1139, 569, 1821, 1251, 1251, 1251, 1251, 797, 1139, 682, 1251,
  1139, 1593, 1139, 1139, 1024, 797, 573, 797, 1196,
];

/** Width of `text` in Helvetica at `size`, as Graphviz estimates it. */
export function helveticaWidth(text: string, size: number, bold = false): number {
  const table = bold ? BOLD : REGULAR;
  let units = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    units += c >= 32 && c <= 126 ? table[c - 32] : 1139;
  }
  return (units * size) / 2048;
}

export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
export function unescapeXml(s: string): string {
  return s
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&#x([0-9a-f]+);/gi, (_, h: string) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

/** Replace every font-family of an SVG by `family` (Graphviz writes "Helvetica,sans-Serif", which fontconfig resolves to the generic font). */
export function setFontFamily(svg: string, family: string): string {
  return svg.replace(/font-family="[^"]*"/g, `font-family="${escapeXml(family)}"`);
}

const REF_SIZE = 64;

/**
 * Advance widths (in em) of strings as the rasterizer draws them in `family`: each string is
 * drawn between two bars, one row per string, in a single render; the distance between the
 * outer edges of the bars, minus that of two bars alone, is the string's advance.
 */
export async function measureWithRasterizer(items: { text: string; bold: boolean }[], family: string): Promise<number[]> {
  const rows = [{ text: '', bold: false }, { text: '', bold: true }, ...items];
  const rowH = Math.round(REF_SIZE * 1.6);
  const maxEm = Math.max(2, ...items.map((i) => helveticaWidth(i.text, 1, i.bold) * 2 + 2));
  const width = Math.ceil(maxEm * REF_SIZE + 40);
  const height = rows.length * rowH;
  const body = rows
    .map(
      (r, i) =>
        `<text xml:space="preserve" x="10" y="${i * rowH + REF_SIZE * 1.15}" font-family="${escapeXml(family)}" font-size="${REF_SIZE}"${r.bold ? ' font-weight="bold"' : ''}>|${escapeXml(r.text)}|</text>`,
    )
    .join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}"><rect width="100%" height="100%" fill="white"/>${body}</svg>`;
  const { data, info } = await sharp(Buffer.from(svg), { density: 72 }).greyscale().raw().toBuffer({ resolveWithObject: true });
  const span = (row: number): number => {
    let left = -1;
    let right = -1;
    const y0 = Math.floor((row * rowH * info.height) / height);
    const y1 = Math.floor(((row + 1) * rowH * info.height) / height);
    for (let x = 0; x < info.width; x++) {
      let ink = false;
      for (let y = y0; y < y1 && !ink; y++) ink = data[(y * info.width + x) * info.channels] < 128;
      if (ink) {
        if (left < 0) left = x;
        right = x;
      }
    }
    return ((right - left) * width) / info.width;
  };
  const empty = [span(0), span(1)];
  return items.map((item, i) => (span(i + 2) - empty[item.bold ? 1 : 0]) / REF_SIZE);
}

/**
 * Make every <text> of a Graphviz SVG fit the width Graphviz reserved for it (its Helvetica
 * estimate) when rasterized with `family`: runs the rasterizer draws wider or narrower by more
 * than 1% get a horizontal scale about their anchor. A no-op where a Helvetica-metric font is
 * installed.
 */
export async function fitTextToHelvetica(svg: string, family: string): Promise<string> {
  const re = /<text\b([^>]*)>([^<]*)<\/text>/g;
  const found: { attrs: string; text: string; bold: boolean; size: number }[] = [];
  for (let m = re.exec(svg); m; m = re.exec(svg)) {
    const attrs = m[1];
    const size = Number(/font-size="([\d.]+)"/.exec(attrs)?.[1] ?? 14);
    found.push({ attrs, text: unescapeXml(m[2]), bold: /font-weight="bold"/.test(attrs), size });
  }
  if (!found.length) return svg;
  const keys = [...new Set(found.map((f) => `${f.bold ? 1 : 0}${f.text}`))];
  const measured = await measureWithRasterizer(keys.map((k) => ({ bold: k[0] === '1', text: k.slice(1) })), family);
  const widthOf = new Map(keys.map((k, i) => [k, measured[i]]));
  return svg.replace(re, (whole, attrs: string, content: string) => {
    const text = unescapeXml(content);
    const bold = /font-weight="bold"/.test(attrs);
    const actual = widthOf.get(`${bold ? 1 : 0}${text}`)!;
    const expected = helveticaWidth(text, 1, bold);
    if (!(actual > 0) || !text.trim() || Math.abs(expected / actual - 1) <= 0.01) return whole;
    const r = expected / actual;
    const x = Number(/\bx="(-?[\d.]+)"/.exec(attrs)?.[1] ?? 0);
    return `<text transform="matrix(${r.toFixed(5)} 0 0 1 ${(x * (1 - r)).toFixed(3)} 0)"${attrs}>${content}</text>`;
  });
}

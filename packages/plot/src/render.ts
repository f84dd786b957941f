import { randomBytes } from 'node:crypto';
import { mkdir, rename, unlink, writeFile } from 'node:fs/promises';
import { dirname, extname } from 'node:path';
import { Graphviz } from '@hpcc-js/wasm-graphviz';
import sharp from 'sharp';
import { FONT_STACK, fitTextToHelvetica, setFontFamily } from './fonts.js';

const MAX_PIXELS = 32767;
let graphviz: Promise<Graphviz> | null = null;
/** Graphviz (compiled to wasm), loaded once. */
export function loadGraphviz(): Promise<Graphviz> {
  graphviz ??= Graphviz.load();
  return graphviz;
}

/** DOT → SVG with the dot engine (throws with Graphviz's message on bad DOT). */
export async function dotToSvg(dot: string): Promise<string> {
  const gv = await loadGraphviz();
  try {
    return gv.layout(dot, 'svg', 'dot');
  } catch (e) {
    // Graphviz's orthogonal router can fail on merged (concentrate) edges; Keras' files would
    // fail there too. Draw without merging rather than not at all.
    if (/concentrate=True;/.test(dot)) return gv.layout(dot.replace('concentrate=True;', 'concentrate=False;'), 'svg', 'dot');
    throw e;
  }
}

export interface RasterOptions {
  /** Font family list for the rasterizer. Default: Helvetica-metric fonts first (see FONT_STACK). */
  fontFamily?: string;
  /** Pixels per SVG unit ('pt' for Graphviz, 'px' for Vega): the PNG is this many times the SVG's size. Default 1. */
  scale?: number;
  /** Squeeze text the rasterizer draws wider than Helvetica into Helvetica's width (for Graphviz SVGs). */
  fitText?: boolean;
}

/** Rasterize an SVG with sharp (librsvg): PNG bytes. */
export async function svgToPng(svg: string, options: RasterOptions = {}): Promise<Uint8Array> {
  const family = options.fontFamily ?? FONT_STACK;
  let src = setFontFamily(svg, family);
  if (options.fitText) src = await fitTextToHelvetica(src, family);
  let scale = options.scale ?? 1;
  const { width, height } = svgSize(src);
  const longest = Math.max(width, height) * scale;
  if (longest > MAX_PIXELS) {
    // librsvg (like Graphviz's own cairo output) cannot draw past 32767 pixels a side: shrink to fit, as Graphviz does.
    const factor = (MAX_PIXELS - 1) / longest;
    scale *= factor;
    process.emitWarning(`the ${Math.round(width)}×${Math.round(height)} image is too large for PNG output at this resolution; scaling by ${factor.toFixed(3)} to fit ${MAX_PIXELS} pixels`, 'LayerwisePlotWarning');
  }
  // Size the SVG itself to the output pixels (librsvg checks the SVG's own size against its
  // limit), then render one SVG unit — 'pt' from Graphviz, 'px' from Vega alike — as one pixel.
  const img = sharp(Buffer.from(scale === 1 ? src : scaleSvg(src, scale)), { density: 72, limitInputPixels: false });
  return img.png().toBuffer();
}

/** The SVG's width and height in its own units (pt or px), as numbers. */
export function svgSize(svg: string): { width: number; height: number } {
  const head = /<svg\b[^>]*>/.exec(svg)?.[0] ?? '';
  const num = (attr: string) => Number(/^([\d.]+)/.exec(new RegExp(`\\b${attr}="([^"]*)"`).exec(head)?.[1] ?? '')?.[1] ?? 0);
  return { width: num('width'), height: num('height') };
}

/** The same picture at `scale` × its size: width and height scaled, the viewBox kept (added if missing). */
export function scaleSvg(svg: string, scale: number): string {
  return svg.replace(/<svg\b[^>]*>/, (head) => {
    const { width, height } = svgSize(head);
    let out = head.replace(/\b(width|height)="([\d.]+)([a-z%]*)"/g, (_, attr: string, v: string, unit: string) => `${attr}="${(Number(v) * scale).toFixed(2)}${unit}"`);
    if (!/\bviewBox=/.test(out)) out = out.replace(/^<svg\b/, `<svg viewBox="0 0 ${width} ${height}"`);
    return out;
  });
}

/** Write through a temporary file in the same folder, then rename into place. */
export async function writeAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path) || '.', { recursive: true });
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
}

export type ImageFormat = 'png' | 'svg' | 'jpg' | 'jpeg' | 'webp' | 'dot';

/** The format a file name asks for (no extension: png, as Keras). */
export function formatOf(path: string, allowed: readonly ImageFormat[]): ImageFormat {
  const ext = extname(path).slice(1).toLowerCase() || 'png';
  if (!(allowed as readonly string[]).includes(ext)) throw new Error(`Cannot write '${path}': unsupported image format '.${ext}'. Supported: ${allowed.map((a) => `.${a}`).join(', ')}`);
  return ext as ImageFormat;
}

/** Write an SVG as the file's format (svg as is; png/jpg/webp rasterized). */
export async function writeImage(path: string, svg: string, raster: RasterOptions, allowed: readonly ImageFormat[]): Promise<void> {
  const format = formatOf(path, allowed);
  if (format === 'svg') return writeAtomic(path, setFontFamily(svg, raster.fontFamily ?? FONT_STACK));
  const png = await svgToPng(svg, raster);
  if (format === 'png') return writeAtomic(path, png);
  const img = sharp(png).flatten({ background: '#ffffff' });
  return writeAtomic(path, await (format === 'webp' ? img.webp() : img.jpeg({ quality: 92 })).toBuffer());
}

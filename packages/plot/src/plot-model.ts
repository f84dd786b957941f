import { checkOptions, keysOf, type Model } from '@layerwise/core';
import { FONT_STACK, setFontFamily } from './fonts.js';
import { modelToDot, modelToDotKeys, type ModelToDotOptions } from './model-to-dot.js';
import { dotToSvg, formatOf, writeAtomic, writeImage } from './render.js';

export interface PlotModelOptions extends ModelToDotOptions {
  /**
   * File to write: .png (default 'model.png'), .svg, .jpg/.jpeg, .webp, or .dot (the DOT
   * source). No extension: PNG, as Keras. null: write nothing, only return the SVG.
   */
  toFile?: string | null;
  /** Font family list the PNG is drawn with. Default: Helvetica-metric fonts (Graphviz sizes boxes for Helvetica). */
  fontFamily?: string;
}

const plotModelKeys = [...modelToDotKeys, ...keysOf<Omit<PlotModelOptions, keyof ModelToDotOptions>>()({ toFile: true, fontFamily: true })];

/**
 * keras.utils.plot_model: draw the model's layer graph with Graphviz (compiled to wasm, no
 * system Graphviz needed) and write it to `toFile`. Resolves to the SVG text.
 *
 *   await plotModel(model, { toFile: 'model.png', showShapes: true });
 */
export async function plotModel(model: Model, options: PlotModelOptions = {}): Promise<string> {
  const toFile = options.toFile === undefined ? 'model.png' : options.toFile;
  const format = toFile ? formatOf(toFile, FORMATS) : null;
  checkOptions('plotModel', options, plotModelKeys);
  const dotOptions = Object.fromEntries(Object.entries(options).filter(([k]) => modelToDotKeys.includes(k)));
  const dot = modelToDot(model, dotOptions);
  const fontFamily = options.fontFamily ?? FONT_STACK;
  const svg = await dotToSvg(dot);
  if (toFile && format === 'dot') await writeAtomic(toFile, dot);
  else if (toFile) await writeImage(toFile, svg, { fontFamily, fitText: true }, FORMATS);
  return setFontFamily(svg, fontFamily);
}

const FORMATS = ['png', 'svg', 'jpg', 'jpeg', 'webp', 'dot'] as const;

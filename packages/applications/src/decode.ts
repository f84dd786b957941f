// keras.applications.imagenet_utils.decode_predictions, with the ImageNet class index shipped in
// this package (assets/imagenet_class_index.json, byte-equal to the file Keras downloads).
import { readFileSync } from 'node:fs';
import { ConfigError, ShapeError, Tensor } from '@layerwise/core';
import { pyShape } from './imagenet-utils.js';

/** The MD5 Keras checks its downloaded copy of the class index against. */
export const IMAGENET_CLASS_INDEX_MD5 = 'c2c37ea517e94d9795004a39431a14cb';
/** Where the class index lives in the installed package. */
export const IMAGENET_CLASS_INDEX_URL = new URL('../assets/imagenet_class_index.json', import.meta.url);

/** One guess: [WordNet id, class name, score], like Keras' (class_name, class_description, score). */
export type Prediction = [wnid: string, name: string, score: number];

let classIndex: Record<string, [string, string]> | null = null;

/** The ImageNet class index: "0" → ["n01440764", "tench"], … "999" → ["n15075141", "toilet_tissue"]. */
export function imagenetClassIndex(): Record<string, [string, string]> {
  classIndex ??= JSON.parse(readFileSync(IMAGENET_CLASS_INDEX_URL, 'utf8')) as Record<string, [string, string]>;
  return classIndex;
}

/**
 * Keras' decode_predictions: for each sample, the `top` (default 5) classes with the highest
 * scores, highest first, as [wnid, name, score].
 */
export function decodePredictions(preds: Tensor | ArrayLike<number>[], options: { top?: number } = {}): Prediction[][] {
  const top = options.top ?? 5;
  if (!Number.isInteger(top) || top < 1) throw new ConfigError(`decodePredictions: top must be a positive integer, got ${top}`);
  const rows = toRows(preds);
  const index = imagenetClassIndex();
  return rows.map((pred) => {
    const order = Array.from({ length: pred.length }, (_, i) => i);
    // Highest score first; among equal scores the higher index first (NumPy's argsort, reversed).
    order.sort((a, b) => pred[b] - pred[a] || b - a);
    return order.slice(0, top).map((i) => [...index[String(i)], pred[i]] as Prediction);
  });
}

function toRows(preds: Tensor | ArrayLike<number>[]): ArrayLike<number>[] {
  if (preds instanceof Tensor) {
    if (preds.rank !== 2 || preds.shape[1] !== 1000) throw shapeError(pyShape(preds.shape));
    const n = preds.shape[1];
    return Array.from({ length: preds.shape[0] }, (_, i) => preds.data.subarray(i * n, (i + 1) * n));
  }
  if (!Array.isArray(preds) || preds.some((p) => p?.length !== 1000)) throw shapeError(Array.isArray(preds) ? `(${preds.length}, ${preds[0]?.length ?? '?'})` : String(preds));
  return preds;
}

const shapeError = (shape: string) =>
  new ShapeError(`\`decode_predictions\` expects a batch of predictions (i.e. a 2D array of shape (samples, 1000)). Received array with shape: ${shape}`);

/** Python's repr of a str (single quotes unless the text has one and no double quote). */
function pyStr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  return quote + s.replace(/\\/g, '\\\\').replace(new RegExp(quote, 'g'), `\\${quote}`) + quote;
}

/** The shortest decimal that reads back as the same float32, written as NumPy writes a float32 (str(np.float32(x))). */
export function float32Repr(x: number): string {
  const f = Math.fround(x);
  if (!Number.isFinite(f)) return Number.isNaN(f) ? 'nan' : f > 0 ? 'inf' : '-inf';
  if (f === 0) return Object.is(f, -0) ? '-0.0' : '0.0';
  let digits = 1;
  while (digits < 9 && Math.fround(Number(f.toPrecision(digits))) !== f) digits++;
  const [mantissa, e] = f.toExponential(digits - 1).split('e');
  const exp = Number(e);
  const sign = mantissa.startsWith('-') ? '-' : '';
  const ds = mantissa.replace(/[-.]/g, '');
  // NumPy: positional for 1e-4 <= |x| < 1e6 (float32's cut-off; Python's floats switch at 1e16), else d.ddde±XX.
  if (Math.abs(f) < 1e-4 || Math.abs(f) >= 1e6) return `${sign}${ds[0]}${ds.length > 1 ? `.${ds.slice(1)}` : ''}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${ds}`;
  const whole = ds.slice(0, exp + 1).padEnd(exp + 1, '0');
  const frac = ds.slice(exp + 1);
  return `${sign}${whole}.${frac || '0'}`;
}

/**
 * One sample's decoded predictions as Python prints Keras' list of tuples (the scores as NumPy
 * prints float32 values; the tutorial's older NumPy printed more digits):
 * [('n07753592', 'banana', 0.85371387), ('n07720875', 'bell_pepper', 0.025211591)].
 */
export function formatPredictions(predictions: Prediction[]): string {
  return `[${predictions.map(([wnid, name, score]) => `(${pyStr(wnid)}, ${pyStr(name)}, ${float32Repr(score)})`).join(', ')}]`;
}

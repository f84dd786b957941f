/**
 * Model files from the command line:
 *
 *   layerwise convert in.h5 out.keras      any of .keras / .h5 / model.json / .lw to any other, or to .onnx
 *   layerwise summary model.keras          model.summary() of a model file (Keras 3, tf.keras, tfjs-layers, Layerwise)
 *
 * Loading checks the file first and never runs code from it (a Lambda layer is an error).
 */
import { extname } from 'node:path';
import { loadModel } from '@layerwise/core';
import '@layerwise/layers';
import type { Io } from '../common.js';

/** The format a model file name stands for, in messages. */
export function formatName(path: string): string {
  const lower = path.toLowerCase();
  if (lower.endsWith('.keras')) return 'Keras 3 .keras';
  if (lower.endsWith('.weights.h5')) return 'Keras 3 weights';
  if (lower.endsWith('.h5') || lower.endsWith('.hdf5')) return 'Keras 2 .h5';
  if (lower.endsWith('.json') || extname(lower) === '') return 'TensorFlow.js model.json';
  if (lower.endsWith('.onnx')) return 'ONNX';
  if (lower.endsWith('.lw')) return 'Layerwise .lw';
  return `'${extname(path)}'`;
}

export interface ConvertOptions {
  input: string;
  output: string;
  /** Keep the compile configuration and optimizer state (default true; ONNX never has them). */
  compile?: boolean;
}

export async function convert(options: ConvertOptions, io: Io): Promise<void> {
  const model = await loadModel(options.input, { compile: options.compile !== false });
  if (options.output.toLowerCase().endsWith('.onnx')) await model.export(options.output, { format: 'onnx' });
  else await model.save(options.output);
  const compiled = model.optimizer ? `, compiled (${model.optimizer.className}, ${model.loss?.name})` : '';
  io.stdout.write(
    `${options.input} (${formatName(options.input)}) → ${options.output} (${formatName(options.output)}): model '${model.name}', ` +
      `${model.layers.length} layers, ${model.countParams().toLocaleString('en-US')} parameters${compiled}\n`,
  );
}

export async function summarizeModelFile(path: string, io: Io): Promise<void> {
  const model = await loadModel(path, { compile: false });
  model.summary({ printFn: (text) => io.stdout.write(text.endsWith('\n') ? text : `${text}\n`) });
}

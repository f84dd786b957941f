/** model.export: an inference model for another runtime, written by the backend that knows the format. */
import { ConfigError } from '../errors.js';
import type { Model } from '../engine/model.js';
import { getBackend } from '../backend/registry.js';
import { buildExportGraph } from '../inference/inference-step.js';

/** Each export format and the backend that writes it. */
const EXPORTER: Record<string, string> = { onnx: 'onnx' };

/** `{ format: 'onnx' }` (the default) writes an ONNX file (through @layerwise/backend-onnx) whose outputs match `predict`. */
export async function exportModel(model: Model, path: string, options: { format?: string } = {}): Promise<void> {
  const format = options.format ?? 'onnx';
  if (!EXPORTER[format]) throw new ConfigError(`export: unknown format '${format}'. Supported: ${Object.keys(EXPORTER).join(', ')}`);
  const backend = await getBackend(EXPORTER[format]);
  if (!backend.exportGraph) throw new ConfigError(`export: backend '${backend.name}' cannot write '${format}' files`);
  await backend.exportGraph(buildExportGraph(model), path, format);
}

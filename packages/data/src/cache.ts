import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** Layerwise's own folder: $LAYERWISE_HOME, else ~/.layerwise (like Keras' ~/.keras). */
export function layerwiseHome(): string {
  const env = process.env.LAYERWISE_HOME;
  return env ? resolve(env) : join(homedir(), '.layerwise');
}

/**
 * Where dataset `name` is cached: <cacheDir>/datasets/<name>, where cacheDir defaults to
 * layerwiseHome() (Keras' cache_dir / cache_subdir layout).
 */
export function datasetCacheDir(name: string, cacheDir?: string): string {
  return join(cacheDir ? resolve(cacheDir) : layerwiseHome(), 'datasets', name);
}

/** Keras' dataset cache ($KERAS_HOME/datasets, else ~/.keras/datasets), read if present. */
export function kerasDatasetsDir(): string {
  const env = process.env.KERAS_HOME;
  return join(env ? resolve(env) : join(homedir(), '.keras'), 'datasets');
}

import { readFileSync } from 'node:fs';
import type { Layer } from '@layerwise/core';
import * as L from '@layerwise/layers';

/** A committed Keras fixture file (fixtures/keras/<name>.json), parsed. */
export function kerasFixture(name: string): any {
  return JSON.parse(readFileSync(new URL(`../../fixtures/keras/${name}.json`, import.meta.url), 'utf8'));
}

const camel = (s: string) => s.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** Keras' positional arguments per class; everything else goes in the options object. */
const POSITIONAL: Record<string, string[]> = {
  Conv2D: ['filters', 'kernel_size'],
  SeparableConv2D: ['filters', 'kernel_size'],
  Conv2DTranspose: ['filters', 'kernel_size'],
  DepthwiseConv2D: ['kernel_size'],
  ZeroPadding2D: ['padding'],
  Cropping2D: ['cropping'],
  Reshape: ['target_shape'],
  Permute: ['dims'],
  RepeatVector: ['n'],
  Rescaling: ['scale'],
};

/** The Layerwise twin of a Keras layer given by class name and Keras (snake_case) keyword arguments. */
export function layerFromKeras(className: string, kwargs: Record<string, unknown>): Layer {
  const positional = POSITIONAL[className] ?? [];
  const args = positional.map((k) => kwargs[k]);
  const options = Object.fromEntries(Object.entries(kwargs).filter(([k]) => !positional.includes(k)).map(([k, v]) => [camel(k), v]));
  const cls = (L as unknown as Record<string, new (...a: unknown[]) => Layer>)[className];
  return new cls(...args, options);
}

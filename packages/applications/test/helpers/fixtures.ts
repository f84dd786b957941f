// The committed Keras references (fixtures/zoo, written by scripts/fixtures/make_zoo_fixtures.py).
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import type { Model } from '@layerwise/core';
import { InceptionV3, MobileNetV2, ResNet50, VGG16, VGG19, Xception, type MobileNetV2Options } from '@layerwise/applications';

const dir = new URL('../../../../fixtures/zoo/', import.meta.url);
export const readFixture = <T>(name: string): T => {
  const bytes = readFileSync(new URL(name, dir));
  return JSON.parse((name.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8')) as T;
};

export type ModelKey = 'vgg16' | 'vgg19' | 'resnet50' | 'inception_v3' | 'xception' | 'mobilenet_v2';
export const BUILDERS: Record<ModelKey, (o: MobileNetV2Options) => Promise<Model>> = {
  vgg16: VGG16,
  vgg19: VGG19,
  resnet50: ResNet50,
  inception_v3: InceptionV3,
  xception: Xception,
  mobilenet_v2: MobileNetV2,
};
export const PREPROCESS_MODE: Record<ModelKey, 'caffe' | 'tf'> = {
  vgg16: 'caffe',
  vgg19: 'caffe',
  resnet50: 'caffe',
  inception_v3: 'tf',
  xception: 'tf',
  mobilenet_v2: 'tf',
};

/** Keras' keyword arguments as Layerwise options (include_top → includeTop …). */
export function optionsFrom(kwargs: Record<string, unknown>): MobileNetV2Options {
  return Object.fromEntries(Object.entries(kwargs).map(([k, v]) => [k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()), v]));
}

export const f32FromBase64 = (s: string) => {
  const b = Buffer.from(s, 'base64');
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
};

// preprocessInput bit-identical to Keras' NumPy path; decodePredictions and the shipped class index.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, ShapeError, Tensor } from '@layerwise/core';
import {
  IMAGENET_CLASS_INDEX_MD5, IMAGENET_CLASS_INDEX_URL, decodePredictions, float32Repr, formatPredictions, imagenetClassIndex, imagenetUtils, inceptionV3, mobilenetV2, preprocessInput, resnet50, vgg16, vgg19, xception,
} from '@layerwise/applications';
import { syntheticBatch } from './helpers/formula.js';
import { readFixture } from './helpers/fixtures.js';

const fixture = readFixture<{ image: [number, number, number]; modes: Record<'caffe' | 'tf' | 'torch', { sha256: string; channelsFirstSha256: string; values: number[] }> }>('preprocess.json');
const sha256 = (t: Tensor) => createHash('sha256').update(Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength)).digest('hex');

/** NHWC → NCHW. */
function toChannelsFirst(x: Tensor): Tensor {
  const [n, h, w, c] = x.shape;
  const out = new Float32Array(x.size);
  for (let b = 0; b < n; b++) for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) for (let k = 0; k < c; k++) out[((b * c + k) * h + i) * w + j] = x.data[((b * h + i) * w + j) * c + k];
  return new Tensor(out, [n, c, h, w], 'float32');
}

describe('preprocessInput equals Keras (fixtures/zoo/preprocess.json)', () => {
  const [k, h, w] = fixture.image;
  const images = syntheticBatch([k], h, w);
  it.each(['caffe', 'tf', 'torch'] as const)('mode %s, channels_last and channels_first, bit for bit', (mode) => {
    const y = preprocessInput(images, { mode });
    expect(Array.from(y.data.slice(0, 12))).toEqual(fixture.modes[mode].values);
    expect(sha256(y)).toBe(fixture.modes[mode].sha256);
    expect(sha256(preprocessInput(toChannelsFirst(images), { mode, dataFormat: 'channels_first' }))).toBe(fixture.modes[mode].channelsFirstSha256);
  });
  it('each model module uses the mode Keras uses, and the input is left alone', () => {
    const before = Array.from(images.data);
    for (const m of [vgg16, vgg19, resnet50]) expect(sha256(m.preprocessInput(images))).toBe(fixture.modes.caffe.sha256);
    for (const m of [inceptionV3, xception, mobilenetV2]) expect(sha256(m.preprocessInput(images))).toBe(fixture.modes.tf.sha256);
    expect(sha256(imagenetUtils.preprocessInput(images))).toBe(fixture.modes.caffe.sha256);
    expect(Array.from(images.data)).toEqual(before);
  });
  it('takes uint8 images and single images [h, w, 3]', () => {
    const u8 = new Tensor(Uint8Array.from(images.data), images.shape, 'uint8');
    expect(sha256(preprocessInput(u8, { mode: 'caffe' }))).toBe(fixture.modes.caffe.sha256);
    expect(sha256(preprocessInput(images.reshape(h, w, 3), { mode: 'tf' }))).toBe(fixture.modes.tf.sha256);
  });
  it("rejects what Keras rejects, with Keras' messages", () => {
    expect(() => preprocessInput(images, { mode: 'keras' as 'tf' })).toThrow(new ConfigError('Expected mode to be one of `caffe`, `tf` or `torch`. Received: mode=keras'));
    expect(() => preprocessInput(images, { dataFormat: 'nhwc' as 'channels_last' })).toThrow(/Expected data_format to be one of `channels_first` or `channels_last`. Received: data_format=nhwc/);
    expect(() => preprocessInput(Tensor.zeros([1, 4, 4, 4]), { mode: 'caffe' })).toThrow(ShapeError);
  });
});

describe('decodePredictions', () => {
  it("ships Keras' imagenet_class_index.json byte for byte (MD5 c2c37ea517e94d9795004a39431a14cb)", () => {
    const bytes = readFileSync(IMAGENET_CLASS_INDEX_URL);
    expect(createHash('md5').update(bytes).digest('hex')).toBe(IMAGENET_CLASS_INDEX_MD5);
    expect(IMAGENET_CLASS_INDEX_MD5).toBe('c2c37ea517e94d9795004a39431a14cb');
    const index = imagenetClassIndex();
    expect(Object.keys(index)).toHaveLength(1000);
    expect(index['954']).toEqual(['n07753592', 'banana']);
    expect(index['0']).toEqual(['n01440764', 'tench']);
  });

  it("prints what the tutorial's VGG16 program prints", () => {
    const preds = new Float32Array(1000);
    preds[954] = 0.85371387;
    preds[945] = 0.025211591;
    preds[902] = 0.0067475187;
    preds[1] = 0.001;
    const decoded = vgg16.decodePredictions(new Tensor(preds, [1, 1000]), { top: 3 });
    expect(decoded).toEqual([
      [
        ['n07753592', 'banana', Math.fround(0.85371387)],
        ['n07720875', 'bell_pepper', Math.fround(0.025211591)],
        ['n04579432', 'whistle', Math.fround(0.0067475187)],
      ],
    ]);
  });

  it('gives the top 5 of every sample by default, highest first (ties: the higher index first, as NumPy argsort reversed)', () => {
    const a = Array.from({ length: 1000 }, (_, i) => i / 1000);
    const b = Array.from({ length: 1000 }, () => 0.5);
    const [first, second] = decodePredictions([a, b]);
    expect(first.map((p) => p[0])).toEqual([999, 998, 997, 996, 995].map((i) => imagenetClassIndex()[String(i)][0]));
    expect(second.map((p) => p[1])).toEqual(['toilet_tissue', 'ear', 'bolete', 'hen-of-the-woods', 'earthstar']);
    expect(decodePredictions([a], { top: 1000 })[0]).toHaveLength(1000);
  });

  it("rejects anything but (samples, 1000), with Keras' message", () => {
    expect(() => decodePredictions(Tensor.zeros([1, 10]))).toThrow(
      new ShapeError('`decode_predictions` expects a batch of predictions (i.e. a 2D array of shape (samples, 1000)). Received array with shape: (1, 10)'),
    );
    expect(() => decodePredictions(Tensor.zeros([1000]))).toThrow(/Received array with shape: \(1000,\)/);
    expect(() => decodePredictions([new Array(1000).fill(0)], { top: 0 })).toThrow(ConfigError);
  });
});

describe('formatPredictions', () => {
  it("prints a sample's predictions as Python prints Keras' tuples", () => {
    expect(
      formatPredictions([
        ['n07753592', 'banana', Math.fround(0.85371387)],
        ['n07747607', 'orange', Math.fround(7.2348112e-6)],
        ['n12057211', "yellow_lady's_slipper", Math.fround(5.0941395e-7)],
      ]),
    ).toBe(`[('n07753592', 'banana', 0.85371387), ('n07747607', 'orange', 7.234811e-06), ('n12057211', "yellow_lady's_slipper", 5.0941395e-07)]`);
    // str(np.float32(x)) in NumPy 2.
    const cases: [number, string][] = [
      [0.5, '0.5'], [1, '1.0'], [0.0001, '1e-04'], [0.00011, '0.00011'], [1e-5, '1e-05'], [123.5, '123.5'], [999999, '999999.0'], [1234567, '1.234567e+06'],
      [1e20, '1e+20'], [-2.5e-7, '-2.5e-07'], [16777216, '1.6777216e+07'], [0.1, '0.1'], [0.025211591, '0.025211591'],
    ];
    expect(cases.map(([x]) => float32Repr(x))).toEqual(cases.map(([, s]) => s));
  });
});

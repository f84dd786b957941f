import { describe, expect, it } from 'vitest';
import { Input, ShapeError, formatShape, type Layer, type SymbolicTensor } from '@layerwise/core';
import {
  Add, BatchNormalization, Concatenate, Conv2D, Cropping2D, Dense, DepthwiseConv2D, Flatten, GlobalMaxPooling2D, LayerNormalization, MaxPooling2D,
  Permute, RepeatVector, Reshape, SeparableConv2D, Subtract, UpSampling2D, ZeroPadding2D,
} from '@layerwise/layers';

const input = (shape: number[]) => Input({ shape });
const call = (layer: Layer, x: SymbolicTensor | SymbolicTensor[]) => () => layer.apply(x);

describe('formatShape prints shapes as Python tuples, like Keras', () => {
  it.each([
    [[null, 3], '(None, 3)'],
    [[3], '(3,)'],
    [[null], '(None,)'],
    [[], '()'],
    [[null, 4, 4, 3], '(None, 4, 4, 3)'],
  ] as const)('%j → %s', (shape, text) => expect(formatShape([...shape])).toBe(text));
});

/** Each layer's inputSpec: a bad input is a ShapeError naming the layer, what it expects and the shape it got. */
describe('input specs are checked by the base class', () => {
  const cases: [string, () => unknown, RegExp][] = [
    ['Dense: rank >= 2', call(new Dense(2, { name: 'd' }), Input({ batchShape: [3] })), /Layer 'd' \(Dense\) expects inputs of rank >= 2; got shape \(3,\)/],
    ['Dense: a known last axis', call(new Dense(2, { name: 'd2' }), Input({ shape: [null] })), /Layer 'd2' \(Dense\): axis -1 of the inputs must have a known size; got shape \(None, None\)/],
    ['Conv2D: rank 4', call(new Conv2D(4, 3, { name: 'c' }), input([8])), /Layer 'c' \(Conv2D\) expects inputs of rank 4 \(batch, height, width, channels\); got shape \(None, 8\)/],
    ['Conv2D channels_first: layout', call(new Conv2D(4, 3, { name: 'cf', dataFormat: 'channels_first' }), input([3, 8])), /rank 4 \(batch, channels, height, width\); got shape \(None, 3, 8\)/],
    ['DepthwiseConv2D: known channels', call(new DepthwiseConv2D(3, { name: 'dw' }), Input({ shape: [5, 5, null] })), /Layer 'dw' \(DepthwiseConv2D\): axis -1 of the inputs must have a known size/],
    ['SeparableConv2D: rank 4', call(new SeparableConv2D(2, 3, { name: 'sep' }), input([5, 5])), /Layer 'sep' \(SeparableConv2D\) expects inputs of rank 4/],
    ['MaxPooling2D: rank 4', call(new MaxPooling2D({ name: 'pool' }), input([10])), /Layer 'pool' \(MaxPooling2D\) expects inputs of rank 4/],
    ['GlobalMaxPooling2D: rank 4', call(new GlobalMaxPooling2D({ name: 'gmp' }), input([4, 4])), /Layer 'gmp' \(GlobalMaxPooling2D\) expects inputs of rank 4/],
    ['ZeroPadding2D: rank 4', call(new ZeroPadding2D(1, { name: 'zp' }), input([4])), /Layer 'zp' \(ZeroPadding2D\) expects inputs of rank 4/],
    ['UpSampling2D: rank 4', call(new UpSampling2D({ name: 'up' }), input([4])), /Layer 'up' \(UpSampling2D\) expects inputs of rank 4/],
    ['Cropping2D: rank 4', call(new Cropping2D(1, { name: 'crop' }), input([4])), /Layer 'crop' \(Cropping2D\) expects inputs of rank 4/],
    ['Cropping2D: nothing left', call(new Cropping2D(2, { name: 'crop2' }), input([4, 4, 1])), /Layer 'crop2' \(Cropping2D\): cropping \[\[2,2\],\[2,2\]\] leaves nothing of the input \(None, 4, 4, 1\)/],
    ['Permute: rank', call(new Permute([2, 1], { name: 'perm' }), input([2, 3, 4])), /Layer 'perm' \(Permute\) expects inputs of rank 3; got shape \(None, 2, 3, 4\)/],
    ['RepeatVector: rank 2', call(new RepeatVector(3, { name: 'rep' }), input([2, 2])), /Layer 'rep' \(RepeatVector\) expects inputs of rank 2; got shape \(None, 2, 2\)/],
    ['Reshape: same size', call(new Reshape([5], { name: 'rs' }), input([2, 3])), /Layer 'rs' \(Reshape\): total size of the new array must be unchanged, input_shape = \(2, 3\), output_shape = \(5,\)/],
    ['Flatten: a batch axis', call(new Flatten({ name: 'fl' }), Input({ batchShape: [] })), /Layer 'fl' \(Flatten\) expects inputs of rank >= 1; got shape \(\)/],
    ['BatchNormalization: axis in range', call(new BatchNormalization({ axis: 3, name: 'bn' }), input([4])), /Layer 'bn' \(BatchNormalization\): axis 3 is invalid for inputs of rank 2; got shape \(None, 4\)/],
    ['LayerNormalization: known axis', call(new LayerNormalization({ name: 'ln' }), Input({ shape: [null] })), /Layer 'ln' \(LayerNormalization\): axis -1 of the inputs must have a known size/],
    ['Add: at least 2 inputs', call(new Add({ name: 'add' }), [input([3])]), /Layer 'add' \(Add\) should be called on at least 2 inputs; received 1 input: \(None, 3\)/],
    ['Subtract: exactly 2 inputs', call(new Subtract({ name: 'sub' }), [input([3]), input([3]), input([3])]), /Layer 'sub' \(Subtract\) should be called on exactly 2 inputs; received 3 inputs/],
    ['Add: same shapes', call(new Add({ name: 'add2' }), [input([3]), input([4])]), /Layer 'add2' \(Add\): inputs must have the same shape; received shapes \(None, 3\), \(None, 4\)/],
    ['Concatenate: at least 2 inputs', call(new Concatenate({ name: 'cat' }), [input([3])]), /Layer 'cat' \(Concatenate\) should be called on at least 2 inputs/],
    ['Dense: one input', call(new Dense(2, { name: 'd3' }), [input([3]), input([3])]), /Layer 'd3' \(Dense\) should be called on exactly 1 input; received 2 inputs: \(None, 3\), \(None, 3\)/],
  ];
  it.each(cases)('%s', (_, run, message) => {
    expect(run).toThrow(ShapeError);
    expect(run).toThrow(message);
  });

  it('a built layer keeps the sizes it was built for (Keras narrows input_spec in build)', () => {
    const dense = new Dense(2, { name: 'built' });
    dense.apply(input([4]));
    expect(() => dense.apply(input([5]))).toThrow(/Layer 'built' \(Dense\) expects axis -1 of the inputs to have size 4; got shape \(None, 5\)/);
    const bn = new BatchNormalization({ name: 'bn_built' });
    bn.apply(input([6, 6, 3]));
    expect(() => bn.apply(input([6, 6, 4]))).toThrow(/Layer 'bn_built' \(BatchNormalization\) expects axis -1 of the inputs to have size 3; got shape \(None, 6, 6, 4\)/);
    expect(() => bn.apply(input([3]))).toThrow(/expects inputs of rank 4; got shape \(None, 3\)/);
    const conv = new Conv2D(2, 1, { name: 'conv_built' });
    conv.apply(input([4, 4, 3]));
    expect(() => conv.apply(input([4, 4, 2]))).toThrow(/Layer 'conv_built' \(Conv2D\) expects axis -1 of the inputs to have size 3; got shape \(None, 4, 4, 2\)/);
  });

  it('a one-input layer called on a list of one takes that tensor, as in Keras', () => {
    expect(new Dense(2).apply([input([3])]).shape).toEqual([null, 2]);
  });
});

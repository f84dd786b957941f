import { describe, expect, it } from 'vitest';
import { ShapeError, ConfigError, Tensor, concatenate, stack, tensor } from '@layerwise/core';

/**
 * Issue 15, item 4: the numpy basics a port needs on host tensors — x[i] (`at`), np.stack and
 * np.concatenate — with numpy's results (written out by hand from numpy's definitions).
 */
const a = tensor([[1, 2, 3], [4, 5, 6]]); // shape [2, 3]
const b = tensor([[7, 8, 9], [10, 11, 12]]);

describe('at(i): one sample, like x[i]', () => {
  it.each([
    [0, [1, 2, 3]],
    [1, [4, 5, 6]],
    [-1, [4, 5, 6]],
    [-2, [1, 2, 3]],
  ])('a.at(%i)', (i, row) => {
    const t = a.at(i);
    expect(t.shape).toEqual([3]);
    expect(t.toArray()).toEqual(row);
  });
  it('a sample of an image batch keeps the image shape, as a view', () => {
    const batch = Tensor.zeros([4, 2, 2, 3]);
    const img = batch.at(2);
    expect(img.shape).toEqual([2, 2, 3]);
    img.data[0] = 5;
    expect(batch.get(2, 0, 0, 0)).toBe(5);
  });
  it.each([2, -3, 0.5])('out of range or not an integer: at(%s) is a ShapeError with numpy\'s words', (i) => {
    expect(() => a.at(i)).toThrow(ShapeError);
    expect(() => a.at(i)).toThrow(`at: index ${i} is out of bounds for axis 0 with size 2`);
  });
});

describe('concatenate and stack, as numpy', () => {
  it.each([
    [0, [4, 3], [[1, 2, 3], [4, 5, 6], [7, 8, 9], [10, 11, 12]]],
    [1, [2, 6], [[1, 2, 3, 7, 8, 9], [4, 5, 6, 10, 11, 12]]],
    [-1, [2, 6], [[1, 2, 3, 7, 8, 9], [4, 5, 6, 10, 11, 12]]],
  ])('concatenate([a, b], %i)', (axis, shape, values) => {
    const t = concatenate([a, b], axis);
    expect(t.shape).toEqual(shape);
    expect(t.toArray()).toEqual(values);
  });
  it('concatenate of different lengths along the axis', () => {
    expect(concatenate([tensor([1, 2]), tensor([3]), tensor([4, 5, 6])]).toArray()).toEqual([1, 2, 3, 4, 5, 6]);
  });
  it.each([
    [0, [2, 2, 3], [[[1, 2, 3], [4, 5, 6]], [[7, 8, 9], [10, 11, 12]]]],
    [1, [2, 2, 3], [[[1, 2, 3], [7, 8, 9]], [[4, 5, 6], [10, 11, 12]]]],
    [2, [2, 3, 2], [[[1, 7], [2, 8], [3, 9]], [[4, 10], [5, 11], [6, 12]]]],
    [-1, [2, 3, 2], [[[1, 7], [2, 8], [3, 9]], [[4, 10], [5, 11], [6, 12]]]],
  ])('stack([a, b], %i)', (axis, shape, values) => {
    const t = stack([a, b], axis);
    expect(t.shape).toEqual(shape);
    expect(t.toArray()).toEqual(values);
  });
  it('stack of samples rebuilds the batch: stack(x.at(0), x.at(1), …) equals x', () => {
    const x = tensor([[[1, 2], [3, 4]], [[5, 6], [7, 8]], [[9, 10], [11, 12]]]);
    const rebuilt = stack([0, 1, 2].map((i) => x.at(i)));
    expect(rebuilt.shape).toEqual(x.shape);
    expect(Array.from(rebuilt.data)).toEqual(Array.from(x.data));
  });
  it('keeps the dtype', () => {
    expect(concatenate([a.astype('int32'), b.astype('int32')]).dtype).toBe('int32');
  });
  it.each([
    ['concatenate, shapes that differ off the axis', () => concatenate([a, tensor([[1, 2]])]), ShapeError, /all dimensions except axis 0 must match/],
    ['stack, different shapes', () => stack([a, tensor([[1, 2]])]), ShapeError, /stack: all input arrays must have the same shape/],
    ['an axis out of range', () => concatenate([a, b], 2), ShapeError, /axis 2 is out of bounds for 2 dimension/],
    ['dtypes that differ', () => concatenate([a, b.astype('int32')]), ConfigError, /element 1 has dtype int32, element 0 has float32/],
    ['an empty list', () => stack([]), ConfigError, /need a non-empty list of Tensors/],
  ])('%s: a named error', (_what, call, type, message) => {
    expect(call).toThrow(type);
    expect(call).toThrow(message);
  });
});

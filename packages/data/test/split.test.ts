import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, setSeed, Tensor } from '@layerwise/core';
import { trainTestSplit } from '@layerwise/data';

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const x = new Tensor(Float32Array.from(range(20).flatMap((i) => [2 * i, 2 * i + 0.5])), [20, 2]);
const y = new Tensor(Int32Array.from(range(20)), [20]);

afterEach(() => setSeed(1234));

describe('trainTestSplit (scikit-learn train_test_split)', () => {
  it('defaults: testSize 0.25 rounded up, shuffled, rows kept together, [xTrain, xTest, yTrain, yTest]', () => {
    const [xTrain, xTest, yTrain, yTest] = trainTestSplit(x, y, { seed: 0 });
    expect([xTrain.shape, xTest.shape, yTrain.shape, yTest.shape]).toEqual([[15, 2], [5, 2], [15], [5]]);
    for (const [xs, ys] of [[xTrain, yTrain], [xTest, yTest]])
      for (let i = 0; i < ys.size; i++) expect(xs.get(i, 0)).toBe(ys.data[i] * 2);
    expect([...yTrain.data, ...yTest.data].sort((a, b) => a - b)).toEqual(range(20));
    expect([...yTrain.data]).not.toEqual(range(15)); // shuffled
  });

  it('sizes: fractions round test up and train down, integers are counts, either or both', () => {
    const n = (o: object) => trainTestSplit(y, o as never).map((t) => t.size);
    expect(n({ testSize: 0.33 })).toEqual([13, 7]); // ceil(6.6)
    expect(n({ testSize: 3 })).toEqual([17, 3]);
    expect(n({ trainSize: 0.51 })).toEqual([10, 10]); // floor(10.2)
    expect(n({ trainSize: 5, testSize: 4 })).toEqual([5, 4]);
    expect(() => n({ testSize: 20 })).toThrow(/testSize=20 should be either positive and smaller than the number of samples 20/);
    expect(() => n({ testSize: 0.7, trainSize: 0.6 })).toThrow(ConfigError);
    expect(() => trainTestSplit(x, new Tensor(Int32Array.from([1, 2]), [2]))).toThrow(/inconsistent numbers of samples: \[20, 2\]/);
  });

  it('shuffle false: the first samples train, the next ones test', () => {
    const [a, b] = trainTestSplit(y, { shuffle: false, testSize: 5 });
    expect([[...a.data], [...b.data]]).toEqual([range(15), range(5).map((i) => i + 15)]);
    expect(() => trainTestSplit(y, { shuffle: false, stratify: y })).toThrow(/not implemented for shuffle=false/);
  });

  it('a seed repeats the split; without one the global generator (setSeed) does', () => {
    expect(trainTestSplit(y, { seed: 5 })[1].data).toEqual(trainTestSplit(y, { seed: 5 })[1].data);
    setSeed(9);
    const a = trainTestSplit(y)[1].data;
    setSeed(9);
    expect(trainTestSplit(y)[1].data).toEqual(a);
  });

  it('stratify keeps class proportions in both parts', () => {
    // 30 of class 0, 10 of class 1, 20 of class 2.
    const labels = new Tensor(Int32Array.from([...Array(30).fill(0), ...Array(10).fill(1), ...Array(20).fill(2)]), [60]);
    const idx = new Tensor(Int32Array.from(range(60)), [60]);
    for (const seed of [0, 1, 2]) {
      const [iTrain, iTest, lTrain, lTest] = trainTestSplit(idx, labels, { testSize: 0.25, stratify: labels, seed });
      const count = (t: Tensor, c: number) => [...t.data].filter((v) => v === c).length;
      // 45 train: 22.5, 7.5, 15 → one of the two halves rounds up (at random), the test part takes the rest.
      expect([[7, 3, 5], [8, 2, 5]]).toContainEqual([count(lTest, 0), count(lTest, 1), count(lTest, 2)]);
      expect(lTrain.size + lTest.size).toBe(60);
      for (let i = 0; i < iTrain.size; i++) expect(lTrain.data[i]).toBe(labels.data[iTrain.data[i]]);
    }
    const lonely = new Tensor(Int32Array.from([0, 0, 0, 1]), [4]);
    expect(() => trainTestSplit(lonely, { stratify: lonely, testSize: 2 })).toThrow(/least populated class .* has only 1 member/);
  });

  it('splits plain arrays too (file names, labels)', () => {
    const names = range(8).map((i) => `img${i}.jpg`);
    const [trainNames, testNames] = trainTestSplit(names, { testSize: 2, seed: 1 });
    expect([trainNames.length, testNames.length]).toEqual([6, 2]);
    expect([...trainNames, ...testNames].sort()).toEqual([...names].sort());
  });
});

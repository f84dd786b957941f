/**
 * scikit-learn's train_test_split, which the tutorial's image_utils.py uses:
 *
 *   const [xTrain, xTest, yTrain, yTest] = trainTestSplit(x, y, { testSize: 0.25, seed: 0 });
 */
import { checkOptions, keysOf, ConfigError, Generator, rng, Tensor } from '@layerwise/core';

export interface TrainTestSplitOptions {
  /**
   * A fraction in (0, 1) of the samples (rounded up, as scikit-learn), or a count. Default
   * 0.25 when trainSize is not given either, else the complement of trainSize.
   */
  testSize?: number;
  /** A fraction in (0, 1) (rounded down) or a count. Default: the complement of testSize. */
  trainSize?: number;
  /** Shuffle before splitting (default true). Without it the first samples train, the next test. */
  shuffle?: boolean;
  /** Seed for the shuffle (scikit-learn's random_state); default: core's global generator (setSeed). */
  seed?: number;
  /** Class labels (one per sample): the split keeps their proportions in both parts. Needs shuffle. */
  stratify?: Tensor | ArrayLike<number | string>;
}

/** What trainTestSplit accepts: Tensors (split along axis 0) or plain arrays. */
export type Splittable = Tensor | readonly unknown[];

const lengthOf = (a: Splittable) => (a instanceof Tensor ? (a.rank === 0 ? -1 : a.shape[0]) : a.length);

/** Sizes as scikit-learn's _validate_shuffle_split computes them. */
function splitSizes(n: number, testSize: number | undefined, trainSize: number | undefined): [nTrain: number, nTest: number] {
  if (testSize === undefined && trainSize === undefined) testSize = 0.25;
  const check = (v: number | undefined, name: string) => {
    if (v === undefined) return;
    const isInt = Number.isInteger(v) && !(v > 0 && v < 1);
    if (isInt ? v <= 0 || v >= n : !(v > 0 && v < 1))
      throw new ConfigError(
        `trainTestSplit: ${name}=${v} should be either positive and smaller than the number of samples ${n} or a float in the (0, 1) range`,
      );
  };
  check(testSize, 'testSize');
  check(trainSize, 'trainSize');
  const frac = (v: number) => !Number.isInteger(v);
  if (testSize !== undefined && trainSize !== undefined && frac(testSize) && frac(trainSize) && testSize + trainSize > 1)
    throw new ConfigError(`trainTestSplit: testSize + trainSize = ${testSize + trainSize} should be in the (0, 1] range; reduce them`);
  let nTest = testSize === undefined ? undefined : frac(testSize) ? Math.ceil(testSize * n) : testSize;
  let nTrain = trainSize === undefined ? undefined : frac(trainSize) ? Math.floor(trainSize * n) : trainSize;
  if (nTrain === undefined) nTrain = n - (nTest as number);
  else if (nTest === undefined) nTest = n - nTrain;
  if (nTrain + (nTest as number) > n)
    throw new ConfigError(`trainTestSplit: the sum of trainSize and testSize = ${nTrain + (nTest as number)} should be smaller than the number of samples ${n}; reduce them`);
  if (nTrain === 0)
    throw new ConfigError(`trainTestSplit: with n_samples=${n}, testSize=${testSize} and trainSize=${trainSize}, the training set would be empty; adjust the sizes`);
  return [nTrain, nTest as number];
}

/** scikit-learn's _approximate_mode: per-class draws that add up to nDraws, ties broken at random. */
function approximateMode(counts: number[], nDraws: number, gen: Generator): number[] {
  const total = counts.reduce((a, b) => a + b, 0);
  const continuous = counts.map((c) => (c / total) * nDraws);
  const floored = continuous.map(Math.floor);
  let need = nDraws - floored.reduce((a, b) => a + b, 0);
  if (need > 0) {
    const remainder = continuous.map((c, i) => c - floored[i]);
    const values = [...new Set(remainder)].sort((a, b) => b - a);
    for (const value of values) {
      const inds = remainder.flatMap((r, i) => (r === value ? [i] : []));
      const take = Math.min(inds.length, need);
      const perm = gen.permutation(inds.length);
      for (let j = 0; j < take; j++) floored[inds[perm[j]]] += 1;
      need -= take;
      if (need === 0) break;
    }
  }
  return floored;
}

function take(a: Splittable, idx: ArrayLike<number>): Splittable {
  if (a instanceof Tensor) return a.take(idx);
  return Array.from(idx, (i) => a[i]);
}

const trainTestSplitKeys = keysOf<TrainTestSplitOptions>()({ testSize: true, trainSize: true, shuffle: true, seed: true, stratify: true });

/**
 * Splits arrays into random train and test subsets, like scikit-learn's
 * `train_test_split(*arrays, test_size=, train_size=, random_state=, shuffle=, stratify=)`.
 * Returns `[aTrain, aTest, bTrain, bTest, …]`. Every array must have the same length (axis 0).
 * With `stratify`, each class keeps its share in both parts (scikit-learn's
 * StratifiedShuffleSplit allocation). The shuffle uses Layerwise's generator, so the same seed
 * gives the same split here every time, but not the same split as numpy's.
 */
export function trainTestSplit(...args: [...Tensor[], TrainTestSplitOptions] | Tensor[]): Tensor[];
export function trainTestSplit<T>(...args: [...(readonly T[])[], TrainTestSplitOptions] | (readonly T[])[]): T[][];
export function trainTestSplit(...args: (Splittable | TrainTestSplitOptions)[]): Splittable[];
export function trainTestSplit(...args: (Splittable | TrainTestSplitOptions)[]): Splittable[] {
  const last = args[args.length - 1];
  const hasOptions = last !== undefined && !(last instanceof Tensor) && !Array.isArray(last) && typeof last === 'object';
  const options = checkOptions('trainTestSplit', (hasOptions ? last : {}) as TrainTestSplitOptions, trainTestSplitKeys);
  const arrays = (hasOptions ? args.slice(0, -1) : args) as Splittable[];
  if (arrays.length === 0) throw new ConfigError('trainTestSplit: at least one array required as input');
  const lengths = arrays.map(lengthOf);
  if (lengths.some((l) => l !== lengths[0]) || lengths[0] < 0)
    throw new ConfigError(`trainTestSplit: found input variables with inconsistent numbers of samples: [${lengths.join(', ')}]`);
  const n = lengths[0];
  const { shuffle = true, stratify } = options;
  const [nTrain, nTest] = splitSizes(n, options.testSize, options.trainSize);
  let trainIdx: Int32Array;
  let testIdx: Int32Array;
  if (!shuffle) {
    if (stratify !== undefined) throw new ConfigError('trainTestSplit: stratified train/test split is not implemented for shuffle=false');
    trainIdx = Int32Array.from({ length: nTrain }, (_, i) => i);
    testIdx = Int32Array.from({ length: nTest }, (_, i) => nTrain + i);
  } else {
    const gen = options.seed !== undefined ? new Generator(options.seed) : rng();
    if (stratify === undefined) {
      const perm = gen.permutation(n);
      testIdx = perm.slice(0, nTest);
      trainIdx = perm.slice(nTest, nTest + nTrain);
    } else {
      const labels: ArrayLike<number | string> = stratify instanceof Tensor ? stratify.data : stratify;
      if (labels.length !== n) throw new ConfigError(`trainTestSplit: stratify has ${labels.length} labels for ${n} samples`);
      // Classes in sorted order (np.unique), members in sample order.
      const byClass = new Map<number | string, number[]>();
      for (let i = 0; i < n; i++) {
        const key = labels[i];
        let members = byClass.get(key);
        if (!members) byClass.set(key, (members = []));
        members.push(i);
      }
      const classes = [...byClass.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      const counts = classes.map((c) => (byClass.get(c) as number[]).length);
      const smallest = Math.min(...counts);
      if (smallest < 2)
        throw new ConfigError(
          `trainTestSplit: the least populated class in stratify (${String(classes[counts.indexOf(smallest)])}) has only 1 member, which is too few. The minimum number of groups for any class cannot be less than 2.`,
        );
      if (nTrain < classes.length) throw new ConfigError(`trainTestSplit: the train size = ${nTrain} should be greater or equal to the number of classes = ${classes.length}`);
      if (nTest < classes.length) throw new ConfigError(`trainTestSplit: the test size = ${nTest} should be greater or equal to the number of classes = ${classes.length}`);
      const nI = approximateMode(counts, nTrain, gen);
      const tI = approximateMode(counts.map((c, i) => c - nI[i]), nTest, gen);
      const train: number[] = [];
      const test: number[] = [];
      classes.forEach((c, i) => {
        const members = byClass.get(c) as number[];
        const perm = gen.permutation(members.length);
        for (let j = 0; j < nI[i]; j++) train.push(members[perm[j]]);
        for (let j = nI[i]; j < nI[i] + tI[i]; j++) test.push(members[perm[j]]);
      });
      const trainPerm = gen.permutation(train.length);
      const testPerm = gen.permutation(test.length);
      trainIdx = Int32Array.from(trainPerm, (p) => train[p]);
      testIdx = Int32Array.from(testPerm, (p) => test[p]);
    }
  }
  const out: Splittable[] = [];
  for (const a of arrays) out.push(take(a, trainIdx), take(a, testIdx));
  return out;
}

/**
 * The tutorial's image_utils.py (section 2.5), in Layerwise:
 *
 *   def load_images(dirA, dirB):
 *       rowsA, labelsA = to_array(dirA, [1])
 *       rowsB, labelsB = to_array(dirB, [0])
 *       data = np.r_[rowsA, rowsB]
 *       label = np.r_[labelsA, labelsB]
 *       return train_test_split(data, label)
 *
 *   def to_array(dir, label):
 *       for f in os.listdir(dir):
 *           if f.startswith(".") == False:
 *               row = img_to_array(load_img(dir + "/" + f))
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DataError, Tensor } from '@layerwise/core';
import { imgToArray, loadImg, trainTestSplit } from '@layerwise/data';

/** Every image in `dir` as a float32 [n, h, w, 3] array, with `label` for each (skips dot-files, as the tutorial does). */
export async function toArray(dir: string, label: number): Promise<{ rows: Tensor; labels: Tensor }> {
  const files = readdirSync(dir)
    .filter((f) => !f.startsWith('.'))
    .sort();
  if (!files.length) throw new DataError(`loadImages: no images in '${dir}'`);
  const arrays: Tensor[] = [];
  for (const f of files) arrays.push(imgToArray(await loadImg(join(dir, f))));
  const [h, w, c] = arrays[0].shape;
  arrays.forEach((a, i) => {
    if (a.shape[0] !== h || a.shape[1] !== w || a.shape[2] !== c)
      throw new DataError(`loadImages: '${join(dir, files[i])}' is ${a.shape.join('×')} but '${join(dir, files[0])}' is ${h}×${w}×${c}; all images must have one size`);
  });
  const rows = Tensor.zeros([arrays.length, h, w, c]);
  arrays.forEach((a, i) => rows.data.set(a.data, i * a.size));
  return { rows, labels: Tensor.full([arrays.length], label) };
}

/** load_images(dirA, dirB): dirA's images labelled 1, dirB's 0, split 75/25 like sklearn's train_test_split → [xTrain, xTest, yTrain, yTest]. */
export async function loadImages(dirA: string, dirB: string, options: { seed?: number } = {}): Promise<[Tensor, Tensor, Tensor, Tensor]> {
  const a = await toArray(dirA, 1);
  const b = await toArray(dirB, 0);
  if (a.rows.shape.slice(1).join() !== b.rows.shape.slice(1).join())
    throw new DataError(`loadImages: images in '${dirA}' (${a.rows.shape.slice(1).join('×')}) and '${dirB}' (${b.rows.shape.slice(1).join('×')}) differ in size`);
  const data = concatRows(a.rows, b.rows);
  const label = concatRows(a.labels, b.labels);
  return trainTestSplit(data, label, { seed: options.seed }) as [Tensor, Tensor, Tensor, Tensor];
}

/** np.r_[a, b] for arrays of the same row shape. */
function concatRows(a: Tensor, b: Tensor): Tensor {
  const out = Tensor.zeros([a.shape[0] + b.shape[0], ...a.shape.slice(1)], a.dtype);
  out.data.set(a.data, 0);
  out.data.set(b.data, a.size);
  return out;
}

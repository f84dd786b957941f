/**
 * `layerwise augment photo.jpg …` — section 3.1: ImageDataGenerator on one photo.
 *
 *   sample = img_to_array(load_img(src_file))
 *   samples = np.array([sample])
 *   datagen = ImageDataGenerator(rotation_range=30)
 *   it = datagen.flow(samples)
 *   array_to_img(it.next()[0]).save(dest_file)
 *
 * With --count N --dest-dir DIR it writes DIR/pic_01.jpg … as the tutorial's batch program does.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Tensor } from '@layerwise/core';
import { arrayToImg, imgToArray, loadImg, saveImg } from '@layerwise/data';
import { ImageDataGenerator, type ImageDataGeneratorOptions } from '@layerwise/augment';
import { say, setup, type CommonOptions, type Io } from '../common.js';

export interface AugmentOptions extends CommonOptions {
  /** The photo to augment. */
  src: string;
  /** One augmented image to this file. */
  out?: string;
  /** Or this many, as DIR/pic_01.jpg … */
  count?: number;
  destDir?: string;
  generator: ImageDataGeneratorOptions;
}

export async function augment(options: AugmentOptions, io: Io): Promise<string[]> {
  await setup(options);
  const sample = imgToArray(await loadImg(options.src));
  const samples = sample.reshape([1, ...sample.shape]);
  const datagen = new ImageDataGenerator(options.generator);
  const written: string[] = [];
  const one = async (dest: string, seed: number | undefined) => {
    const it = datagen.flow(samples, null, seed === undefined ? {} : { seed });
    const batch = it.next() as Tensor;
    await saveImg(dest, arrayToImg(batch.slice(0, 1).reshape(sample.shape)));
    written.push(dest);
  };
  if (options.count) {
    const dir = options.destDir ?? 'dest';
    if (!existsSync(dir)) mkdirSync(dir, { recursive: true });
    const digits = Math.max(2, String(options.count).length);
    for (let i = 1; i <= options.count; i++) await one(join(dir, `pic_${String(i).padStart(digits, '0')}.jpg`), options.seed === undefined ? undefined : options.seed + i);
    say(io, `wrote ${options.count} augmented images to ${dir}/`);
  } else {
    await one(options.out ?? 'augmented.jpg', options.seed);
    say(io, `wrote ${written[0]}`);
  }
  return written;
}

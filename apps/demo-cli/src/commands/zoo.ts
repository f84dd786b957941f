/**
 * `layerwise predict | summary | plot-model --model M` — section 4.2's pretrained ImageNet models.
 *
 *   model = VGG16(weights='imagenet')
 *   image = img_to_array(load_img(file, target_size=(224, 224)))
 *   images = preprocess_input(np.array([image]))
 *   preds = model.predict(images)
 *   print('Predicted:', decode_predictions(preds, top=3)[0])
 *
 *   model.summary()
 *   plot_model(model, to_file='vgg16_model.png', show_shapes=True, show_layer_names=True)
 */
import type { Model, Tensor } from '@layerwise/core';
import { imgToArray, loadImg } from '@layerwise/data';
import { inceptionV3, mobilenetV2, resnet50, vgg16, vgg19, xception, formatPredictions, type ApplicationOptions } from '@layerwise/applications';
import { setup, say, type CommonOptions, type Io } from '../common.js';

interface ZooEntry {
  build: (options: ApplicationOptions) => Promise<Model>;
  /** The default (ImageNet) input size: 224 or 299. */
  size: number;
  preprocessInput: (x: Tensor) => Tensor;
  decodePredictions: typeof vgg16.decodePredictions;
}

/** The CLI's model names (keras.applications' module names without underscores) → the module. */
export const ZOO: Record<string, ZooEntry> = {
  vgg16: { build: vgg16.VGG16, size: 224, preprocessInput: vgg16.preprocessInput, decodePredictions: vgg16.decodePredictions },
  vgg19: { build: vgg19.VGG19, size: 224, preprocessInput: vgg19.preprocessInput, decodePredictions: vgg19.decodePredictions },
  resnet50: { build: resnet50.ResNet50, size: 224, preprocessInput: resnet50.preprocessInput, decodePredictions: resnet50.decodePredictions },
  inceptionv3: { build: inceptionV3.InceptionV3, size: 299, preprocessInput: inceptionV3.preprocessInput, decodePredictions: inceptionV3.decodePredictions },
  xception: { build: xception.Xception, size: 299, preprocessInput: xception.preprocessInput, decodePredictions: xception.decodePredictions },
  mobilenetv2: { build: mobilenetV2.MobileNetV2, size: 224, preprocessInput: mobilenetV2.preprocessInput, decodePredictions: mobilenetV2.decodePredictions },
};
export const ZOO_MODELS = Object.keys(ZOO);

export interface PredictOptions extends Pick<CommonOptions, 'backend'> {
  model: string;
  /** The photos; one "Predicted: […]" line each. */
  files: string[];
  /** 'imagenet' (Keras' file, downloaded into Keras' cache) or a weights file (.h5 / .weights.h5). */
  weights?: string;
  /** decode_predictions' top (default 3, as the tutorial). */
  top?: number;
}

/** The tutorial's prediction program: load, resize, preprocess_input, predict, decode_predictions. */
export async function predict(options: PredictOptions, io: Io): Promise<string[][]> {
  await setup(options);
  const zoo = ZOO[options.model];
  const model = await zoo.build({ weights: options.weights ?? 'imagenet' });
  const lines: string[][] = [];
  for (const file of options.files) {
    const image = imgToArray(await loadImg(file, { targetSize: [zoo.size, zoo.size] }));
    const images = zoo.preprocessInput(image.reshape(1, zoo.size, zoo.size, 3)); // np.array([image])
    const preds = await model.predict(images, { verbose: 0 });
    const decoded = zoo.decodePredictions(preds, { top: options.top ?? 3 })[0];
    say(io, `${options.files.length > 1 ? `${file}: ` : ''}Predicted: ${formatPredictions(decoded)}`);
    lines.push(decoded.map((p) => p[0]));
  }
  return lines;
}

export interface ZooModelOptions {
  model: string;
}

/** model.summary(): the layers are the same whatever the weights, so none are loaded. */
export async function summary(options: ZooModelOptions, io: Io): Promise<void> {
  const model = await ZOO[options.model].build({ weights: null });
  // Keras (Rich) fits the table to the terminal it prints on, and uses 80 columns in a pipe.
  const columns = (io.stdout as { columns?: number }).columns;
  model.summary({ printFn: (text: string) => say(io, text), terminalColumns: io.stdout.isTTY && columns ? columns : 80 });
}

export interface PlotZooOptions extends ZooModelOptions {
  out?: string;
  /** show_layer_names (the tutorial's VGG16 picture has them; its InceptionV3 and ResNet50 pictures do not). */
  layerNames?: boolean;
}

/** plot_model(model, to_file=…, show_shapes=True, show_layer_names=…). */
export async function plotZooModel(options: PlotZooOptions, io: Io): Promise<string> {
  const model = await ZOO[options.model].build({ weights: null });
  const out = options.out ?? `${options.model}_model.png`;
  const { plotModel } = await import('@layerwise/plot');
  await plotModel(model, { toFile: out, showShapes: true, showLayerNames: options.layerNames === true });
  say(io, `wrote ${out} (${model.layers.length} layers)`);
  return out;
}

/**
 * The `layerwise` command: the Keras tutorial's programs, one subcommand each.
 *
 *   layerwise mlp [--epochs 10] …        section 1.1
 *   layerwise overfit [--epochs 100] …   sections 1.3–1.5
 *   layerwise batchnorm [--compare] …    section 1.6
 *   layerwise cnn [--epochs 5] …         section 2.1
 *   layerwise inception-block …          section 4.3
 *   layerwise shortcut …                 section 4.3
 *   layerwise images --dirs A B …        section 2.5
 *   layerwise augment photo.jpg …        section 3.1
 *   layerwise augment-train --method …   section 3.3
 *   layerwise transfer features|train-top|fine-tune --data DIR   sections 4.4, 4.5
 *   layerwise predict photo.jpg --model vgg16 …   section 4.2
 *   layerwise summary --model resnet50   section 4.2
 *   layerwise plot-model --model inceptionv3 --out M.png   section 4.2
 *   layerwise convert in.h5 out.keras    model files between Keras 3, tf.keras, tfjs-layers (and to ONNX)
 *   layerwise summary model.keras        model.summary() of a model file (or --model M)
 *
 * `main(argv, io)` returns the exit code (0 ok, 1 failed, 2 bad usage) and prints only
 * through `io`, so tests run it in-process.
 */
import { readFileSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { BACKENDS, type BackendName, type CommonOptions, type Io } from './common.js';
import { DATASETS, type DatasetName } from './data.js';
import { mlp, OPTIMIZERS } from './commands/mlp.js';
import { overfit } from './commands/overfit.js';
import { batchnorm } from './commands/batchnorm.js';
import { cnn, type CnnProgram } from './commands/cnn.js';
import { images } from './commands/images.js';
import { augment } from './commands/augment.js';
import { augmentTrain, AUGMENT_METHODS } from './commands/augment-train.js';
import { transfer, TRANSFER_PROGRAMS, type TransferProgram } from './commands/transfer.js';
import { predict, summary, plotZooModel, ZOO_MODELS } from './commands/zoo.js';
import { didYouMean } from './suggest.js';
import { convert, summarizeModelFile } from './commands/model-file.js';

export { mlp, buildMlp } from './commands/mlp.js';
export { overfit, buildPlain, buildWeightDecay, buildDropout } from './commands/overfit.js';
export { batchnorm, buildBatchnorm } from './commands/batchnorm.js';
export { cnn, buildCnn, buildInceptionBlock, buildShortcut } from './commands/cnn.js';
export { images, buildImagesCnn } from './commands/images.js';
export { augment } from './commands/augment.js';
export { augmentTrain } from './commands/augment-train.js';
export { transfer, fineTuneModel, transferHead, FINE_TUNE_AUGMENTATION } from './commands/transfer.js';
export { predict, summary, plotZooModel, ZOO_MODELS } from './commands/zoo.js';
export { convert, summarizeModelFile } from './commands/model-file.js';
export { loadImages } from './image-utils.js';
export { loadChapter1Data } from './data.js';
export type { Io } from './common.js';

// ---------------------------------------------------------------- options

interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  /** The value's placeholder in the help. */
  arg?: string;
  help: string;
}

const DATA_OPTIONS: Record<string, OptionSpec> = {
  dataset: { type: 'string', arg: 'fashion-mnist|mnist', help: 'the dataset (default fashion-mnist; mnist needs its files or the internet)' },
  'data-dir': { type: 'string', arg: 'PATH', help: 'a folder holding the four IDX files (or mnist.npz); the only place looked at' },
  offline: { type: 'boolean', help: 'never download: use a local copy, else (Fashion-MNIST) the embedded sample' },
};
const RUN_OPTIONS: Record<string, OptionSpec> = {
  backend: { type: 'string', arg: 'onnx|tfjs', help: 'the compute backend (default: LAYERWISE_BACKEND, else the first installed)' },
  seed: { type: 'string', arg: 'N', help: 'seed weights, shuffling and dropout masks, for a repeatable run' },
  keras: { type: 'string', arg: '2|3', help: "optimizer defaults of Keras 2 (default: the tutorial's; Adagrad lr 0.01, Adadelta 1.0) or Keras 3" },
  help: { type: 'boolean', short: 'h', help: 'show this help' },
};
const opt = {
  epochs: (dflt: number): OptionSpec => ({ type: 'string', arg: 'N', help: `training epochs (default ${dflt})` }),
  batchSize: { type: 'string', arg: 'N', help: 'samples per gradient step (default 32)' } as OptionSpec,
  optimizer: { type: 'string', arg: 'NAME', help: `${OPTIMIZERS.join(', ')}, with Keras' defaults (default sgd)` } as OptionSpec,
  verbose: (dflt: string): OptionSpec => ({ type: 'string', arg: '0|1|2', help: `fit's output: 0 silent, 1 progress bar, 2 a line per epoch (default ${dflt})` }),
  limit: { type: 'string', arg: 'N', help: 'use only the first N training and the first N test samples' } as OptionSpec,
};

const zooModelOption: OptionSpec = { type: 'string', arg: ZOO_MODELS.join('|'), help: 'the model (keras.applications)' };

interface CommandSpec {
  summary: string;
  section: string;
  description: string;
  options: Record<string, OptionSpec>;
  /** Positional arguments the command takes (default none). */
  positionals?: number;
  /** The usage line after the command name (default '[options]'). */
  usage?: string;
  run: (values: Values, io: Io, positionals: string[]) => Promise<unknown>;
}
type Values = Record<string, string | boolean | undefined>;

const COMMANDS: Record<string, CommandSpec> = {
  mlp: {
    summary: 'the fully connected network: Dense 50 sigmoid, Dense 20 sigmoid, Dense 10 softmax',
    section: '1.1',
    description:
      'Trains the tutorial\'s first network (SGD, categorical_crossentropy, accuracy) on the\n' +
      'MNIST-family data, evaluates it on the test data and prints "test acc :  <value>".\n' +
      'Without a local copy or the internet, Fashion-MNIST falls back to the embedded sample\n' +
      '(4000 train / 1000 test) and says so.',
    options: {
      ...DATA_OPTIONS,
      epochs: opt.epochs(10),
      'batch-size': opt.batchSize,
      optimizer: opt.optimizer,
      validation: { type: 'boolean', help: 'validation_data=(x_test, y_test): val_loss and val_accuracy every epoch' },
      limit: opt.limit,
      verbose: opt.verbose('1 on a terminal, else 2'),
      ...RUN_OPTIONS,
    },
    run: (v, io) =>
      mlp({ ...common(v), epochs: int(v, 'epochs', 1), batchSize: int(v, 'batch-size', 1), optimizer: choice(v, 'optimizer', OPTIMIZERS), validation: v.validation === true, limit: int(v, 'limit', 1) }, io),
  },
  overfit: {
    summary: 'overfitting on 500 samples, then weight decay and dropout against it',
    section: '1.3–1.5',
    description:
      'Trains the 5-layer relu network (Dense 100 relu x4, Dense 10 softmax, SGD, metrics acc) on\n' +
      '500 training samples with the first 500 test samples as validation_data, three times:\n' +
      'plain (1.3), with kernel_regularizer=regularizers.l2(0.03) on the four hidden layers (1.4),\n' +
      'and with Dropout(0.3) after each of them (1.5). Prints acc / val_acc of the three runs side\n' +
      'by side every 10 epochs, and each run\'s final train/val gap.',
    options: {
      ...DATA_OPTIONS,
      epochs: opt.epochs(100),
      'batch-size': opt.batchSize,
      samples: { type: 'string', arg: 'N', help: 'training and test samples (default 500, as the tutorial)' },
      out: { type: 'string', arg: 'FILE', help: 'also write the three histories (acc, loss, val_acc, val_loss) as JSON' },
      plot: { type: 'string', arg: 'FILE', help: 'draw acc / val_acc of the three runs as the tutorial does (.png or .svg)' },
      verbose: opt.verbose('0, as the tutorial'),
      ...RUN_OPTIONS,
    },
    run: (v, io) =>
      overfit({ ...common(v), epochs: int(v, 'epochs', 1), batchSize: int(v, 'batch-size', 1), samples: int(v, 'samples', 1), out: str(v, 'out'), plot: str(v, 'plot') }, io),
  },
  batchnorm: {
    summary: 'Batch Normalization: Dense 50, BN, relu, Dense 20, BN, relu, Dense 10 softmax',
    section: '1.6',
    description:
      'Trains the section 1.6 network (SGD, batch 32, validation_data=(x_test, y_test)) and prints\n' +
      'its test accuracy. --compare also trains the section 1.1 network with the same settings\n' +
      'and prints both test accuracies.',
    options: {
      ...DATA_OPTIONS,
      epochs: opt.epochs(10),
      'batch-size': opt.batchSize,
      optimizer: opt.optimizer,
      compare: { type: 'boolean', help: 'also train the 1.1 network (no BatchNormalization) and compare' },
      limit: opt.limit,
      verbose: opt.verbose('1 on a terminal, else 2'),
      ...RUN_OPTIONS,
    },
    run: (v, io) =>
      batchnorm({ ...common(v), epochs: int(v, 'epochs', 1), batchSize: int(v, 'batch-size', 1), optimizer: choice(v, 'optimizer', OPTIMIZERS), compare: v.compare === true, limit: int(v, 'limit', 1) }, io),
  },
  cnn: cnnCommand('cnn', '2.1', 5, 'the convolutional network: Conv2D 32 3x3 relu, MaxPooling2D, Flatten, Dense 10 softmax', 'Trains the tutorial\'s CNN (Adagrad, batch 64, 5 epochs) on 28x28x1 images and prints "test acc :  <value>".'),
  'inception-block': cnnCommand('inception-block', '4.3', 10, 'an inception block with the functional API: three towers, Concatenate(axis=1)', 'Builds the tutorial\'s inception block (Concatenate(axis=1) of three (None, 13, 13, 64) towers gives (None, 39, 13, 64)),\ntrains it with RMSprop and prints the test accuracy.'),
  shortcut: cnnCommand('shortcut', '4.3', 10, 'a shortcut connection with the functional API: x + Conv2D(x)', 'Builds the tutorial\'s shortcut connection (Add), trains it with RMSprop and prints the test accuracy.'),
  images: {
    summary: 'two folders of images, a binary CNN (the sample program)',
    section: '2.5',
    description:
      'Loads every image of folder A (label 1) and folder B (label 0) like the tutorial\'s image_utils.load_images,\n' +
      'splits them 75/25, trains the section 2.5 CNN (Conv2D 128, Conv2D 64, MaxPooling2D, Dropout, Dense 128,\n' +
      'Dropout, Dense 1 sigmoid; Adadelta, binary_crossentropy, metrics acc) with validation data, and prints\n' +
      'the History; --plot draws acc and val_acc. --make-sample DIR first writes sneaker/bag images from\n' +
      'Fashion-MNIST as 60x90 JPEG files and uses them.',
    options: {
      dirs: { type: 'string', arg: 'A B', help: 'the two image folders (--dirs A B, or --dirs A,B): A is labelled 1, B 0' },
      'make-sample': { type: 'string', arg: 'DIR', help: 'write a Fashion-MNIST sneaker/bag image set (60x90 JPEG) here and train on it' },
      samples: { type: 'string', arg: 'N', help: 'images per class for --make-sample (default 200)' },
      epochs: opt.epochs(20),
      'batch-size': opt.batchSize,
      out: { type: 'string', arg: 'FILE', help: 'write the History as JSON' },
      plot: { type: 'string', arg: 'FILE', help: 'draw acc / val_acc (.png or .svg)' },
      verbose: opt.verbose('1 on a terminal, else 2'),
      ...RUN_OPTIONS,
    },
    run: (v, io) => {
      const dirs = str(v, 'dirs')?.split(/[,\s]+/).filter(Boolean);
      if (dirs && dirs.length !== 2) throw new UsageError(`--dirs takes two folders (A,B), got ${dirs.length}`);
      if (!dirs && !str(v, 'make-sample')) throw new UsageError('give --dirs A,B or --make-sample DIR');
      return images(
        { ...common(v), dirs: dirs as [string, string] | undefined, makeSample: str(v, 'make-sample'), samples: int(v, 'samples', 2), epochs: int(v, 'epochs', 1), batchSize: int(v, 'batch-size', 1), out: str(v, 'out'), plot: str(v, 'plot') },
        io,
      );
    },
  },
  augment: {
    summary: 'ImageDataGenerator on one photo: shifted, rotated, zoomed, colour-shifted copies',
    section: '3.1',
    description:
      'layerwise augment PHOTO [transform options] --out FILE writes one augmented copy (the tutorial\'s\n' +
      'shifted_sample.jpg, rotated_sample.jpg …); --count N --dest-dir DIR writes DIR/pic_01.jpg … pic_N.jpg\n' +
      'as the tutorial\'s batch program (its options: --width-shift 0.3 --rotation 30 --zoom 0.3\n' +
      '--channel-shift 50 --horizontal-flip --vertical-flip --fill-mode reflect, 99 images).',
    options: {
      rotation: { type: 'string', arg: 'DEG', help: 'rotation_range: random rotation in [-DEG, DEG]' },
      'width-shift': { type: 'string', arg: 'F', help: 'width_shift_range (a fraction of the width, or pixels when >= 1)' },
      'height-shift': { type: 'string', arg: 'F', help: 'height_shift_range' },
      zoom: { type: 'string', arg: 'Z', help: 'zoom_range: [1-Z, 1+Z]' },
      shear: { type: 'string', arg: 'DEG', help: 'shear_range' },
      'channel-shift': { type: 'string', arg: 'V', help: 'channel_shift_range' },
      brightness: { type: 'string', arg: 'LO,HI', help: 'brightness_range' },
      'horizontal-flip': { type: 'boolean', help: 'horizontal_flip' },
      'vertical-flip': { type: 'boolean', help: 'vertical_flip' },
      'fill-mode': { type: 'string', arg: 'MODE', help: "fill_mode: nearest (default), constant, reflect, wrap" },
      out: { type: 'string', arg: 'FILE', help: 'where to write one augmented image (default augmented.jpg)' },
      count: { type: 'string', arg: 'N', help: 'write N images instead, as DIR/pic_01.jpg …' },
      'dest-dir': { type: 'string', arg: 'DIR', help: 'the folder for --count (default dest)' },
      seed: { type: 'string', arg: 'N', help: 'seed the random transforms, for repeatable images (default 0)' },
      help: RUN_OPTIONS.help,
    },
    positionals: 1,
    usage: 'PHOTO [options]',
    run: (v, io, positionals) => {
      const num = (name: string) => {
        const x = str(v, name);
        if (x === undefined) return undefined;
        if (!Number.isFinite(Number(x))) throw new UsageError(`--${name} must be a number, got '${x}'`);
        return Number(x);
      };
      const src = positionals[0];
      if (!src) throw new UsageError('give the photo to augment: layerwise augment photo.jpg [options]');
      const brightness = str(v, 'brightness')?.split(',').map(Number) as [number, number] | undefined;
      return augment(
        {
          seed: int(v, 'seed', 0),
          src,
          out: str(v, 'out'),
          count: int(v, 'count', 1),
          destDir: str(v, 'dest-dir'),
          generator: {
            rotationRange: num('rotation'),
            widthShiftRange: num('width-shift'),
            heightShiftRange: num('height-shift'),
            zoomRange: num('zoom'),
            shearRange: num('shear'),
            channelShiftRange: num('channel-shift'),
            brightnessRange: brightness,
            horizontalFlip: v['horizontal-flip'] === true,
            verticalFlip: v['vertical-flip'] === true,
            fillMode: str(v, 'fill-mode') as never,
          },
        },
        io,
      );
    },
  },
  'augment-train': {
    summary: 'training with data augmentation: the flow loop, fit_generator, flow_from_directory',
    section: '3.3',
    description:
      '--method flow: the loop version (each augmented batch of datagen.flow is one model.fit);\n' +
      '--method fit-generator: model.fitGenerator(datagen.flow(x, y, batch_size=32), steps_per_epoch=len(x)/32);\n' +
      '--method directory: writes sneaker/bag Fashion-MNIST JPEGs (60x90) and trains with flowFromDirectory.\n' +
      'Augmentation as the tutorial: shifts 0.3, rotation 30, zoom 0.3, both flips; Adadelta(lr=1.0) as its Keras 2.',
    options: {
      method: { type: 'string', arg: AUGMENT_METHODS.join('|'), help: 'how augmented batches reach the model (default fit-generator)' },
      epochs: opt.epochs(10),
      limit: { type: 'string', arg: 'N', help: 'flow/fit-generator: first N samples; directory: images per class (default 500)' },
      'image-dir': { type: 'string', arg: 'PATH', help: 'directory: where to write the image set (default a temp folder)' },
      offline: DATA_OPTIONS.offline,
      verbose: opt.verbose('1 on a terminal, else 2'),
      ...RUN_OPTIONS,
    },
    run: (v, io) =>
      augmentTrain(
        { ...common(v), method: choice(v, 'method', AUGMENT_METHODS) ?? 'fit-generator', epochs: int(v, 'epochs', 1), limit: int(v, 'limit', 1), imageDir: str(v, 'image-dir') },
        io,
      ),
  },
  transfer: {
    summary: 'transfer learning with VGG16: features | train-top | fine-tune',
    section: '4.4–4.5',
    description:
      'layerwise transfer features --data DIR: VGG16(include_top=False) over DIR/train and DIR/test (rescale 1/255,\n' +
      'class_mode=None, shuffle=False, predict_generator with samples / 32 steps), saved as\n' +
      'bottleneck_features_{train,test}.npy (np.save format).\n' +
      'layerwise transfer train-top: Flatten, Dense 256 relu, Dropout 0.5, Dense 1 sigmoid on those features\n' +
      '(adadelta, binary_crossentropy, validation_data; labels: first half 0, second half 1).\n' +
      'layerwise transfer fine-tune --data DIR: VGG16 with layers[:15] frozen and the same head, sgd, fit_generator\n' +
      'with shifts 0.3, rotation 30, zoom 0.3 and both flips, validated on DIR/test.\n' +
      'train-top and fine-tune print Keras\' progress lines and draw the History as a PNG (--plot).\n' +
      'DIR holds train/<class>/ and test/<class>/ as the tutorial\'s data240x360; --make-data writes one from\n' +
      'Fashion-MNIST (bag, sneaker; 432 + 350 per class as the tutorial\'s 864 / 700).',
    options: {
      data: { type: 'string', arg: 'DIR', help: 'the image set: DIR/train/<class>/…, DIR/test/<class>/…' },
      size: { type: 'string', arg: 'HxW', help: 'target size (default 240x360; 60x90 as the tutorial\'s smaller set)' },
      weights: { type: 'string', arg: 'imagenet|none|FILE', help: "VGG16's weights (default imagenet; none = random)" },
      'features-dir': { type: 'string', arg: 'DIR', help: 'where the .npy features are written and read (default .)' },
      'make-data': { type: 'string', arg: 'TRAIN,TEST', help: 'first write a Fashion-MNIST image set to --data, images per class (the tutorial: 432,350)' },
      epochs: opt.epochs(10),
      'batch-size': opt.batchSize,
      plot: { type: 'string', arg: 'FILE', help: 'the History plot (default history_<program>.png)' },
      verbose: opt.verbose('1 on a terminal, else 2'),
      ...RUN_OPTIONS,
    },
    positionals: 1,
    run: (v, io, positionals) => {
      const program = positionals[0] as TransferProgram;
      if (!TRANSFER_PROGRAMS.includes(program)) throw new UsageError(`give the program: layerwise transfer ${TRANSFER_PROGRAMS.join('|')} --data DIR`);
      const data = str(v, 'data');
      if (!data && program !== 'train-top') throw new UsageError('--data DIR is required (the folder holding train/ and test/)');
      const size = str(v, 'size');
      if (size !== undefined && !/^\d+x\d+$/.test(size)) throw new UsageError(`--size must be HxW, e.g. 240x360 or 60x90; got '${size}'`);
      const make = str(v, 'make-data');
      if (make !== undefined && !/^\d+,\d+$/.test(make)) throw new UsageError(`--make-data must be TRAIN,TEST images per class, e.g. 432,350; got '${make}'`);
      return transfer(
        program,
        {
          ...common(v),
          data: data ?? '.',
          size: size?.split('x').map(Number) as [number, number] | undefined,
          weights: str(v, 'weights'),
          featuresDir: str(v, 'features-dir'),
          makeData: make ? { train: Number(make.split(',')[0]), test: Number(make.split(',')[1]) } : undefined,
          epochs: int(v, 'epochs', 1),
          batchSize: int(v, 'batch-size', 1),
          plot: str(v, 'plot'),
        },
        io,
      );
    },
  },
  predict: {
    summary: 'a pretrained ImageNet model names what is in a photo (decode_predictions, top 3)',
    section: '4.2',
    description:
      'layerwise predict PHOTO --model M resizes the photo to the model\'s input (224x224, 299x299 for\n' +
      'inceptionv3 and xception), applies its preprocess_input, predicts and prints\n' +
      '"Predicted: [(\'n07753592\', \'banana\', 0.85371387), ...]" as the tutorial\'s Python does.\n' +
      'Weights: Keras\' ImageNet file (downloaded into Keras\' cache ~/.keras/models, or found there),\n' +
      'or --weights FILE (a Keras .h5 or .weights.h5 file).',
    options: {
      model: zooModelOption,
      weights: { type: 'string', arg: 'FILE', help: "a weights file instead of Keras' ImageNet weights (default imagenet)" },
      top: { type: 'string', arg: 'N', help: 'how many classes to print (default 3)' },
      backend: RUN_OPTIONS.backend,
      help: RUN_OPTIONS.help,
    },
    positionals: 64,
    run: (v, io, positionals) => {
      if (!positionals.length) throw new UsageError('give a photo: layerwise predict photo.jpg --model vgg16');
      return predict({ model: zooModel(v), files: positionals, weights: str(v, 'weights'), top: int(v, 'top', 1), backend: choice<BackendName>(v, 'backend', BACKENDS) }, io);
    },
  },
  summary: {
    summary: "model.summary() of a pretrained model (--model M) or of a model file: Keras' table",
    section: '4.2',
    description:
      "layerwise summary --model M prints a keras.applications model's summary (Keras 3's table, character for\n" +
      'character; no weights are needed). layerwise summary MODEL_FILE prints the summary of a .keras, .h5,\n' +
      'model.json or .lw file, without running anything from the file.',
    options: { model: zooModelOption, help: RUN_OPTIONS.help },
    positionals: 1,
    run: (v, io, positionals) => {
      if (positionals[0] !== undefined && v.model !== undefined) throw new UsageError('give a model file or --model M, not both');
      return positionals[0] !== undefined ? summarizeModelFile(positionals[0], io) : summary({ model: zooModel(v) }, io);
    },
  },
  'plot-model': {
    summary: 'plot_model of a pretrained model: the network as a picture',
    section: '4.2',
    description: 'Draws the model with its shapes (plot_model(model, to_file=OUT, show_shapes=True)), as PNG, SVG, JPEG, WebP or dot.',
    options: {
      model: zooModelOption,
      out: { type: 'string', arg: 'FILE', help: 'the picture (default <model>_model.png)' },
      'layer-names': { type: 'boolean', help: 'show_layer_names=True (the tutorial\'s VGG16 picture; its InceptionV3 and ResNet50 ones leave them out)' },
      help: RUN_OPTIONS.help,
    },
    run: (v, io) => plotZooModel({ model: zooModel(v), out: str(v, 'out'), layerNames: v['layer-names'] === true }, io),
  },
  convert: {
    summary: 'a model file to another format: .keras, .h5, model.json, .lw, or .onnx',
    section: 'files',
    description:
      'layerwise convert IN OUT loads IN (a Keras 3 .keras, a tf.keras .h5, a tfjs-layers model.json or its\n' +
      'folder, a Layerwise .lw) and writes OUT in the format its name says: .keras (Keras 3 loads it), .h5\n' +
      '(tf.keras loads it), model.json (tfjs-layers loads it), .lw, or .onnx (an inference model for ONNX\n' +
      'Runtime). The compile configuration and optimizer state travel where the format holds them.\n' +
      'Nothing in a file is run: a Lambda layer is an error.',
    options: { 'no-compile': { type: 'boolean', help: 'drop the compile configuration (load_model(compile=False))' }, help: RUN_OPTIONS.help },
    positionals: 2,
    run: (v, io, positionals) => {
      if (positionals.length !== 2) throw new UsageError('give the input and output files: layerwise convert in.h5 out.keras');
      return convert({ input: positionals[0], output: positionals[1], compile: v['no-compile'] !== true }, io);
    },
  },
};

function cnnCommand(program: CnnProgram, section: string, epochs: number, summary: string, description: string): CommandSpec {
  return {
    summary,
    section,
    description,
    options: {
      ...DATA_OPTIONS,
      epochs: opt.epochs(epochs),
      'batch-size': { type: 'string', arg: 'N', help: `samples per gradient step (default ${program === 'cnn' ? 64 : 32})` },
      optimizer: { type: 'string', arg: 'NAME', help: `${OPTIMIZERS.join(', ')} (default ${program === 'cnn' ? 'adagrad' : 'rmsprop'}, as the tutorial)` },
      validation: { type: 'boolean', help: 'validation_data=(x_test, y_test): val_loss and val_accuracy every epoch' },
      'plot-model': { type: 'string', arg: 'FILE', help: "write plot_model(model, show_shapes=True)'s picture (.png, .svg or .dot)" },
      limit: opt.limit,
      verbose: opt.verbose('1 on a terminal, else 2'),
      ...RUN_OPTIONS,
    },
    run: (v, io) =>
      cnn(
        program,
        { ...common(v), epochs: int(v, 'epochs', 1) ?? epochs, batchSize: int(v, 'batch-size', 1), optimizer: choice(v, 'optimizer', OPTIMIZERS), validation: v.validation === true, limit: int(v, 'limit', 1), plotModel: str(v, 'plot-model') },
        io,
      ),
  };
}

/** A mistake in the command line: reported with a pointer to --help, exit code 2. */
class UsageError extends Error {}

function zooModel(v: Values): string {
  const m = str(v, 'model');
  if (m === undefined) throw new UsageError(`give the model: --model ${ZOO_MODELS.join('|')}`);
  if (!ZOO_MODELS.includes(m.toLowerCase())) throw new UsageError(`--model must be one of ${ZOO_MODELS.join(', ')}; got '${m}'.${didYouMean(m, ZOO_MODELS)}`);
  return m.toLowerCase();
}

function str(v: Values, name: string): string | undefined {
  const x = v[name];
  return typeof x === 'string' ? x : undefined;
}
function int(v: Values, name: string, min: number): number | undefined {
  const x = str(v, name);
  if (x === undefined) return undefined;
  if (!/^\d+$/.test(x.trim()) || Number(x) < min || !Number.isSafeInteger(Number(x)))
    throw new UsageError(`--${name} must be an integer >= ${min}, got '${x}'`);
  return Number(x);
}
function choice<T extends string>(v: Values, name: string, allowed: readonly T[]): T | undefined {
  const x = str(v, name);
  if (x === undefined) return undefined;
  if (!allowed.includes(x as T)) throw new UsageError(`--${name} must be one of ${allowed.join(', ')}; got '${x}'`);
  return x as T;
}
function common(v: Values): CommonOptions {
  const verbose = choice(v, 'verbose', ['0', '1', '2']);
  return {
    dataset: choice<DatasetName>(v, 'dataset', DATASETS),
    dataDir: str(v, 'data-dir'),
    offline: v.offline === true,
    backend: choice<BackendName>(v, 'backend', BACKENDS),
    seed: int(v, 'seed', 0),
    kerasDefaults: Number(choice(v, 'keras', ['2', '3']) ?? 2) as 2 | 3,
    verbose: verbose === undefined ? undefined : (Number(verbose) as 0 | 1 | 2),
  };
}

// ---------------------------------------------------------------- help

function version(): string {
  try {
    return JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

export function mainHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  return [
    'layerwise: the Keras tutorial\'s programs, on Layerwise',
    '',
    'Usage: layerwise <command> [options]',
    '',
    'Commands:',
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.section.padEnd(7)}  ${c.summary}`),
    '',
    'Options:',
    '  -h, --help     show this help',
    '  --version      print the version',
    '',
    "Run 'layerwise <command> --help' for a command's options.",
    'Data: Fashion-MNIST by default, from ~/.layerwise, Keras\' cache, /usr/share/datasets/fashion-mnist',
    '(Debian), else downloaded; offline with no copy, the embedded sample (4000 train / 1000 test).',
    '',
  ].join('\n');
}

export function commandHelp(name: string): string {
  const c = COMMANDS[name];
  const flags = Object.entries(c.options).map(([o, s]) => [`${s.short ? `-${s.short}, ` : '    '}--${o}${s.arg ? ` ${s.arg}` : ''}`, s.help]);
  const width = Math.max(...flags.map(([f]) => f.length));
  return [
    `Usage: layerwise ${name} ${c.usage ?? '[options]'}`,
    '',
    `${/^\d/.test(c.section) ? `Tutorial section ${c.section}: ` : ''}${c.summary}.`,
    '',
    c.description,
    '',
    'Options:',
    ...flags.map(([f, h]) => `  ${f.padEnd(width)}  ${h}`),
    '',
  ].join('\n');
}

// ---------------------------------------------------------------- main

const processIo: Io = { stdout: process.stdout, stderr: process.stderr };

/** Run the command line `argv` (without node and the script); resolves to the exit code. */
export async function main(argv: string[], io: Io = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' ? rest[0] : undefined;
    if (topic !== undefined && Object.hasOwn(COMMANDS, topic)) {
      io.stdout.write(commandHelp(topic));
      return 0;
    }
    if (name === undefined) {
      io.stderr.write(mainHelp());
      return 2;
    }
    io.stdout.write(mainHelp());
    return 0;
  }
  if (name === '--version' || name === '-v') {
    io.stdout.write(`layerwise ${version()}\n`);
    return 0;
  }
  if (!Object.hasOwn(COMMANDS, name)) {
    const what = name.startsWith('-') ? `unknown option '${name}'` : `unknown command '${name}'`;
    const hint = name.startsWith('-') ? '' : didYouMean(name, Object.keys(COMMANDS));
    io.stderr.write(`layerwise: ${what}.${hint} Commands: ${Object.keys(COMMANDS).join(', ')}.\nRun 'layerwise --help' for usage.\n`);
    return 2;
  }
  const command = COMMANDS[name];
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(commandHelp(name));
    return 0;
  }

  let values: Values;
  let positionals: string[] = [];
  try {
    const options = Object.fromEntries(Object.entries(command.options).map(([o, s]) => [o, s.short ? { type: s.type, short: s.short } : { type: s.type }]));
    const parsed = parseArgs({ args: name === 'images' ? joinDirs(rest) : rest, options, strict: true, allowPositionals: (command.positionals ?? 0) > 0 });
    if (parsed.positionals.length > (command.positionals ?? 0)) throw new UsageError(`unexpected argument '${parsed.positionals[command.positionals ?? 0]}'`);
    values = parsed.values as Values;
    positionals = parsed.positionals;
  } catch (err) {
    return usageError(io, name, unknownOption(err, Object.keys(command.options)) ?? (err as Error).message);
  }

  let run: Promise<unknown>;
  try {
    run = command.run(values, io, positionals);
  } catch (err) {
    if (err instanceof UsageError) return usageError(io, name, err.message);
    throw err;
  }
  try {
    await run;
    return 0;
  } catch (err) {
    if (err instanceof UsageError) return usageError(io, name, err.message);
    const e = err as Error;
    io.stderr.write(`layerwise ${name}: ${e.name && e.name !== 'Error' ? `${e.name}: ` : ''}${e.message}\n`);
    if (e.name === 'DataError' && !values['data-dir'])
      io.stderr.write(`With the layerwise command: --data-dir PATH reads the files from a folder; --dataset fashion-mnist falls back to its embedded sample offline.\n`);
    if (process.env.LAYERWISE_DEBUG && e.stack) io.stderr.write(`${e.stack}\n`);
    return 1;
  }
}

/** parseArgs' unknown option error → "Unknown option '--modle'. Did you mean '--model'?" (undefined for other errors). */
function unknownOption(err: unknown, known: string[]): string | undefined {
  const e = err as { code?: string; message?: string };
  const option = /'(-[^']+)'/.exec(e.message ?? '')?.[1];
  if (e.code !== 'ERR_PARSE_ARGS_UNKNOWN_OPTION' || option === undefined) return undefined;
  return `Unknown option '${option}'.${didYouMean(option.replace(/^--?/, ''), known, '--')}`;
}

/** `--dirs A B` (the tutorial's two folders) → `--dirs A,B`. */
function joinDirs(argv: string[]): string[] {
  const i = argv.indexOf('--dirs');
  if (i < 0 || i + 2 >= argv.length + 0 || argv[i + 2] === undefined || argv[i + 2].startsWith('-')) return argv;
  return [...argv.slice(0, i + 1), `${argv[i + 1]},${argv[i + 2]}`, ...argv.slice(i + 3)];
}

function usageError(io: Io, name: string, message: string): number {
  io.stderr.write(`layerwise ${name}: ${message}\nRun 'layerwise ${name} --help' for usage.\n`);
  return 2;
}

/** True when this file is the program node was started with (not when imported). */
function isEntryPoint(): boolean {
  try {
    return process.argv[1] !== undefined && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  // `layerwise mlp | head`: stop quietly when the reader goes away.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      process.stderr.write(`layerwise: internal error: ${(err as Error)?.stack ?? err}\n`);
      process.exitCode = 1;
    },
  );
}

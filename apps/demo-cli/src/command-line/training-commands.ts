/**
 * The command table's first half: the tutorial's chapters 1–3, the networks built and trained from
 * scratch (and augmentation on a photo). Each entry: the help text, the options and how their
 * values reach the command's function in ../commands/.
 */
import { mlp, OPTIMIZERS } from '../commands/mlp.js';
import { overfit } from '../commands/overfit.js';
import { batchnorm } from '../commands/batchnorm.js';
import { cnn, type CnnProgram } from '../commands/cnn.js';
import { images } from '../commands/images.js';
import { augment } from '../commands/augment.js';
import { augmentTrain, AUGMENT_METHODS } from '../commands/augment-train.js';
import { choice, common, DATA_OPTIONS, int, num, opt, RUN_OPTIONS, str, UsageError, type CommandSpec } from './arguments.js';

export const TRAINING_COMMANDS: Record<string, CommandSpec> = {
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
      'width-shift': { type: 'string', arg: 'F', help: 'width_shift_range: horizontal shift (a fraction of the width, or pixels when >= 1)' },
      'height-shift': { type: 'string', arg: 'F', help: 'height_shift_range: vertical shift' },
      'shift-axes': { type: 'string', arg: 'WAY', help: "documented (default: width = horizontal) or keras (Keras' swapped shifts, bit for bit)" },
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
            rotationRange: num(v, 'rotation'),
            widthShiftRange: num(v, 'width-shift'),
            heightShiftRange: num(v, 'height-shift'),
            shiftAxes: str(v, 'shift-axes') as never,
            zoomRange: num(v, 'zoom'),
            shearRange: num(v, 'shear'),
            channelShiftRange: num(v, 'channel-shift'),
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

/**
 * The command table's second half: the tutorial's chapter 4 (pretrained keras.applications models:
 * transfer learning, predict, summary, plot_model) and model files (summary, convert).
 */
import { BACKENDS, type BackendName } from '../common.js';
import { transfer, TRANSFER_PROGRAMS, type TransferProgram } from '../commands/transfer.js';
import { predict, summary, plotZooModel } from '../commands/zoo.js';
import { convert, summarizeModelFile } from '../commands/model-file.js';
import { choice, common, int, opt, RUN_OPTIONS, str, UsageError, zooModel, zooModelOption, type CommandSpec } from './arguments.js';

export const PRETRAINED_COMMANDS: Record<string, CommandSpec> = {
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

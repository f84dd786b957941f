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
 * This file dispatches a command line to its command; command-line/ holds the command table (help
 * texts, options, how values reach ./commands/), the parsing and the help. `main(argv, io)` returns
 * the exit code (0 ok, 1 failed, 2 bad usage) and prints only through `io`, so tests run it in-process.
 */
import { readFileSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Io } from './common.js';
import { didYouMean } from './suggest.js';
import { parseCommandLine, UsageError, type Values } from './command-line/arguments.js';
import { COMMANDS } from './command-line/command-table.js';
import { commandHelp, mainHelp } from './command-line/help.js';

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
export { mainHelp, commandHelp } from './command-line/help.js';

/** The package's version, for --version (read at run time: this file is dist/cli.js or src/cli.ts, beside ../package.json). */
function version(): string {
  try {
    return JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

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
  let run: Promise<unknown>;
  try {
    let positionals: string[];
    ({ values, positionals } = parseCommandLine(name, command, rest));
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

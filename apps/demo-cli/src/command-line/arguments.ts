/**
 * Reading a command line: what a command's options look like (for parseArgs and the help), the
 * options several commands share, and turning the parsed strings into checked values. Every
 * mistake is a UsageError, which `main` reports with a pointer to --help and exit code 2.
 */
import { parseArgs } from 'node:util';
import { BACKENDS, type BackendName, type CommonOptions, type Io } from '../common.js';
import { DATASETS, type DatasetName } from '../data.js';
import { OPTIMIZERS } from '../commands/mlp.js';
import { ZOO_MODELS } from '../commands/zoo.js';
import { didYouMean } from '../suggest.js';

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  /** The value's placeholder in the help. */
  arg?: string;
  help: string;
}

export interface CommandSpec {
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
export type Values = Record<string, string | boolean | undefined>;

/** A mistake in the command line: reported with a pointer to --help, exit code 2. */
export class UsageError extends Error {}

// ---------------------------------------------------------------- options several commands share

export const DATA_OPTIONS: Record<string, OptionSpec> = {
  dataset: { type: 'string', arg: 'fashion-mnist|mnist', help: 'the dataset (default fashion-mnist; mnist needs its files or the internet)' },
  'data-dir': { type: 'string', arg: 'PATH', help: 'a folder holding the four IDX files (or mnist.npz); the only place looked at' },
  offline: { type: 'boolean', help: 'never download: use a local copy, else (Fashion-MNIST) the embedded sample' },
};
export const RUN_OPTIONS: Record<string, OptionSpec> = {
  backend: { type: 'string', arg: 'onnx|tfjs', help: 'the compute backend (default: LAYERWISE_BACKEND, else the first installed)' },
  seed: { type: 'string', arg: 'N', help: 'seed weights, shuffling and dropout masks, for a repeatable run' },
  keras: { type: 'string', arg: '2|3', help: "optimizer defaults of Keras 2 (default: the tutorial's; Adagrad lr 0.01, Adadelta 1.0) or Keras 3" },
  help: { type: 'boolean', short: 'h', help: 'show this help' },
};
export const opt = {
  epochs: (dflt: number): OptionSpec => ({ type: 'string', arg: 'N', help: `training epochs (default ${dflt})` }),
  batchSize: { type: 'string', arg: 'N', help: 'samples per gradient step (default 32)' } as OptionSpec,
  optimizer: { type: 'string', arg: 'NAME', help: `${OPTIMIZERS.join(', ')}, with Keras' defaults (default sgd)` } as OptionSpec,
  verbose: (dflt: string): OptionSpec => ({ type: 'string', arg: '0|1|2', help: `fit's output: 0 silent, 1 progress bar, 2 a line per epoch (default ${dflt})` }),
  limit: { type: 'string', arg: 'N', help: 'use only the first N training and the first N test samples' } as OptionSpec,
};

export const zooModelOption: OptionSpec = { type: 'string', arg: ZOO_MODELS.join('|'), help: 'the model (keras.applications)' };

// ---------------------------------------------------------------- parsing

/** `name`'s arguments (after the command name) → option values and positionals, or a UsageError. */
export function parseCommandLine(name: string, command: CommandSpec, args: string[]): { values: Values; positionals: string[] } {
  try {
    const options = Object.fromEntries(Object.entries(command.options).map(([o, s]) => [o, s.short ? { type: s.type, short: s.short } : { type: s.type }]));
    const parsed = parseArgs({ args: name === 'images' ? joinDirs(args) : args, options, strict: true, allowPositionals: (command.positionals ?? 0) > 0 });
    if (parsed.positionals.length > (command.positionals ?? 0)) throw new UsageError(`unexpected argument '${parsed.positionals[command.positionals ?? 0]}'`);
    return { values: parsed.values as Values, positionals: parsed.positionals };
  } catch (err) {
    throw new UsageError(unknownOption(err, Object.keys(command.options)) ?? (err as Error).message);
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

// ---------------------------------------------------------------- values

export function str(v: Values, name: string): string | undefined {
  const x = v[name];
  return typeof x === 'string' ? x : undefined;
}
export function int(v: Values, name: string, min: number): number | undefined {
  const x = str(v, name);
  if (x === undefined) return undefined;
  if (!/^\d+$/.test(x.trim()) || Number(x) < min || !Number.isSafeInteger(Number(x)))
    throw new UsageError(`--${name} must be an integer >= ${min}, got '${x}'`);
  return Number(x);
}
export function num(v: Values, name: string): number | undefined {
  const x = str(v, name);
  if (x === undefined) return undefined;
  if (!Number.isFinite(Number(x))) throw new UsageError(`--${name} must be a number, got '${x}'`);
  return Number(x);
}
export function choice<T extends string>(v: Values, name: string, allowed: readonly T[]): T | undefined {
  const x = str(v, name);
  if (x === undefined) return undefined;
  if (!allowed.includes(x as T)) throw new UsageError(`--${name} must be one of ${allowed.join(', ')}; got '${x}'`);
  return x as T;
}

/** The data, backend, seed, Keras-defaults and verbosity options of the training commands. */
export function common(v: Values): CommonOptions {
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

/** --model, one of keras.applications' models (any case). */
export function zooModel(v: Values): string {
  const m = str(v, 'model');
  if (m === undefined) throw new UsageError(`give the model: --model ${ZOO_MODELS.join('|')}`);
  if (!ZOO_MODELS.includes(m.toLowerCase())) throw new UsageError(`--model must be one of ${ZOO_MODELS.join(', ')}; got '${m}'.${didYouMean(m, ZOO_MODELS)}`);
  return m.toLowerCase();
}

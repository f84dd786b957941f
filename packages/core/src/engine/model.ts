import { ConfigError } from '../errors.js';
import type { SymShape, Value } from '../ir/graph.js';
import type { Backend, Executable } from '../backend/backend.js';
import { getBackend } from '../backend/registry.js';
import type { Loss } from '../losses/losses.js';
import type { Metric } from '../metrics/metrics.js';
import { getOptimizer, type Optimizer } from '../optimizers/optimizers.js';
import { Tensor } from '../tensor/tensor.js';
import { History } from '../callbacks/callback.js';
import { TraceContext } from './context.js';
import { Layer, LayerNode, layerOptions, registerLayer, SymbolicTensor, type LayerArgs } from './layer.js';
import { functionalConfig, rebuildFunctionalGraph } from '../saving/functional-config.js';
import { saveModelAs } from '../saving/model-files.js';
import { exportModel } from '../saving/export.js';
import { loadWeights, saveWeights, type LoadWeightsOptions } from '../saving/weights.js';
import type { Variable } from './variable.js';
import { splitGeneratorArgs, type BatchSource } from '../batches/source.js';
import type { DataDtypes } from '../batches/streams.js';
import { describeValue } from '../batches/checks.js';
import { Objectives, compileArgKeys, type CompileArgs } from '../training/objectives.js';
import { checkOptions } from '../options.js';
import { runFit, type FitArgs } from '../training/fit.js';
import { runEvaluate, type EvaluateArgs } from '../inference/evaluate.js';
import { runPredict, type PredictArgs } from '../inference/predict.js';
import { printSummary, type SummaryOptions } from './summary.js';
import { StepCache, type StepKind } from './step-cache.js';
import { mapGraph, type LayerGraph } from './graph-walk.js';
import { snapshotTrainable, type TrainableSnapshot } from './trainable.js';
import { checkModelInputs } from './input-spec.js';

export type { CompileArgs };

export interface ModelArgs extends LayerArgs {
  inputs: SymbolicTensor | SymbolicTensor[];
  outputs: SymbolicTensor | SymbolicTensor[];
  /** Backend for this model (a name or object); default: the global choice. */
  backend?: string | Backend;
}

/** Optimizer state kept between fits and saved with the model. */
export interface OptimizerState {
  iterations: number;
  slots: Map<Variable, Tensor[]>;
}

/**
 * A model: a graph of layer calls from inputs to outputs (Keras' functional Model), with
 * compile/fit/evaluate/predict. Sequential builds the same structure one layer at a time.
 */
export class Model extends Layer {
  static override className = 'Functional';
  static override optionKeys = layerOptions<ModelArgs>()({ inputs: true, outputs: true, backend: true });
  inputs: SymbolicTensor[] = [];
  outputs: SymbolicTensor[] = [];
  /** Layer calls in execution order. */
  protected nodes: LayerNode[] = [];
  stopTraining = false;
  history: History | null = null;

  optimizer: Optimizer | null = null;
  /** What compile() resolved for each output: loss, loss weight, metrics, and the names they are logged under. */
  objectives: Objectives | null = null;
  stepsPerExecution: number | 'auto' = 'auto';
  optimizerState: OptimizerState = { iterations: 0, slots: new Map() };

  private backendChoice: string | Backend | undefined;
  private readonly steps = new StepCache();

  /** Drop compiled graphs (after compile() or a backend change), freeing what backends hold for them. */
  private dropExecutables(): void {
    this.steps.clear();
  }

  constructor(args?: ModelArgs) {
    super(args);
    if (args) {
      this.backendChoice = args.backend;
      this.initGraph(args.inputs, args.outputs);
    }
  }

  protected initGraph(inputs: SymbolicTensor | SymbolicTensor[], outputs: SymbolicTensor | SymbolicTensor[]): void {
    this.inputs = Array.isArray(inputs) ? inputs : [inputs];
    this.outputs = Array.isArray(outputs) ? outputs : [outputs];
    for (const t of this.inputs)
      if (t.node.layer.className !== 'InputLayer') throw new ConfigError(`Model inputs must come from Input(); got ${t}`);
    const graph = mapGraph(this.inputs, this.outputs);
    for (const n of graph.order)
      if (n.inputs.length === 0 && !this.inputs.includes(n.outputs[0]))
        throw new ConfigError(`Model outputs depend on ${n.outputs[0]}, which is not among the model inputs`);
    this.walk = graph;
    this.nodes = [...graph.order];
    this.built = true;
    this.dropExecutables();
  }

  private walk: LayerGraph = mapGraph([], []);

  /**
   * Keras' `model.input` (as `baseModel.input` in the tutorial's fine-tuning): the input tensor.
   * A model with several inputs has no single one: use `inputs` (Keras would return the list).
   */
  get input(): SymbolicTensor {
    return this.single(this.inputs, 'input');
  }
  /** Keras' `model.output`: the output tensor (`outputs` when there are several). */
  get output(): SymbolicTensor {
    return this.single(this.outputs, 'output');
  }
  private single(list: SymbolicTensor[], what: 'input' | 'output'): SymbolicTensor {
    if (list.length !== 1) throw new ConfigError(`Model '${this.name}' has ${list.length} ${what}s: use model.${what}s (a list)`);
    return list[0];
  }

  /** Layer calls in execution order (each after the calls it consumes). */
  get layerNodes(): LayerNode[] {
    return this.nodes;
  }

  /** The layer graph as Keras' map_graph sees it: layer calls by depth, Keras' layer order (summary and plots read it). */
  get layerGraph(): LayerGraph {
    return this.walk;
  }

  /** Keras' model.summary(): prints the table (through `printFn` when given), returns nothing. */
  summary(options: SummaryOptions = {}): void {
    printSummary(this, options);
  }

  /** Layers in Keras' order (map_graph's): deepest first, ties in the order a walk from the outputs meets them. */
  get layers(): Layer[] {
    return [...this.walk.layers];
  }

  getLayer(nameOrIndex: string | number): Layer {
    const layers = this.layers;
    const layer = typeof nameOrIndex === 'number' ? layers[nameOrIndex] : layers.find((l) => l.name === nameOrIndex);
    if (!layer) throw new ConfigError(`No such layer: ${nameOrIndex}. Existing layers are: ${layers.map((l) => l.name).join(', ')}`);
    return layer;
  }

  /** Keras' model.weights: each layer's weights together (its own order), layers in `layers` order. */
  override get weights(): Variable[] {
    return unique(this.layers.flatMap((l) => l.weights));
  }
  /** A model's layers are its sublayers: `model.trainable = false` freezes them all (Keras 3). */
  override get sublayers(): Layer[] {
    return this.layers;
  }

  override get trainableWeights(): Variable[] {
    return this.trainable ? unique(this.layers.flatMap((l) => l.trainableWeights)) : [];
  }
  override get nonTrainableWeights(): Variable[] {
    const trainable = new Set(this.trainableWeights);
    return this.weights.filter((w) => !trainable.has(w));
  }
  override countParams(): number {
    return this.weights.reduce((n, w) => n + w.size, 0);
  }

  /** Trace the layer graph on IR values (inputs in model input order). */
  runGraph(inputs: Value[], ctx: TraceContext): Value[] {
    this.ensureBuilt();
    const values = new Map<SymbolicTensor, Value>();
    this.inputs.forEach((t, i) => values.set(t, inputs[i]));
    for (const node of this.nodes) {
      if (node.inputs.length === 0) continue;
      const ins = node.inputs.map((t) => values.get(t)!);
      const out = node.layer.invoke(ins.length === 1 ? ins[0] : ins, ctx);
      (Array.isArray(out) ? out : [out]).forEach((v, i) => values.set(node.outputs[i], v));
    }
    return this.outputs.map((t) => values.get(t)!);
  }

  /** A Model is a layer too: calling it runs its graph. */
  call(inputs: Value | Value[], ctx: TraceContext): Value | Value[] {
    const out = this.runGraph(Array.isArray(inputs) ? inputs : [inputs], ctx);
    return out.length === 1 ? out[0] : out;
  }

  protected ensureBuilt(): void {
    if (!this.built || this.inputs.length === 0)
      throw new ConfigError(`Model '${this.name}' has no input shape yet: give the first layer inputShape/inputDim, or call build([null, ...])`);
  }

  // ---------------- training API ----------------

  compile(args: CompileArgs): void {
    checkOptions('compile', args, compileArgKeys);
    const optimizer = getOptimizer(args.optimizer ?? 'rmsprop');
    this.ensureBuiltForCompile();
    const outputs = this.outputs.map((o) => ({ name: o.node.layer.name, shape: o.shape }));
    const objectives = Objectives.resolve(outputs, args.loss, args.lossWeights, args.metrics);
    const spe = args.stepsPerExecution ?? 'auto';
    if (spe !== 'auto' && !(Number.isInteger(spe) && spe >= 1)) throw new ConfigError(`compile: stepsPerExecution must be a positive integer or 'auto'; got ${describeValue(spe)}`);
    this.optimizer = optimizer;
    this.objectives = objectives;
    this.stepsPerExecution = spe;
    this.optimizerState = { iterations: 0, slots: new Map() };
    this.compiledTrainable = null;
    this.dropExecutables();
  }

  /**
   * The `trainable` flags training uses, fixed when training first runs after compile() and
   * kept until the next compile() — Keras 3 makes its train function at the first fit after
   * compile and keeps it (a flag changed later takes effect at the next compile).
   */
  compiledTrainable: TrainableSnapshot | null = null;
  fixTrainable(): TrainableSnapshot {
    this.compiledTrainable ??= snapshotTrainable(this);
    return this.compiledTrainable;
  }

  /** Sequential may still be waiting for its input shape; a functional model is always built. */
  protected ensureBuiltForCompile(): void {}

  async getBackend(): Promise<Backend> {
    if (this.backendChoice && typeof this.backendChoice !== 'string') return this.backendChoice;
    return getBackend(this.backendChoice);
  }
  /** Use this backend for this model only. */
  setBackend(backend: string | Backend): void {
    this.backendChoice = backend;
    this.dropExecutables();
  }

  /**
   * The compiled graph for a mode (built and compiled once per configuration): a TrainStep for
   * 'train', an InferenceStep otherwise; `shapes`: the input shapes to trace a model built for any
   * input size with. `release()` it when done.
   */
  async executable<L>(kind: StepKind, dtypes?: DataDtypes, steps = 1, shapes?: SymShape[]): Promise<{ exe: Executable; layout: L; backend: Backend; release: () => void }> {
    const backend = await this.getBackend();
    const { exe, layout, release } = await this.steps.get(this, backend, kind, dtypes, steps, shapes);
    return { exe, layout: layout as L, backend, release };
  }

  /** The loss of a one-output model (of the first output when there are several: see `objectives`). */
  get loss(): Loss | null {
    return this.objectives?.outputs[0].loss ?? null;
  }
  /** The metrics of a one-output model (of the first output when there are several: see `objectives`). */
  get compiledMetrics(): Metric[] {
    return this.objectives?.outputs[0].metrics ?? [];
  }

  /** Check x against the model's input shape before any work is done (Keras' input_spec check). */
  checkInputs(xs: Tensor[]): void {
    this.ensureBuilt();
    checkModelInputs(this.name, this.inputs, xs);
  }

  /** Train on arrays `fit(x, y, args)`, or on a generator of [x, y] batches `fit(generator, args)` (or Keras' `fit(generator, null, args)`). */
  fit(x: Tensor | Tensor[], y: Tensor | Tensor[], args?: FitArgs): Promise<History>;
  fit(generator: BatchSource, args?: FitArgs): Promise<History>;
  fit(generator: BatchSource, y: null | undefined, args?: FitArgs): Promise<History>;
  fit(x: Tensor | Tensor[] | BatchSource, yOrArgs?: Tensor | Tensor[] | FitArgs | null, args: FitArgs = {}): Promise<History> {
    const [y, options] = splitGeneratorArgs(x, yOrArgs, args);
    return runFit(this, x, y, options);
  }
  /**
   * `evaluate(x, y, args)` or `evaluate(generator, args)`: the loss, or a list in Keras' order when
   * there are metrics or several outputs: `loss`, each output's loss, then the metrics (see `metricsNames`).
   * Say which you expect with the type argument, as for predict: `const score = await
   * model.evaluate<number[]>(x, y)` (then `score[1]` is a number under `strict`).
   */
  evaluate<T extends number | number[] = number | number[]>(x: Tensor | Tensor[], y: Tensor | Tensor[], args?: EvaluateArgs): Promise<T>;
  evaluate<T extends number | number[] = number | number[]>(generator: BatchSource, args?: EvaluateArgs): Promise<T>;
  evaluate<T extends number | number[] = number | number[]>(generator: BatchSource, y: null | undefined, args?: EvaluateArgs): Promise<T>;
  evaluate<T extends number | number[] = number | number[]>(
    x: Tensor | Tensor[] | BatchSource,
    yOrArgs?: Tensor | Tensor[] | EvaluateArgs | null,
    args: EvaluateArgs = {},
  ): Promise<T> {
    const [y, options] = splitGeneratorArgs(x, yOrArgs, args);
    return runEvaluate(this, x, y, options) as Promise<T>;
  }
  /**
   * The model's outputs for x (arrays or a generator): a Tensor for a one-output model, a list of
   * Tensors (one per output, in order) for several, as Keras returns; say which you expect with
   * the type argument: `const [a, b] = await model.predict<Tensor[]>([xa, xb])`.
   */
  predict<T extends Tensor | Tensor[] = Tensor>(x: Tensor | Tensor[] | BatchSource, args: PredictArgs = {}): Promise<T> {
    return runPredict(this, x, args) as Promise<T>;
  }
  /** Keras 2 spellings the tutorial uses (fit_generator, evaluate_generator, predict_generator). */
  fitGenerator(generator: BatchSource, args: FitArgs = {}): Promise<History> {
    return runFit(this, generator, undefined, args);
  }
  evaluateGenerator<T extends number | number[] = number | number[]>(generator: BatchSource, args: EvaluateArgs = {}): Promise<T> {
    return runEvaluate(this, generator, undefined, args) as Promise<T>;
  }
  /**
   * Keras 2's predict_generator. `steps` may also come second as in Keras 2
   * (`model.predictGenerator(gen, gen.samples / 32)`); a fractional count is rounded up.
   */
  predictGenerator<T extends Tensor | Tensor[] = Tensor>(generator: BatchSource, args: PredictArgs | number = {}): Promise<T> {
    return runPredict(this, generator, typeof args === 'number' ? { steps: args } : args) as Promise<T>;
  }

  /** The layer graph as data: layers, then every layer call with the tensors it consumed. */
  override getConfig(): Record<string, unknown> {
    return functionalConfig(this);
  }

  static fromConfig(config: any): Model {
    const model = new Model({ name: config.name, ...rebuildFunctionalGraph(config) });
    // The layers came with their own flags: only the model's is set here.
    model.setOwnTrainable(config.trainable ?? true);
    return model;
  }

  /**
   * Write an inference model for another runtime: `{ format: 'onnx' }` writes an ONNX file
   * (through @layerwise/backend-onnx) whose outputs match `predict`.
   */
  export(path: string, options: { format?: string } = {}): Promise<void> {
    return exportModel(this, path, options);
  }

  /**
   * Keras' model.save: architecture, weights, compile configuration and optimizer state in one
   * file (temp file + rename), in the format its name says: `.keras` (Keras 3's, recommended),
   * `.h5` (Keras 2's), `model.json` (TensorFlow.js) or `.lw` (Layerwise's own).
   */
  save(path: string): Promise<void> {
    return saveModelAs(this, path);
  }
  /**
   * Keras' save_weights: `x.weights.h5` in Keras 3's layout, `x.h5` in Keras 2's (both open in
   * Keras), any other name in Layerwise's own format. Temp file + rename.
   */
  saveWeights(path: string): Promise<void> {
    return saveWeights(this, path);
  }
  /**
   * Keras' load_weights: Keras 3 `.weights.h5`, Keras 2 `.h5` (the files Keras publishes; with
   * `byName` / `skipMismatch` as Keras' by_name / skip_mismatch) or Layerwise's own file. All
   * shapes are checked before any weight is assigned (a WeightsError names file, layer, weight).
   */
  loadWeights(path: string, options?: LoadWeightsOptions): Promise<void> {
    return loadWeights(this, path, options);
  }

  /** What evaluate() returns, in its order (Keras' order: `loss`, each output's loss, then the metrics). */
  get metricsNames(): string[] {
    return this.objectives?.evaluationOrder ?? ['loss'];
  }

  /** Output shape of the whole model. */
  get outputShape(): SymShape | SymShape[] {
    return this.outputs.length === 1 ? this.outputs[0].shape : this.outputs.map((o) => o.shape);
  }
}

function unique<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}
registerLayer(Model, '@layerwise/core');


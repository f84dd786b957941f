import { ConfigError, ShapeError, WeightsError } from '../errors.js';
import { formatShape, placeholder, withScope, type SymShape, type Value } from '../ir/graph.js';
import { div, maximum, scalar, sizeOf } from '../ops/index.js';
import { getInitializer, serializeInitializer, type Initializer, type InitializerIdentifier } from '../initializers/initializers.js';
import { getRegularizer, serializeRegularizer, type L1L2, type RegularizerIdentifier } from '../regularizers/regularizers.js';
import { checkOptions, keysOf } from '../options.js';
import { checkNewWeight } from '../saving/guard.js';
import { Tensor, type DType } from '../tensor/tensor.js';
import { TraceContext } from './context.js';
import { checkInputSpec, type InputSpec } from './input-spec.js';
import { Variable, initialValuesDeferred } from './variable.js';

export type { InputSpec } from './input-spec.js';

export interface LayerArgs {
  name?: string;
  trainable?: boolean;
  /** Shape of one sample (no batch dimension), as Keras' input_shape. */
  inputShape?: (number | null)[];
  /** Keras' input_dim: shorthand for inputShape [inputDim]. */
  inputDim?: number;
  batchSize?: number;
  dtype?: DType;
  /** A penalty on the layer's outputs, added to the loss (Keras' activity_regularizer). */
  activityRegularizer?: RegularizerIdentifier;
}

/** The arguments every layer takes; a subclass lists its own in `static optionKeys`. */
export const layerArgKeys = keysOf<LayerArgs>()({
  name: true, trainable: true, inputShape: true, inputDim: true, batchSize: true, dtype: true, activityRegularizer: true,
});

/**
 * A layer's own option keys beyond LayerArgs, every one listed (TypeScript checks):
 * `static override optionKeys = layerOptions<DenseArgs>()({ activation: true, … })`.
 */
export const layerOptions = <T extends LayerArgs>() => keysOf<Omit<T, keyof LayerArgs>>();

/** A weight's initializer and regularizer, resolved from the layer's arguments by `weightOptions`. */
export interface WeightOptions {
  initializer: Initializer;
  regularizer: L1L2 | null;
}

// ---- names, as Keras makes them: dense, dense_1, dense_2 … ----
const nameCounts = new Map<string, number>();
export function uniqueName(base: string): string {
  const n = nameCounts.get(base) ?? 0;
  nameCounts.set(base, n + 1);
  return n === 0 ? base : `${base}_${n}`;
}
/** Forget generated names (keras.backend.clear_session). */
export function clearSession(): void {
  nameCounts.clear();
}
/** Keras' to_snake_case (keras/src/utils/naming.py): Conv2D → conv2d, MaxPooling2D → max_pooling2d. */
export function toSnakeCase(name: string): string {
  return name
    .replace(/\W+/g, '')
    .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

/** A tensor in a model definition: a shape, and the layer call that produces it. */
export class SymbolicTensor {
  constructor(
    readonly shape: SymShape,
    readonly dtype: DType,
    readonly node: LayerNode,
    readonly index: number,
  ) {}
  toString(): string {
    return `<SymbolicTensor shape=${formatShape(this.shape)}, dtype=${this.dtype}, source=${this.node.layer.name}>`;
  }
}

/** One call of a layer in a model definition. */
export class LayerNode {
  outputs: SymbolicTensor[] = [];
  constructor(
    readonly layer: Layer,
    readonly inputs: SymbolicTensor[],
  ) {}
}

export type LayerClass = (new (...args: any[]) => Layer) & { className: string; fromConfig?(config: any): Layer };
const layerClasses = new Map<string, LayerClass>();

/** Register a layer class so saved models can find it by its class name (what plugins call). */
export function registerLayer(cls: LayerClass, plugin = 'a Layerwise layer plugin'): void {
  layerClasses.set(cls.className, cls);
  pluginOf.set(cls.className, plugin);
}
const pluginOf = new Map<string, string>();
export function getLayerClass(className: string): LayerClass {
  const cls = layerClasses.get(className);
  if (!cls)
    throw new ConfigError(
      `Unknown layer class '${className}'. If it comes from a plugin, import that package before loading (for the catalogue: import '@layerwise/layers'). Registered: ${[...layerClasses.keys()].join(', ')}`,
    );
  return cls;
}

/**
 * The base of every layer. A subclass declares what inputs it takes (`inputSpec`), creates its
 * weights in `build` and writes `call` in IR ops; input checks, tracing, activity
 * regularization, weights and serialization come from here.
 */
export abstract class Layer {
  static className = 'Layer';
  /**
   * The options this class takes beyond LayerArgs (declare with `keysOf<XArgs>()`): the base
   * constructor refuses any other key, with a suggestion, as Keras refuses unknown kwargs.
   */
  static optionKeys: readonly string[] = [];
  name: string;
  private _trainable: boolean;
  built = false;
  dtype: DType;
  /** [batch, ...inputShape] when the layer was given inputShape/inputDim. */
  batchInputShape: SymShape | null = null;
  readonly inboundNodes: LayerNode[] = [];
  /** What the layer accepts, checked before every build and call (a layer may narrow it in `build`). */
  inputSpec: InputSpec | null = null;
  readonly activityRegularizer: L1L2 | null;
  protected _weights: Variable[] = [];
  /** The initializer/regularizer arguments of each weight, for getConfig. */
  private readonly weightArguments = new Map<string, { options: WeightOptions; regularizable: boolean }>();

  constructor(args: LayerArgs = {}) {
    const cls = this.constructor as typeof Layer;
    checkOptions(args?.name ? `${cls.className} '${args.name}'` : cls.className, args, [...layerArgKeys, ...cls.optionKeys]);
    this.name = args.name ?? uniqueName(toSnakeCase(cls.className));
    this._trainable = args.trainable ?? true;
    this.dtype = args.dtype ?? 'float32';
    if (args.inputShape) this.batchInputShape = [args.batchSize ?? null, ...args.inputShape];
    else if (args.inputDim !== undefined) this.batchInputShape = [args.batchSize ?? null, args.inputDim];
    this.activityRegularizer = getRegularizer(args.activityRegularizer, 'activityRegularizer');
  }

  get className(): string {
    return (this.constructor as typeof Layer).className;
  }

  /**
   * Keras 3's `trainable`: false takes the layer's weights out of `trainableWeights` (a frozen
   * BatchNormalization also normalizes with its moving statistics), and setting it sets every
   * layer inside too (a model's layers). A model's training fixes the values it uses when it
   * first runs after `compile`, until the next `compile`, as in Keras 3.
   */
  get trainable(): boolean {
    return this._trainable;
  }
  set trainable(value: boolean) {
    if (typeof value !== 'boolean') throw new ConfigError(`Layer '${this.name}': trainable must be true or false, got ${String(value)}`);
    this._trainable = value;
    for (const layer of this.sublayers) layer.trainable = value;
  }

  /** Sets this layer's own flag only (loading a saved model, or compile's snapshot), leaving the layers inside as they are. */
  setOwnTrainable(value: boolean): void {
    this._trainable = value;
  }

  /** The layers this layer holds (a model's layers), which `trainable` reaches. */
  get sublayers(): Layer[] {
    return [];
  }

  /** Create weights once the input shape is known. */
  build(_inputShape: SymShape | SymShape[]): void {}

  /** The computation, in IR ops. */
  abstract call(inputs: Value | Value[], ctx: TraceContext): Value | Value[];

  /**
   * Resolves a weight's `<name>Initializer` / `<name>Regularizer` arguments now (a typo fails at
   * construction, naming the argument) and records them for getConfig; pass the result to
   * addWeight. Leave `regularizer` out for weights that take none (BatchNormalization's moving
   * statistics); pass null when the argument was not given.
   */
  protected weightOptions(name: string, initializer: InitializerIdentifier, regularizer?: RegularizerIdentifier): WeightOptions {
    const options = { initializer: getInitializer(initializer, `${name}Initializer`), regularizer: getRegularizer(regularizer, `${name}Regularizer`) };
    this.weightArguments.set(name, { options, regularizable: regularizer !== undefined });
    return options;
  }

  addWeight(
    name: string,
    shape: number[],
    opts: { initializer?: InitializerIdentifier; trainable?: boolean; regularizer?: RegularizerIdentifier; dtype?: DType } = {},
  ): Variable {
    // Before anything is allocated: a sane shape, and while loading a file, one it holds.
    checkNewWeight(this.name, name, shape);
    const init = getInitializer(opts.initializer ?? 'glorot_uniform');
    const dtype = opts.dtype ?? 'float32';
    const make = () => {
      const value = init.call(shape);
      return dtype === 'float32' ? value : value.astype(dtype);
    };
    const initial = initialValuesDeferred() ? { shape, dtype, make } : make();
    const v = new Variable(`${this.name}/${name}`, initial, opts.trainable ?? true, getRegularizer(opts.regularizer));
    this._weights.push(v);
    return v;
  }

  /**
   * All weights in Keras 3's order (layer.weights): those created trainable, then those created
   * non-trainable, each group in creation order — BatchNormalization's gamma, beta, moving_mean,
   * moving_variance. The order does not change when `trainable` is switched.
   */
  get weights(): Variable[] {
    return [...this._weights.filter((w) => w.trainable), ...this._weights.filter((w) => !w.trainable)];
  }
  get trainableWeights(): Variable[] {
    return this.trainable ? this.weights.filter((w) => w.trainable) : [];
  }
  get nonTrainableWeights(): Variable[] {
    return this.trainable ? this.weights.filter((w) => !w.trainable) : this.weights;
  }
  countParams(): number {
    return this._weights.reduce((n, w) => n + w.size, 0);
  }
  getWeights(): Tensor[] {
    return this.weights.map((w) => w.value);
  }
  /** Set `weights` from arrays in the same order; every shape is checked before any weight changes. */
  setWeights(values: Tensor[]): void {
    const ws = this.weights;
    if (values.length !== ws.length)
      throw new WeightsError(
        `setWeights on ${this.className} '${this.name}': got a list of ${values.length} arrays, but it has ${ws.length} weights (${ws.map((w) => w.name).join(', ')})`,
      );
    ws.forEach((w, i) => {
      const shape = values[i]?.shape;
      if (!shape || shape.length !== w.shape.length || shape.some((d, j) => d !== w.shape[j]))
        throw new WeightsError(
          `setWeights on ${this.className} '${this.name}': array ${i} has shape ${shape ? formatShape(shape) : String(values[i])}, but weight '${w.name}' has shape ${formatShape(w.shape)}; no weight was changed`,
        );
    });
    ws.forEach((w, i) => w.assign(values[i]));
  }

  /** Build (if needed) and call on symbolic values, attributing errors to this layer. */
  invoke(inputs: Value | Value[], ctx: TraceContext): Value | Value[] {
    return withScope(this.name, () => {
      // A one-input layer called on a list of one takes that tensor, as Keras flattens it.
      const oneInput = this.inputSpec !== null && (this.inputSpec.count ?? 1) === 1;
      const x = oneInput && Array.isArray(inputs) && inputs.length === 1 ? inputs[0] : inputs;
      const shapes = Array.isArray(x) ? x.map((v) => v.shape) : x.shape;
      if (this.inputSpec) checkInputSpec(this.inputSpec, shapes, `'${this.name}' (${this.className})`);
      if (!this.built) {
        this.build(shapes);
        this.built = true;
      }
      const outputs = this.call(x, ctx);
      if (this.activityRegularizer) for (const y of Array.isArray(outputs) ? outputs : [outputs]) ctx.addLoss(this.activityPenalty(this.activityRegularizer, y));
      return outputs;
    });
  }

  /**
   * Keras 3.15's Layer.__call__: the activity penalty of an output divided by the batch size
   * (divide_no_nan: an empty batch adds nothing), so its weight does not depend on the batch size.
   */
  private activityPenalty(regularizer: L1L2, y: Value): Value {
    const penalty = regularizer.penalty(y);
    return y.rank === 0 ? penalty : div(penalty, maximum(sizeOf(y, [0]), scalar(1)));
  }

  /** Output shape for an input shape, found by tracing `call` (so it can never disagree with it). */
  computeOutputShape(inputShape: SymShape | SymShape[]): SymShape | SymShape[] {
    const multi = Array.isArray(inputShape[0]) || (Array.isArray(inputShape) && inputShape.length === 0);
    const ins = multi ? (inputShape as SymShape[]).map((s) => placeholder(s, this.dtype)) : placeholder(inputShape as SymShape, this.dtype);
    const out = this.invoke(ins, new TraceContext(false));
    return Array.isArray(out) ? out.map((o) => o.shape) : out.shape;
  }

  /** Functional API: call the layer on symbolic tensors, like Keras' `layer(x)`. */
  apply(inputs: SymbolicTensor | SymbolicTensor[]): SymbolicTensor;
  apply(inputs: SymbolicTensor | SymbolicTensor[]): SymbolicTensor | SymbolicTensor[] {
    const list = Array.isArray(inputs) ? inputs : [inputs];
    for (const t of list)
      if (!(t instanceof SymbolicTensor)) throw new ConfigError(`Layer '${this.name}' was called on ${String(t)}; expected a symbolic tensor from Input() or another layer`);
    const ctx = new TraceContext(false);
    const values = list.map((t) => placeholder(t.shape, t.dtype));
    const out = this.invoke(Array.isArray(inputs) ? values : values[0], ctx);
    const node = new LayerNode(this, list);
    const outs = Array.isArray(out) ? out : [out];
    node.outputs = outs.map((v, i) => new SymbolicTensor(v.shape, v.dtype, node, i));
    this.inboundNodes.push(node);
    return Array.isArray(out) ? node.outputs : node.outputs[0];
  }

  getConfig(): Record<string, unknown> {
    const config: Record<string, unknown> = { name: this.name, trainable: this.trainable, dtype: this.dtype };
    if (this.batchInputShape) config.batchInputShape = this.batchInputShape;
    for (const [name, { options, regularizable }] of this.weightArguments) {
      config[`${name}Initializer`] = serializeInitializer(options.initializer);
      if (regularizable) config[`${name}Regularizer`] = serializeRegularizer(options.regularizer);
    }
    // As Keras' base get_config: present only when set.
    if (this.activityRegularizer) config.activityRegularizer = serializeRegularizer(this.activityRegularizer);
    return config;
  }

  toString(): string {
    return `<${this.className} name=${this.name}>`;
  }
}

/** Turn a saved config back into constructor args (batchInputShape → inputShape, batchSize). */
export function argsFromConfig<T extends Record<string, unknown>>(config: T): T & LayerArgs {
  const { batchInputShape, ...rest } = config as T & { batchInputShape?: SymShape };
  const args: Record<string, unknown> = { ...rest };
  if (batchInputShape) {
    args.inputShape = batchInputShape.slice(1);
    if (batchInputShape[0] !== null) args.batchSize = batchInputShape[0];
  }
  return args as T & LayerArgs;
}

export interface InputArgs {
  shape?: (number | null)[];
  batchShape?: SymShape;
  batchSize?: number;
  dtype?: DType;
  name?: string;
}
const inputArgKeys = keysOf<InputArgs>()({ shape: true, batchShape: true, batchSize: true, dtype: true, name: true });

/** The layer behind `Input()`: produces the model's input tensor. */
export class InputLayer extends Layer {
  static override className = 'InputLayer';
  constructor(args: InputArgs = {}) {
    checkOptions('InputLayer', args, inputArgKeys);
    super({ name: args.name ?? uniqueName('input_layer'), dtype: args.dtype });
    const batchShape = args.batchShape ?? (args.shape ? [args.batchSize ?? null, ...args.shape] : null);
    if (!batchShape) throw new ConfigError(`InputLayer '${this.name}': give 'shape' (one sample's shape) or 'batchShape'`);
    this.batchInputShape = batchShape;
    this.built = true;
    const node = new LayerNode(this, []);
    node.outputs = [new SymbolicTensor(batchShape, this.dtype, node, 0)];
    this.inboundNodes.push(node);
  }
  get output(): SymbolicTensor {
    return this.inboundNodes[0].outputs[0];
  }
  call(inputs: Value | Value[]): Value | Value[] {
    return inputs;
  }
  override getConfig() {
    return { name: this.name, batchShape: this.batchInputShape, dtype: this.dtype };
  }
  static fromConfig(config: { name: string; batchShape: SymShape; dtype?: DType }): InputLayer {
    return new InputLayer(config);
  }
}
registerLayer(InputLayer, '@layerwise/core');

/** `Input({ shape: [784] })`: a symbolic model input, as keras.Input. */
export function Input(args: InputArgs): SymbolicTensor {
  checkOptions('Input', args, inputArgKeys);
  return new InputLayer(args).output;
}

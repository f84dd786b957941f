import type { Graph } from '../ir/graph.js';
import type { DType, Tensor } from '../tensor/tensor.js';

/**
 * The contract every compute backend implements. A backend lowers IR ops to its own kernels
 * and holds no model logic: layers, losses and optimizers reach it only as graphs.
 */
export interface Backend {
  /** 'onnx' | 'tfjs' | a plugin's name. */
  readonly name: string;
  /** Lower and prepare a graph. Fails naming the op and its layer when an op has no lowering. */
  compile(graph: Graph, options?: CompileOptions): Promise<Executable>;
  /** Host → backend. May wrap the host buffer rather than copy it. */
  upload(t: Tensor): DeviceValue;
  /** One line for logs: what this backend runs on. */
  describe?(): string;
  /**
   * Whether inference graphs (predict) should hold this weight as a constant compiled into the
   * executable instead of taking it as an input at every run. A backend says yes where constants
   * pay: it can fold and pre-pack them once (ONNX Runtime folds the kernel transposes and
   * BatchNormalization into the convolutions). Core rebuilds such a graph when a weight it holds
   * is assigned a new value. Without this method every weight is an input.
   */
  bakeWeight?(weight: WeightInfo): boolean;
  /** Write a graph as a standalone model file in this backend's format ('onnx' …), if it has one. */
  exportGraph?(graph: Graph, path: string, format: string): Promise<void>;
}

/** What `bakeWeight` is asked about: a weight's name, shape, dtype and number of elements. */
export interface WeightInfo {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: DType;
  readonly size: number;
}

export interface CompileOptions {
  /** A name for logs and error messages ('train_step', 'predict' …). */
  name?: string;
  /**
   * What the graph is for: a training step ('train'), evaluate's and fit's validation step
   * ('test'), or predict's forward pass ('predict'). A backend may plan memory by it: predict's
   * graphs run on their own, where a test step runs between training steps whose peak anything it
   * keeps adds to. Unset: treat it as a training step.
   */
  kind?: StepKind;
}

/** What a compiled graph is for (see CompileOptions.kind). */
export type StepKind = 'train' | 'test' | 'predict';

/** A compiled graph. `run` takes one value per `graph.feeds` entry and returns one per output. */
export interface Executable {
  run(feeds: readonly DeviceValue[]): Promise<DeviceValue[]>;
  dispose(): void;
}

/** A value held by a backend. */
export interface DeviceValue {
  readonly shape: readonly number[];
  readonly dtype: DType;
  /** Backend → host. */
  read(): Promise<Tensor>;
  dispose(): void;
}

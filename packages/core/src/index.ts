// @layerwise/core's public API: what README.md documents, by topic. Anything else in src/ is
// internal (test/repo/exports.test.ts checks every export is documented).

// Errors
export { LayerwiseError, ShapeError, ConfigError, DataError, WeightsError, BackendUnavailableError, UnsupportedOpError } from './errors.js';

// Options objects checked by name (every package's entry points use this)
export { checkOptions, describeValue, didYouMean, keysOf, suggestKey } from './options.js';

// Host tensors and randomness
export { Tensor, tensor, toCategorical, type DType, type TypedArray, type Shape } from './tensor/tensor.js';
export { stack, concatenate } from './tensor/join.js';
export { Generator, setSeed, rng } from './random/random.js';

// The IR: values, nodes, graphs, ops, autodiff (for layer, op and backend authors)
export { Value, Node, Graph, placeholder, withScope, applyOp, formatShape, type Dim, type SymShape, type Attrs, type OutputSpec, type OpDef, type GradContext } from './ir/graph.js';
export { gradients } from './ir/autodiff.js';
export * as ops from './ops/index.js';
export { opRegistry, defineOp, apply1 } from './ops/registry.js';

// Backends
export type { Backend, CompileOptions, Executable, DeviceValue, StepKind, WeightInfo } from './backend/backend.js';
export { registerBackend, setBackend, getBackend } from './backend/registry.js';

// Layers and models
export { Variable, deferInitialValues, type DeferredValue } from './engine/variable.js';
export { TraceContext } from './engine/context.js';
export { Layer, InputLayer, Input, SymbolicTensor, LayerNode, registerLayer, getLayerClass, argsFromConfig, clearSession, layerOptions, type LayerArgs, type InputArgs, type LayerClass, type InputSpec, type WeightOptions } from './engine/layer.js';
export { Model, type CompileArgs, type ModelArgs, type OptimizerState } from './engine/model.js';
export { Sequential, type SequentialArgs } from './engine/sequential.js';
export { mapGraph, isModel, type LayerGraph } from './engine/graph-walk.js';
export { summarize, printSummary, type SummaryOptions } from './engine/summary.js';
export { isBatchSource, type Batch, type BatchSource } from './batches/source.js';
export type { FitArgs } from './training/fit.js';
export type { EvaluateArgs } from './inference/evaluate.js';
export type { PredictArgs } from './inference/predict.js';
export { Objectives, type OutputObjective, type LossArg, type LossWeightsArg, type MetricsArg, type LossId, type MetricId } from './training/objectives.js';

// Initializers, regularizers, losses, metrics, optimizers
export {
  Initializer, Zeros, Ones, Constant, RandomUniform, RandomNormal, TruncatedNormal, VarianceScaling,
  GlorotUniform, GlorotNormal, HeUniform, HeNormal, LecunUniform, LecunNormal,
  getInitializer, serializeInitializer, type InitializerIdentifier,
} from './initializers/initializers.js';
export { L1L2, L1, L2, regularizers, getRegularizer, serializeRegularizer, type RegularizerIdentifier } from './regularizers/regularizers.js';
export { CategoricalCrossentropy, SparseCategoricalCrossentropy, BinaryCrossentropy, MeanSquaredError, MeanAbsoluteError, getLoss, losses, type Loss } from './losses/losses.js';
export { categoricalAccuracy, sparseCategoricalAccuracy, binaryAccuracy, topKCategoricalAccuracy, TopKCategoricalAccuracy, getMetric, type Metric } from './metrics/metrics.js';
export { Optimizer, SGD, Adagrad, RMSprop, Adam, Adadelta, getOptimizer, optimizers, type OptimizerArgs, type StepValues } from './optimizers/optimizers.js';
export { setKerasDefaults, getKerasDefaults, KERAS_DEFAULT_LEARNING_RATES, type KerasVersion } from './optimizers/keras-defaults.js';

// Callbacks
export { Callback, CallbackList, History, type Logs, type TrainParams } from './callbacks/callback.js';
export { Progbar, ProgbarLogger } from './callbacks/progbar.js';
export { EarlyStopping, ModelCheckpoint, TerminateOnNaN, LearningRateScheduler, CSVLogger, type EarlyStoppingArgs, type ModelCheckpointArgs } from './callbacks/callbacks.js';

// Files
export type { LoadWeightsOptions } from './saving/weights.js';
export { atomicWrite } from './saving/container.js';
export { writeAtomically, removeStaleTemps, tempPathFor, isProcessAlive } from './saving/atomic.js';
export { readFileHead } from './saving/file-head.js';
export { crc32 } from './saving/crc32.js';
export { isZip, readZip, writeZip, type ReadZipOptions } from './saving/zip.js';
export { loadModel, modelFormatFor, type ModelFormat } from './saving/model-files.js';

// The layer catalogue. Importing this package registers every layer class for loading saved models.
export * from './activations.js';
export * from './core/dense.js';
export * from './core/activation.js';
export * from './regularization/dropout.js';
export * from './reshaping/flatten.js';
export * from './reshaping/reshape.js';
export * from './reshaping/image-reshaping.js';
export * from './normalization/batch-normalization.js';
export * from './normalization/layer-normalization.js';
export * from './convolutional/base-conv.js';
export * from './convolutional/conv2d.js';
export * from './convolutional/depthwise-conv2d.js';
export * from './convolutional/separable-conv2d.js';
export * from './convolutional/conv2d-transpose.js';
export * from './pooling/pooling2d.js';
export * from './merging/merge.js';
export * from './preprocessing/rescaling.js';
export { normalizeTuple } from './utils.js';

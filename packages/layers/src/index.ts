// The layer catalogue. Importing this package registers every layer class for loading saved models.
export * from './activations.js';
export * from './core/dense.js';
export * from './core/activation.js';
export * from './regularization/dropout.js';
export * from './reshaping/flatten.js';
export * from './normalization/batch-normalization.js';

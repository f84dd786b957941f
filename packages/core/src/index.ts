export * from './errors.js';
export * from './tensor/tensor.js';
export * from './random/random.js';
export * from './ir/graph.js';
export * from './ir/autodiff.js';
export * as ops from './ops/index.js';
export { opRegistry, defineOp } from './ops/registry.js';
export * from './backend/backend.js';
export * from './backend/registry.js';

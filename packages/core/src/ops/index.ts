// The op set. Each family file holds its ops' definitions, shape rules and gradients.
export * from './registry.js';
export * from './elementwise.js';
export * from './shape.js';
export * from './reduce.js';
export * from './matmul.js';
export * from './nn.js';
export * from './conv.js';
export * from './pool.js';

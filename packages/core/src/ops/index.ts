// The op set. Each family file holds its ops' definitions, shape rules, gradients and
// attribute types; backends lower each family in a file of the same name.
export * from './registry.js';
export * from './constant.js';
export * from './elementwise.js';
export * from './shape.js';
export { ExpandLike, Tile, expandLike, tile, sumTo, type TileAttrs } from './broadcast.js';
export * from './reduce.js';
export * from './matmul.js';
export * from './nn.js';
export * from './conv.js';
export * from './pool.js';

import { ops } from '@layerwise/core';
import { lower } from './table.js';

export const broadcast = [
  lower(ops.ExpandLike, (n, g) => g.node('Expand', [n.in(0), g.node('Shape', [n.in(1)])])),
  lower(ops.Tile, (n, g) => g.node('Tile', [n.in(0), g.int64(n.attrs.repeats)])),
];

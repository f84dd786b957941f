// @layerwise/example-layer-plugin: importing it registers the ScaledSwish layer (for
// model files) and defines its custom op. Backends learn the op from './onnx' and './tfjs'.
export { ScaledSwish, type ScaledSwishArgs } from './layer.js';
export { ScaledSwishOp, scaledSwish } from './op.js';

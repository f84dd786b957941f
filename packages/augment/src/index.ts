export { applyAffineTransform, affineMatrix, transformMatrixOffsetCenter, type FillMode, type AffineParams, type AffineOptions } from './affine.js';
export { flipAxis, applyChannelShift, applyBrightnessShift } from './ops.js';
export { ImageDataGenerator, type ImageDataGeneratorOptions, type TransformParameters, type TransformInput, type FitOptions, type ShiftRange, type ShiftAxes, type DataFormat } from './generator.js';
export { NumpyArrayIterator, type FlowOptions, type FlowBatch } from './numpy-iterator.js';

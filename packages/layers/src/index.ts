// The layer catalogue. Importing this package registers every layer class for loading saved
// models. The public API is what README.md documents: the layers, their argument types and
// Keras' activations.
export { activations, getActivation, type ActivationIdentifier } from './activations.js';
export { Dense, type DenseArgs } from './core/dense.js';
export { Activation } from './core/activation.js';
export { ReLU, type ReLUArgs } from './core/relu.js';
export { Dropout, type DropoutArgs } from './regularization/dropout.js';
export { Flatten } from './reshaping/flatten.js';
export { Reshape, Permute, RepeatVector } from './reshaping/reshape.js';
export { ZeroPadding2D, Cropping2D, UpSampling2D, type ZeroPadding2DArgs, type UpSampling2DArgs } from './reshaping/image-reshaping.js';
export { BatchNormalization, type BatchNormalizationArgs } from './normalization/batch-normalization.js';
export { LayerNormalization, type LayerNormalizationArgs } from './normalization/layer-normalization.js';
export { Conv2D, type Conv2DArgs } from './convolutional/conv2d.js';
export { DepthwiseConv2D, type DepthwiseConv2DArgs } from './convolutional/depthwise-conv2d.js';
export { SeparableConv2D, type SeparableConv2DArgs } from './convolutional/separable-conv2d.js';
export { Conv2DTranspose, type Conv2DTransposeArgs } from './convolutional/conv2d-transpose.js';
export { MaxPooling2D, AveragePooling2D, GlobalAveragePooling2D, GlobalMaxPooling2D, type Pooling2DArgs, type GlobalPooling2DArgs } from './pooling/pooling2d.js';
export { Concatenate, Add, Subtract, Multiply, Average, Maximum, Minimum, type ConcatenateArgs } from './merging/merge.js';
export { Rescaling } from './preprocessing/rescaling.js';

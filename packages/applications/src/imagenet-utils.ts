// The checks every Keras application runs on its arguments (keras/src/applications/imagenet_utils.py),
// with Keras' messages.
import { ConfigError, type SymbolicTensor } from '@layerwise/core';

export type ImageDataFormat = 'channels_last' | 'channels_first';
export type InputShape = (number | null)[];

/** Python's repr of a shape tuple: (224, 224, 3), (None, None, 3). */
export function pyShape(shape: readonly (number | null)[]): string {
  const items = shape.map((d) => (d === null ? 'None' : String(d)));
  return `(${items.join(', ')}${items.length === 1 ? ',' : ''})`;
}

const sameShape = (a: readonly (number | null)[], b: readonly (number | null)[]) => a.length === b.length && a.every((d, i) => d === b[i]);

export interface ObtainInputShapeArgs {
  defaultSize: number;
  minSize: number;
  dataFormat: ImageDataFormat;
  /** Whether the model ends in a classifier that needs a fixed size (include_top). */
  requireFlatten: boolean;
  weights: string | null;
}

/**
 * Keras' obtain_input_shape: the input shape a model is built for, from the user's inputShape
 * (or the default), with the same checks and messages: 3 channels for ImageNet weights, a
 * minimum height and width, the default shape when the ImageNet classifier is loaded.
 */
export function obtainInputShape(inputShape: InputShape | null | undefined, args: ObtainInputShapeArgs): InputShape {
  const { defaultSize, minSize, dataFormat, requireFlatten, weights } = args;
  const given = inputShape && inputShape.length ? inputShape : null;
  let defaultShape: InputShape;
  if (weights !== 'imagenet' && given && given.length === 3) {
    const channels = dataFormat === 'channels_first' ? given[0] : given[2];
    if (channels !== 1 && channels !== 3)
      console.warn(`This model usually expects 1 or 3 input channels. However, it was passed an input_shape with ${dataFormat === 'channels_first' ? given[0] : given[2]} input channels.`);
    defaultShape = dataFormat === 'channels_first' ? [given[0], defaultSize, defaultSize] : [defaultSize, defaultSize, given[2]];
  } else defaultShape = dataFormat === 'channels_first' ? [3, defaultSize, defaultSize] : [defaultSize, defaultSize, 3];

  if (weights === 'imagenet' && requireFlatten) {
    if (inputShape && !sameShape(inputShape, defaultShape))
      throw new ConfigError(
        `When setting \`include_top=True\` and loading \`imagenet\` weights, \`input_shape\` should be ${pyShape(defaultShape)}.  Received: input_shape=${pyShape(inputShape)}`,
      );
    return defaultShape;
  }
  let shape: InputShape;
  if (given) {
    if (given.length !== 3) throw new ConfigError('`input_shape` must be a tuple of three integers.');
    const [channels, rows, cols] = dataFormat === 'channels_first' ? given : [given[2], given[0], given[1]];
    if (channels !== 3 && weights === 'imagenet') throw new ConfigError(`The input must have 3 channels; Received \`input_shape=${pyShape(given)}\``);
    if ((rows !== null && rows < minSize) || (cols !== null && cols < minSize))
      throw new ConfigError(`Input size must be at least ${minSize}x${minSize}; Received: input_shape=${pyShape(given)}`);
    shape = [...given];
  } else if (requireFlatten) shape = defaultShape;
  else shape = dataFormat === 'channels_first' ? [3, null, null] : [null, null, 3];
  if (requireFlatten && shape.includes(null))
    throw new ConfigError(`If \`include_top\` is True, you should specify a static \`input_shape\`. Received: input_shape=${pyShape(shape)}`);
  return shape;
}

/**
 * Keras' correct_pad: the ((top, bottom), (left, right)) zero padding that makes a stride-2
 * 'valid' convolution of kernel `kernelSize` line up with TensorFlow's 'same'.
 */
export function correctPad(inputs: SymbolicTensor, kernelSize: number | [number, number], dataFormat: ImageDataFormat = 'channels_last'): [[number, number], [number, number]] {
  const [rows, cols] = dataFormat === 'channels_first' ? inputs.shape.slice(2, 4) : inputs.shape.slice(1, 3);
  const [kr, kc] = typeof kernelSize === 'number' ? [kernelSize, kernelSize] : kernelSize;
  const adjust = rows === null ? [1, 1] : [1 - (rows % 2), 1 - ((cols as number) % 2)];
  const correct = [Math.floor(kr / 2), Math.floor(kc / 2)];
  return [
    [correct[0] - adjust[0], correct[0]],
    [correct[1] - adjust[1], correct[1]],
  ];
}

/** Keras' validate_activation: pretrained classifiers only take 'softmax' or no activation. */
export function validateActivation(classifierActivation: string | null, weights: string | null): void {
  if (weights === null) return;
  if (classifierActivation === null || classifierActivation === 'softmax' || classifierActivation === 'linear') return;
  throw new ConfigError(
    `Only \`None\` and \`softmax\` activations are allowed for the \`classifier_activation\` argument when using pretrained weights, with \`include_top=True\`; Received: classifier_activation=${classifierActivation}`,
  );
}

// ResNet50 (keras/src/applications/resnet.py, the v1 residual blocks): a 7×7 stem, four stacks
// of bottleneck blocks (1×1, 3×3, 1×1 convolutions, each with BatchNormalization) added to
// their shortcut, then global average pooling.
import type { Model, SymbolicTensor } from '@layerwise/core';
import { Activation, Add, BatchNormalization, Conv2D, MaxPooling2D, ZeroPadding2D } from '@layerwise/layers';
import { buildDeferred, finishModel, head, imageInput, resolveOptions, type ApplicationOptions } from '../common.js';
import { VGG_MESSAGES } from '../messages.js';
import { WEIGHTS_FILES } from '../weights.js';

const bn = (name: string) => new BatchNormalization({ axis: 3, epsilon: 1.001e-5, name });

/** Keras' residual_block_v1. */
function residualBlock(x: SymbolicTensor, filters: number, name: string, stride = 1, convShortcut = true): SymbolicTensor {
  let shortcut = x;
  if (convShortcut) {
    shortcut = new Conv2D(4 * filters, 1, { strides: stride, name: `${name}_0_conv` }).apply(x);
    shortcut = bn(`${name}_0_bn`).apply(shortcut);
  }
  let y = new Conv2D(filters, 1, { strides: stride, name: `${name}_1_conv` }).apply(x);
  y = bn(`${name}_1_bn`).apply(y);
  y = new Activation('relu', { name: `${name}_1_relu` }).apply(y);
  y = new Conv2D(filters, 3, { padding: 'same', name: `${name}_2_conv` }).apply(y);
  y = bn(`${name}_2_bn`).apply(y);
  y = new Activation('relu', { name: `${name}_2_relu` }).apply(y);
  y = new Conv2D(4 * filters, 1, { name: `${name}_3_conv` }).apply(y);
  y = bn(`${name}_3_bn`).apply(y);
  y = new Add({ name: `${name}_add` }).apply([shortcut, y]);
  return new Activation('relu', { name: `${name}_out` }).apply(y);
}

/** Keras' stack_residual_blocks_v1. */
function stack(x: SymbolicTensor, filters: number, blocks: number, name: string, stride1 = 2): SymbolicTensor {
  x = residualBlock(x, filters, `${name}_block1`, stride1);
  for (let i = 2; i <= blocks; i++) x = residualBlock(x, filters, `${name}_block${i}`, 1, false);
  return x;
}

/** Keras' ResNet50: 224×224 input by default (at least 32×32). */
export function ResNet50(options: ApplicationOptions = {}): Promise<Model> {
  return buildDeferred(options, () => buildResNet50(options));
}

async function buildResNet50(options: ApplicationOptions): Promise<Model> {
  const r = resolveOptions(options, 'resnet50', VGG_MESSAGES, 'ResNet50');
  const imgInput = imageInput(r, 224, 32);
  let x = new ZeroPadding2D([[3, 3], [3, 3]], { name: 'conv1_pad' }).apply(imgInput);
  x = new Conv2D(64, 7, { strides: 2, useBias: true, name: 'conv1_conv' }).apply(x);
  x = bn('conv1_bn').apply(x);
  x = new Activation('relu', { name: 'conv1_relu' }).apply(x);
  x = new ZeroPadding2D([[1, 1], [1, 1]], { name: 'pool1_pad' }).apply(x);
  x = new MaxPooling2D({ poolSize: 3, strides: 2, name: 'pool1_pool' }).apply(x);
  x = stack(x, 64, 3, 'conv2', 1);
  x = stack(x, 128, 4, 'conv3');
  x = stack(x, 256, 6, 'conv4');
  x = stack(x, 512, 3, 'conv5');
  x = head(x, r, { topPool: 'avg_pool', avg: 'avg_pool', max: 'max_pool' });
  return finishModel(imgInput, x, r, r.includeTop ? WEIGHTS_FILES.resnet50.top : WEIGHTS_FILES.resnet50.notop);
}

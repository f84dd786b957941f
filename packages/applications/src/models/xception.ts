// Xception (keras/src/applications/xception.py): depthwise separable convolutions in an entry
// flow (with strided 1×1 shortcuts), eight middle-flow residual blocks and an exit flow.
import type { Model, SymbolicTensor } from '@layerwise/core';
import { Activation, Add, BatchNormalization, Conv2D, MaxPooling2D, SeparableConv2D } from '@layerwise/layers';
import { buildDeferred, finishModel, head, imageInput, resolveOptions, type ApplicationOptions } from '../common.js';
import { XCEPTION_MESSAGES } from '../messages.js';
import { WEIGHTS_FILES } from '../weights.js';

const bn = (name?: string) => new BatchNormalization({ axis: -1, ...(name ? { name } : {}) });
const relu = (name: string) => new Activation('relu', { name });
const sepConv = (filters: number, name: string) => new SeparableConv2D(filters, [3, 3], { padding: 'same', useBias: false, name });
/** The strided 1×1 convolution (and its BatchNormalization) on the shortcut; Keras leaves both unnamed. */
function residualConv(x: SymbolicTensor, filters: number): SymbolicTensor {
  const y = new Conv2D(filters, [1, 1], { strides: [2, 2], padding: 'same', useBias: false }).apply(x);
  return bn().apply(y);
}
const pool = (name: string) => new MaxPooling2D({ poolSize: [3, 3], strides: [2, 2], padding: 'same', name });

/** An entry-flow block (block3, block4, block13): two separable convolutions, pooling, plus the shortcut. */
function entryBlock(x: SymbolicTensor, block: number, filters: [number, number]): SymbolicTensor {
  const residual = residualConv(x, filters[1]);
  x = relu(`block${block}_sepconv1_act`).apply(x);
  x = bn(`block${block}_sepconv1_bn`).apply(sepConv(filters[0], `block${block}_sepconv1`).apply(x));
  x = relu(`block${block}_sepconv2_act`).apply(x);
  x = bn(`block${block}_sepconv2_bn`).apply(sepConv(filters[1], `block${block}_sepconv2`).apply(x));
  x = pool(`block${block}_pool`).apply(x);
  return new Add().apply([x, residual]);
}

/** Keras' Xception: 299×299 input by default (at least 71×71). */
export function Xception(options: ApplicationOptions = {}): Promise<Model> {
  return buildDeferred(options, () => buildXception(options));
}

async function buildXception(options: ApplicationOptions): Promise<Model> {
  const r = resolveOptions(options, 'xception', XCEPTION_MESSAGES, 'Xception');
  const imgInput = imageInput(r, 299, 71);
  let x = new Conv2D(32, [3, 3], { strides: [2, 2], useBias: false, name: 'block1_conv1' }).apply(imgInput);
  x = bn('block1_conv1_bn').apply(x);
  x = relu('block1_conv1_act').apply(x);
  x = new Conv2D(64, [3, 3], { useBias: false, name: 'block1_conv2' }).apply(x);
  x = bn('block1_conv2_bn').apply(x);
  x = relu('block1_conv2_act').apply(x);

  // block2 has no activation before its first separable convolution.
  let residual = residualConv(x, 128);
  x = bn('block2_sepconv1_bn').apply(sepConv(128, 'block2_sepconv1').apply(x));
  x = relu('block2_sepconv2_act').apply(x);
  x = bn('block2_sepconv2_bn').apply(sepConv(128, 'block2_sepconv2').apply(x));
  x = pool('block2_pool').apply(x);
  x = new Add().apply([x, residual]);

  x = entryBlock(x, 3, [256, 256]);
  x = entryBlock(x, 4, [728, 728]);

  for (let i = 0; i < 8; i++) {
    residual = x;
    const prefix = `block${i + 5}`;
    for (let j = 1; j <= 3; j++) {
      x = relu(`${prefix}_sepconv${j}_act`).apply(x);
      x = bn(`${prefix}_sepconv${j}_bn`).apply(sepConv(728, `${prefix}_sepconv${j}`).apply(x));
    }
    x = new Add().apply([x, residual]);
  }

  x = entryBlock(x, 13, [728, 1024]);

  x = bn('block14_sepconv1_bn').apply(sepConv(1536, 'block14_sepconv1').apply(x));
  x = relu('block14_sepconv1_act').apply(x);
  x = bn('block14_sepconv2_bn').apply(sepConv(2048, 'block14_sepconv2').apply(x));
  x = relu('block14_sepconv2_act').apply(x);

  x = head(x, r, { topPool: 'avg_pool' });
  return finishModel(imgInput, x, r, r.includeTop ? WEIGHTS_FILES.xception.top : WEIGHTS_FILES.xception.notop);
}

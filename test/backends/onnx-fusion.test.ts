import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Input, Model, Tensor, setSeed, type SymbolicTensor } from '@layerwise/core';
import { Activation, Add, BatchNormalization, Conv2D, DepthwiseConv2D, ReLU } from '@layerwise/layers';
import { OnnxBackend } from '@layerwise/backend-onnx';
import { readOnnxModel } from '../helpers/onnx-check.js';

/**
 * The zoo's blocks at inference, as ONNX Runtime runs them after its graph optimizations: a
 * BatchNormalization behind a convolution folds into the convolution's filter and bias, and the
 * activation (and ResNet's residual add) into the same kernel, so nothing between two convolutions
 * makes a pass over the activations of its own. (BatchNormalization as (x − mean)·inv + beta left a
 * Sub, a Mul and an Add per layer, which ORT cannot fold: ResNet50 ran 1.36× slower.)
 * Level 'extended' is ORT's last level whose optimized file is portable (no NCHWc kernels).
 */
const dir = mkdtempSync(join(tmpdir(), 'lw-onnx-fusion-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const apply = (layer: { apply(x: SymbolicTensor): unknown }, x: SymbolicTensor) => layer.apply(x) as SymbolicTensor;
// `rest`: what ORT leaves beside the convolutions at level 'extended' (ResNet's residual add and its
// relu join the convolution at level 'all', in the NCHWc kernels).
const BLOCKS: { name: string; block: (x: SymbolicTensor) => SymbolicTensor; rest?: string[] }[] = [
  { name: 'Conv2D + BatchNormalization + relu (ResNet50, VGG-style bias)', block: (x) => apply(new Activation('relu'), apply(new BatchNormalization({ epsilon: 1.001e-5 }), apply(new Conv2D(8, 3, { padding: 'same' }), x))) },
  { name: 'Conv2D without bias + BatchNormalization(scale: false) + relu (InceptionV3)', block: (x) => apply(new Activation('relu'), apply(new BatchNormalization({ scale: false }), apply(new Conv2D(8, 3, { useBias: false }), x))) },
  { name: 'DepthwiseConv2D + BatchNormalization + ReLU(6) (MobileNetV2)', block: (x) => apply(new ReLU({ maxValue: 6 }), apply(new BatchNormalization(), apply(new DepthwiseConv2D(3, { useBias: false, padding: 'same' }), x))) },
  {
    name: 'residual: Conv2D + BatchNormalization, added to the input, relu (ResNet50)',
    block: (x) => apply(new Activation('relu'), new Add().apply([x, apply(new BatchNormalization(), apply(new Conv2D(4, 1), x))]) as SymbolicTensor),
    rest: ['Add', 'Relu'],
  },
];

describe('ONNX Runtime folds the zoo blocks into their convolutions', () => {
  it.each(BLOCKS)('$name', async ({ name, block, rest = [] }) => {
    setSeed(3);
    // Between two convolutions, as in the networks: there the layout transposes around the block cancel.
    const inputs = Input({ shape: [6, 6, 4] });
    const outputs = apply(new Conv2D(3, 1, { name: 'head', useBias: false }), block(apply(new Conv2D(4, 1, { name: 'stem' }), inputs)));
    const model = new Model({ inputs, outputs });
    // Moving statistics away from their initial values, so folding them is not a no-op.
    for (const layer of model.layers)
      if (layer instanceof BatchNormalization) {
        const c = layer.movingMean.shape[0] as number;
        layer.movingMean.assign(Tensor.from(Array.from({ length: c }, (_, i) => 0.1 * i - 0.2)));
        layer.movingVariance.assign(Tensor.from(Array.from({ length: c }, (_, i) => 0.5 + 0.25 * i)));
      }
    const file = join(dir, `${name.split(' ')[0]}-${BLOCKS.findIndex((b) => b.name === name)}.onnx`);
    model.setBackend(new OnnxBackend({ graphOptimizationLevel: 'extended', sessionOptions: { optimizedModelFilePath: file } }));
    await model.predict(new Tensor(new Float32Array(2 * 6 * 6 * 4).map((_, i) => Math.sin(i)), [2, 6, 6, 4]), { verbose: 0 });
    const ops = readOnnxModel(readFileSync(file)).nodes.map((n) => n.opType);
    // Transposes between the layers' NHWC and ORT's NCHW convolutions remain only at the graph's ends.
    const convolutions = model.layers.filter((l) => l instanceof Conv2D || l instanceof DepthwiseConv2D).length;
    const isConv = (op: string) => op === 'Conv' || op === 'FusedConv';
    expect(ops.filter(isConv)).toHaveLength(convolutions);
    expect(ops.filter((op) => op !== 'Transpose' && !isConv(op))).toEqual(rest);
    expect(ops.filter((op) => op === 'Transpose').length).toBeLessThanOrEqual(2);
  });
});

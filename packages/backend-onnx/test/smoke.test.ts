import { describe, it, expect } from 'vitest';
import { Graph, placeholder, ops, Tensor, gradients } from '@layerwise/core';
import { backend } from '@layerwise/backend-onnx';

describe('onnx smoke', () => {
  it('runs a small graph with a gradient', async () => {
    const x = placeholder([null, 3], 'float32', 'x');
    const w = placeholder([3, 2], 'float32', 'w');
    const y = ops.softmax(ops.matmul(x, w));
    const loss = ops.mean(ops.log(y));
    const [gw] = gradients(loss, [w]);
    const exe = await backend.compile(new Graph([x, w], [y, loss, gw!]));
    const out = await exe.run([backend.upload(Tensor.from([[1, 2, 3], [4, 5, 6]])), backend.upload(Tensor.from([[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]]))]);
    const [yv, lv, gv] = await Promise.all(out.map((o) => o.read()));
    expect(yv.shape).toEqual([2, 2]);
    expect(lv.shape).toEqual([]);
    expect(gv.shape).toEqual([3, 2]);
  });
});

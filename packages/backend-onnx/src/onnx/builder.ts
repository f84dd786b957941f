import { Tensor } from '@layerwise/core';
import type { AttrValue, Initializer, NodeSpec } from './model.js';

/** Builds the ONNX node list while ops are lowered; knows the opset so lowerings can branch on it. */
export class OnnxGraphBuilder {
  readonly nodes: NodeSpec[] = [];
  readonly initializers: Initializer[] = [];
  private counter = 0;
  private constCache = new Map<string, string>();

  constructor(readonly opset: number) {}

  fresh(hint: string): string {
    return `${hint}_${this.counter++}`;
  }

  /** Emit a node; returns its output names. */
  nodeN(opType: string, inputs: string[], attrs: Record<string, AttrValue> = {}, outputs = 1): string[] {
    const names = Array.from({ length: outputs }, () => this.fresh(opType));
    this.nodes.push({ opType, inputs, outputs: names, attrs, name: this.fresh(`n_${opType}`) });
    return names;
  }
  node(opType: string, inputs: string[], attrs: Record<string, AttrValue> = {}): string {
    return this.nodeN(opType, inputs, attrs, 1)[0];
  }

  initializer(t: Tensor, hint = 'const'): string {
    // Scalars repeat a lot (1, 0, epsilon …): share one initializer per value.
    const key = t.size <= 1 ? `${t.dtype}:${t.shape.join(',')}:${t.data[0]}` : null;
    if (key && this.constCache.has(key)) return this.constCache.get(key)!;
    const name = this.fresh(hint);
    this.initializers.push({ name, tensor: t });
    if (key) this.constCache.set(key, name);
    return name;
  }
  int64(values: number[], asScalar = false): string {
    const key = `i64:${asScalar}:${values.join(',')}`;
    const hit = this.constCache.get(key);
    if (hit) return hit;
    const name = this.fresh('i64');
    this.initializers.push({ name, tensor: { int64: values.map((v) => BigInt(v)), shape: asScalar ? [] : [values.length] } });
    this.constCache.set(key, name);
    return name;
  }
  float(v: number): string {
    return this.initializer(Tensor.scalar(v), 'f');
  }

  /** Reductions changed form at opset 18 (axes became an input); ReduceSum already at 13. */
  reduce(opType: 'ReduceSum' | 'ReduceMean' | 'ReduceMax' | 'ReduceProd', x: string, axes: number[] | null, keepdims: boolean): string {
    const axesAsInput = opType === 'ReduceSum' ? this.opset >= 13 : this.opset >= 18;
    const k = keepdims ? 1 : 0;
    if (axes === null) return this.node(opType, [x], { keepdims: k });
    return axesAsInput ? this.node(opType, [x, this.int64(axes)], { keepdims: k }) : this.node(opType, [x], { axes, keepdims: k });
  }
}

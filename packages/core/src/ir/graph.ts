import type { DType } from '../tensor/tensor.js';
import { ShapeError } from '../errors.js';

/** A dimension: a number, or null where it is only known at run time (the batch). */
export type Dim = number | null;
export type SymShape = Dim[];

/**
 * A shape as Keras prints it (Python's str of a tuple): `(None, 3)`, and `(3,)` for one
 * dimension. The one formatter for shapes in messages, tensor reprs and plots.
 */
export function formatShape(shape: readonly Dim[]): string {
  const dims = shape.map((d) => (d === null ? 'None' : String(d)));
  return `(${dims.join(', ')}${dims.length === 1 ? ',' : ''})`;
}

/** An array's shape with the batch dimension left open: what every batch of its kind shares. */
export const sampleShape = (shape: readonly number[]): SymShape => [null, ...shape.slice(1)];

/** One key for a list of shapes (compiled steps and runners per input size). */
export const shapesKey = (shapes: readonly SymShape[] | undefined): string => (shapes ? shapes.map(formatShape).join(';') : '');

export type Attrs = Record<string, unknown>;

/** What an op's shape rule returns for each output. */
export interface OutputSpec {
  shape: SymShape;
  dtype: DType;
}

/**
 * An op is defined once: its name, inputs, shape/dtype rule and gradient (written in other
 * ops). Backends register a lowering per op (typed by `A`); core never needs to know them.
 */
export interface OpDef<A extends Attrs = Attrs> {
  readonly name: string;
  /** Input names; a single name starting with '...' takes any number (≥ 1) of inputs. */
  readonly inputs: readonly string[];
  /** Shape and dtype of every output, from the inputs' symbolic shapes and the attributes. */
  inferShape(inputs: Value[], attrs: A): OutputSpec[];
  /**
   * Input gradients given output gradients (null = no gradient flows), written in ops. A
   * gradient may have the output's shape where its input was broadcast: autodiff sums it
   * back to the input's shape. Absent: not differentiable.
   */
  grad?(ctx: GradContext<A>): (Value | null)[];
}

export interface GradContext<A extends Attrs = Attrs> {
  inputs: Value[];
  outputs: Value[];
  /** One per output; null where nothing downstream depends on that output. */
  dys: (Value | null)[];
  attrs: A;
}

let nextValueId = 0;

/** A symbolic value in the IR: produced by a node, or a leaf (graph input / random draw). */
export class Value {
  readonly id = nextValueId++;
  constructor(
    readonly shape: SymShape,
    readonly dtype: DType,
    readonly node: Node | null,
    readonly index = 0,
    /** Leaves: 'input' is fed by the caller, 'random' is filled with uniform [0,1) draws from core's seeded generator. */
    readonly leafKind: 'input' | 'random' | null = node ? null : 'input',
    public name?: string,
  ) {}
  get rank(): number {
    return this.shape.length;
  }
  toString(): string {
    return `Value#${this.id}${this.name ? `(${this.name})` : ''}${formatShape(this.shape)} ${this.dtype}`;
  }
}

/** One application of an op. `scope` is the layer (or loss/optimizer) that created it, for error messages. */
export class Node {
  outputs: Value[] = [];
  constructor(
    readonly op: OpDef,
    readonly inputs: Value[],
    readonly attrs: Attrs,
    readonly scope: string,
  ) {}
}

const scopeStack: string[] = [];

/** Run `fn` with nodes attributed to `scope` (a layer name, 'loss', 'optimizer' …). */
export function withScope<T>(scope: string, fn: () => T): T {
  scopeStack.push(scope);
  try {
    return fn();
  } finally {
    scopeStack.pop();
  }
}
export function currentScope(): string {
  return scopeStack.join('/');
}

/** Apply an op: check arity, infer output shapes, create the node. */
export function applyOp<A extends Attrs>(op: OpDef<A>, inputs: Value[], attrs: A = {} as A): Value[] {
  const variadic = op.inputs.length === 1 && op.inputs[0].startsWith('...');
  if (variadic ? inputs.length === 0 : inputs.length !== op.inputs.length)
    throw new ShapeError(`${op.name} expects ${op.inputs.length} inputs (${op.inputs.join(', ')}), got ${inputs.length}${currentScope() ? ` in '${currentScope()}'` : ''}`);
  let specs: OutputSpec[];
  try {
    specs = op.inferShape(inputs, attrs);
  } catch (e) {
    if (e instanceof ShapeError && currentScope() && !e.message.includes(`'${currentScope()}'`))
      throw new ShapeError(`Layer '${currentScope()}': ${e.message}`);
    throw e;
  }
  const node = new Node(op, inputs, attrs, currentScope());
  node.outputs = specs.map((s, i) => new Value(s.shape, s.dtype, node, i));
  return node.outputs;
}

/** A leaf the caller feeds. */
export function placeholder(shape: SymShape, dtype: DType = 'float32', name?: string): Value {
  return new Value([...shape], dtype, null, 0, 'input', name);
}

/** A leaf the runner fills with uniform [0, 1) numbers from the seeded generator (null dims = batch size). */
export function randomUniformLeaf(shape: SymShape, name?: string): Value {
  return new Value([...shape], 'float32', null, 0, 'random', name);
}

/** Nodes needed for `outputs`, in an order where every node follows its inputs' producers. */
export function topoSort(outputs: Value[]): Node[] {
  const order: Node[] = [];
  const seen = new Set<Node>();
  // Iterative DFS: graphs of real models are deep enough to overflow recursion.
  const stack: [Node, number][] = [];
  for (const out of outputs) {
    if (!out.node || seen.has(out.node)) continue;
    stack.push([out.node, 0]);
    seen.add(out.node);
    while (stack.length) {
      const top = stack[stack.length - 1];
      const [node, i] = top;
      if (i < node.inputs.length) {
        top[1]++;
        const dep = node.inputs[i].node;
        if (dep && !seen.has(dep)) {
          seen.add(dep);
          stack.push([dep, 0]);
        }
      } else {
        stack.pop();
        order.push(node);
      }
    }
  }
  return order;
}

/**
 * A computation: inputs (fed by the caller), random leaves (filled by the runner) and outputs.
 * This is what a backend compiles.
 */
export class Graph {
  readonly nodes: Node[];
  readonly randomInputs: Value[];

  constructor(
    readonly inputs: Value[],
    readonly outputs: Value[],
    readonly name = 'graph',
  ) {
    this.nodes = topoSort(outputs);
    const fed = new Set(inputs);
    const random = new Set<Value>();
    const visitLeaf = (v: Value) => {
      if (v.node) return;
      if (v.leafKind === 'random') random.add(v);
      else if (!fed.has(v)) throw new ShapeError(`Graph '${name}': ${v} is used but is not among the graph inputs`);
    };
    for (const n of this.nodes) n.inputs.forEach(visitLeaf);
    outputs.forEach(visitLeaf);
    this.randomInputs = [...random];
  }

  /** Every leaf a run needs, in feed order: the declared inputs, then the random draws. */
  get feeds(): Value[] {
    return [...this.inputs, ...this.randomInputs];
  }
}

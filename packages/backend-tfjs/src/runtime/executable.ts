import * as tf from '@tensorflow/tfjs-core';
import { Tensor, UnsupportedOpError, type DeviceValue, type DType, type Executable, type Graph, type Node, type Value } from '@layerwise/core';
import type { Kernel, Lowering } from '../lower/table.js';

type Lowerings = ReadonlyMap<string, Lowering>;
import { activateKernels, isActive, type Kernels } from './kernels.js';
import { reclaim, TF_DTYPE, TfjsValue } from './values.js';
import { affineChains, affineKernel, type AffineChain } from './affine.js';

/** One node's work at run time: precomputed at compile time so a run is a tight loop. */
interface Step {
  kernel: Kernel;
  /** Slots of the inputs and outputs. */
  args: number[];
  outs: number[];
  /** Slots whose last reader is this step (or outputs nobody reads): freed right after it. */
  free: number[];
  node: Node;
}

/** A compiled graph: values live in numbered slots; feeds and constants are seeded, steps fill the rest. */
export interface Plan {
  name: string;
  slots: number;
  feedSlots: number[];
  feedDtypes: ('float32' | 'int32' | 'bool')[];
  constants: { slot: number; tensor: tf.Tensor }[];
  /** Tensors lowerings keep for their kernels (freed with the executable). */
  owned: tf.Tensor[];
  steps: Step[];
  outputSlots: number[];
  /** Outputs that are a feed, a constant or an earlier output: cloned so each output owns its tensor. */
  cloneOutput: boolean[];
  outputDtypes: DType[];
}

/** A constant's value as a map key (-0 and 0 differ: 1 / -0 is -∞). */
const scalarKey = (v: number) => (Object.is(v, -0) ? '-0' : String(v));

const layerOf = (node: Node) => (node.scope ? ` (from layer '${node.scope.split('/')[0]}')` : '');

/**
 * Comparisons whose every reader is a Cast to float32 (and which are not graph outputs): they
 * are lowered to float masks and those Casts become free aliases.
 */
function maskFusions(graph: Graph, masks: Lowerings): { masked: Set<Node>; aliased: Set<Node> } {
  const readers = new Map<Value, Node[]>();
  for (const node of graph.nodes)
    for (const v of node.inputs) {
      const rs = readers.get(v);
      if (rs) rs.push(node);
      else readers.set(v, [node]);
    }
  const outputs = new Set(graph.outputs);
  const masked = new Set<Node>();
  const aliased = new Set<Node>();
  for (const node of graph.nodes) {
    if (!masks.has(node.op.name) || node.inputs.some((v) => v.dtype !== 'float32')) continue;
    const out = node.outputs[0];
    const rs = readers.get(out) ?? [];
    if (outputs.has(out) || !rs.length || !rs.every((r) => r.op.name === 'Cast' && r.attrs.to === 'float32')) continue;
    masked.add(node);
    rs.forEach((r) => aliased.add(r));
  }
  return { masked, aliased };
}

/**
 * Lower every node once: resolve its lowering, work out attribute-derived arguments, upload
 * constants, fold nodes whose inputs are all constants, and plan when each intermediate is freed.
 * Runs with `kernels` active (constants are made on them).
 */
export function buildPlan(graph: Graph, lowerings: Lowerings, kernels: Kernels, masks: Lowerings = new Map()): Plan {
  const slotOf = new Map<Value, number>();
  let slots = 0;
  const slot = (v: Value) => {
    let s = slotOf.get(v);
    if (s === undefined) slotOf.set(v, (s = slots++));
    return s;
  };
  const feeds = graph.feeds;
  const feedSlots = feeds.map(slot);
  const constants = new Map<number, tf.Tensor>();
  const owned: tf.Tensor[] = [];
  const keep = <T extends tf.Tensor>(t: T): T => {
    owned.push(tf.keep(t));
    return t;
  };
  const steps: Step[] = [];
  const { masked, aliased } = maskFusions(graph, masks);
  // tfjs-node: per-channel Add/Sub/Mul runs over large activations as one pass (affine.ts).
  const affine = kernels.name === 'node' ? affineChains(graph) : { chains: new Map<Node, AffineChain>(), inner: new Set<Node>() };
  const scalars = new Map<string, number>();
  try {
    for (const node of graph.nodes) {
      if (aliased.has(node)) {
        // Cast to float32 of a comparison already lowered as a float mask: the same tensor.
        slotOf.set(node.outputs[0], slot(node.inputs[0]));
        continue;
      }
      if (affine.inner.has(node)) continue;
      const chain = affine.chains.get(node);
      if (chain) {
        const inputs = [chain.x, ...chain.steps.map((st) => st.operand)];
        steps.push({ kernel: affineKernel(chain, keep), args: inputs.map(slot), outs: node.outputs.map(slot), free: [], node });
        continue;
      }
      const lower = masked.has(node) ? masks.get(node.op.name) : lowerings.get(node.op.name);
      if (!lower) throw new UnsupportedOpError(`The TensorFlow.js backend cannot run op '${node.op.name}'${layerOf(node)}: no lowering is registered for it`);
      let lowered: Kernel | tf.Tensor;
      try {
        lowered = lower({ node, attrs: node.attrs, inputs: node.inputs, outputs: node.outputs, kernels: kernels.name, keep });
      } catch (e) {
        throw withContext(e, node, 'could not be lowered');
      }
      const args = node.inputs.map(slot);
      const outs = node.outputs.map(slot);
      if (typeof lowered !== 'function') {
        // Scalars repeat a lot (1, 0, epsilon …): one tensor per value.
        const key = lowered.size === 1 && node.op.name === 'Constant' ? `${lowered.dtype}[${lowered.shape}]${scalarKey((node.attrs.value as Tensor).data[0])}` : null;
        const shared = key !== null ? scalars.get(key) : undefined;
        if (shared !== undefined) {
          lowered.dispose();
          slotOf.set(node.outputs[0], shared);
          continue;
        }
        constants.set(outs[0], tf.keep(lowered));
        if (key !== null) scalars.set(key, outs[0]);
        continue;
      }
      if (args.length > 0 && args.every((a) => constants.has(a))) {
        // Every input is known: compute the node now, once.
        const k = lowered;
        let result: tf.Tensor | tf.Tensor[];
        try {
          result = tf.tidy(() => k(...args.map((a) => constants.get(a)!)));
        } catch (e) {
          throw withContext(e, node, 'failed', kernels);
        }
        (Array.isArray(result) ? result : [result]).forEach((t, i) => constants.set(outs[i], tf.keep(args.some((a) => constants.get(a) === t) ? t.clone() : t)));
        continue;
      }
      steps.push({ kernel: lowered, args, outs, free: [], node });
    }
  } catch (e) {
    tf.dispose([...constants.values(), ...owned]);
    throw e;
  }

  const outputSlots = graph.outputs.map(slot);
  // Liveness: free each intermediate after its last reader; never free feeds, constants or outputs.
  const kept = new Set<number>([...feedSlots, ...constants.keys(), ...outputSlots]);
  const lastUse = new Map<number, number>();
  steps.forEach((s, i) => s.args.forEach((a) => lastUse.set(a, i)));
  steps.forEach((s, i) => {
    const free = new Set<number>();
    for (const a of s.args) if (!kept.has(a) && lastUse.get(a) === i) free.add(a);
    for (const o of s.outs) if (!kept.has(o) && !lastUse.has(o)) free.add(o);
    s.free = [...free];
  });
  // Folded intermediates nobody reads any more.
  const used = new Set<number>([...steps.flatMap((s) => s.args), ...outputSlots]);
  for (const [s, t] of constants)
    if (!used.has(s)) {
      t.dispose();
      constants.delete(s);
    }
  const seen = new Set<number>();
  const cloneOutput = outputSlots.map((s) => {
    const borrowed = constants.has(s) || feedSlots.includes(s) || seen.has(s);
    seen.add(s);
    return borrowed;
  });
  return {
    name: graph.name,
    slots,
    feedSlots,
    feedDtypes: feeds.map((v) => TF_DTYPE[v.dtype]),
    constants: [...constants].map(([slot, tensor]) => ({ slot, tensor })),
    owned,
    steps,
    outputSlots,
    cloneOutput,
    outputDtypes: graph.outputs.map((v) => v.dtype),
  };
}

function withContext(e: unknown, node: Node, what: string, kernels?: Kernels): Error {
  const msg = String((e as Error)?.message ?? e);
  const missing = /Kernel '(\w+)' not registered for backend '(\w+)'/.exec(msg);
  const err = missing
    ? new UnsupportedOpError(
        `The TensorFlow.js backend cannot run op '${node.op.name}'${layerOf(node)} on its ${kernels?.name ?? missing[2]} kernels: tfjs has no '${missing[1]}' kernel there` +
          (kernels?.name === 'wasm' ? ". Choose other kernels: new TfjsBackend({ kernels: 'cpu' }) or LAYERWISE_TFJS_KERNELS=cpu" : ''),
      )
    : e instanceof UnsupportedOpError
      ? e
      : new Error(`TensorFlow.js backend: op '${node.op.name}'${layerOf(node)} ${what}: ${msg}`);
  if (err !== e) (err as Error & { cause?: unknown }).cause = e;
  return err;
}

/** Run the steps (synchronously, inside the caller's tf.tidy). */
function execute(plan: Plan, feeds: tf.Tensor[], kernels: Kernels): tf.Tensor[] {
  const slots: tf.Tensor[] = new Array(plan.slots);
  for (let i = 0; i < feeds.length; i++) {
    const t = feeds[i];
    slots[plan.feedSlots[i]] = t.dtype === plan.feedDtypes[i] ? t : tf.cast(t, plan.feedDtypes[i]);
  }
  for (const c of plan.constants) slots[c.slot] = c.tensor;
  const steps = plan.steps;
  let i = 0;
  try {
    for (; i < steps.length; i++) {
      const { kernel, args, outs, free } = steps[i];
      let r: tf.Tensor | tf.Tensor[];
      switch (args.length) {
        case 1:
          r = kernel(slots[args[0]]);
          break;
        case 2:
          r = kernel(slots[args[0]], slots[args[1]]);
          break;
        default:
          r = kernel(...args.map((a) => slots[a]));
      }
      if (outs.length === 1) slots[outs[0]] = owned(r as tf.Tensor, args, slots);
      else for (let o = 0; o < outs.length; o++) slots[outs[o]] = owned((r as tf.Tensor[])[o], args, slots);
      for (let f = 0; f < free.length; f++) slots[free[f]].dispose();
    }
  } catch (e) {
    throw withContext(e, steps[i].node, 'failed', kernels);
  }
  return plan.outputSlots.map((s, o) => {
    let t = slots[s];
    if (plan.cloneOutput[o]) t = tf.clone(t);
    const want = TF_DTYPE[plan.outputDtypes[o]];
    return t.dtype === want ? t : tf.cast(t, want);
  });
}

/** A kernel handed back one of its inputs: give the output its own tensor, so freeing one leaves the other. */
function owned(t: tf.Tensor, args: number[], slots: tf.Tensor[]): tf.Tensor {
  for (let a = 0; a < args.length; a++) if (slots[args[a]] === t) return tf.clone(t);
  return t;
}

/**
 * A compiled graph on tfjs kernels. A run feeds the tensors of its DeviceValues (host uploads
 * become tensors on first use), runs every step in one tf.tidy, frees each intermediate after
 * its last reader, and returns new values owning their tensors.
 */
export class TfjsExecutable implements Executable {
  /** What the previous run fed and returned, weakly: kernel copies of those with a host copy are freed if this run does not feed them. */
  private previous: WeakRef<TfjsValue>[] = [];
  private disposed = false;

  constructor(
    readonly plan: Plan,
    private kernels: Kernels,
  ) {
    reclaim.register(this, [...plan.constants.map((c) => c.tensor), ...plan.owned], this);
  }

  async run(feeds: readonly DeviceValue[]): Promise<TfjsValue[]> {
    if (this.disposed) throw new Error(`TensorFlow.js executable '${this.plan.name}' was disposed`);
    if (feeds.length !== this.plan.feedSlots.length)
      throw new Error(`TensorFlow.js executable '${this.plan.name}' takes ${this.plan.feedSlots.length} feeds, got ${feeds.length}`);
    const values: TfjsValue[] = [];
    for (const f of feeds) values.push(await asTfjsValue(f));
    // From here to the end of the run nothing awaits: no other run can switch kernels in between.
    while (!isActive(this.kernels)) await activateKernels(this.kernels);
    const current = new Set(values);
    for (const ref of this.previous) {
      const v = ref.deref();
      if (v && !current.has(v)) v.release();
    }
    const inputs = values.map((v) => v.materialize());
    const outputs = tf.tidy(() => execute(this.plan, inputs, this.kernels));
    const results = outputs.map((t, i) => TfjsValue.fromTensor(t, this.plan.outputDtypes[i]));
    this.previous = [...values, ...results].map((v) => new WeakRef(v));
    return results;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    reclaim.unregister(this);
    tf.dispose([...this.plan.constants.map((c) => c.tensor), ...this.plan.owned]);
    for (const ref of this.previous) ref.deref()?.release();
    this.previous = [];
  }
}

async function asTfjsValue(f: DeviceValue | Tensor): Promise<TfjsValue> {
  if (f instanceof TfjsValue) return f;
  if (f instanceof Tensor) return TfjsValue.fromHost(f);
  // A value from another backend: through the host.
  return TfjsValue.fromHost(await f.read());
}

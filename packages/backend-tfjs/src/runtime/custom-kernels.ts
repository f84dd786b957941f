import * as tf from '@tensorflow/tfjs-core';

/**
 * Kernels Layerwise adds to tfjs' wasm and cpu backends where the stock kernel is much slower
 * than it needs to be. Registered under Layerwise's own kernel names (the stock ones are left
 * alone), through tfjs' public kernel registry.
 */
export const GATHER_ROWS = 'LayerwiseGatherRows';
export const SLICE = 'LayerwiseSlice';

type TensorInfo = { dataId: object; shape: number[]; dtype: tf.DataType };
interface WasmBackend {
  readSync(dataId: object): ArrayLike<number>;
  makeOutput(shape: number[], dtype: tf.DataType): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): Float32Array | Int32Array | Uint8Array;
}
interface CpuBackend {
  readSync(dataId: object): Float32Array | Int32Array | Uint8Array;
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array | Int32Array | Uint8Array): TensorInfo;
}

/** Row r of x, or an error naming the bad index (ONNX Gather: negative indices count from the end). */
function rowIndex(r: number, n: number): number {
  const k = r < 0 ? r + n : r;
  if (!(k >= 0 && k < n)) throw new Error(`Gather: index ${r} is out of range for axis 0 of size ${n}`);
  return k;
}

/**
 * x[indices] along axis 0 as one memmove per row. tfjs' wasm GatherV2 computes every element's
 * address separately (~0.4 ms for a 32 × 784 batch); this is a few microseconds.
 */
function gatherRowsWasm({ inputs, backend }: { inputs: tf.NamedTensorInfoMap; backend: unknown }): TensorInfo {
  const be = backend as WasmBackend;
  const x = inputs.x as TensorInfo;
  const indices = inputs.indices as TensorInfo;
  const idx = be.readSync(indices.dataId);
  const n = x.shape[0];
  const row = x.shape.slice(1).reduce((p, d) => p * d, 1);
  const out = be.makeOutput([...indices.shape, ...x.shape.slice(1)], x.dtype);
  // Views after makeOutput: allocating may grow (and so replace) the wasm memory buffer.
  const src = be.typedArrayFromHeap(x);
  const dst = be.typedArrayFromHeap(out);
  const heap = new Uint8Array(src.buffer);
  const bytes = row * src.BYTES_PER_ELEMENT;
  for (let i = 0; i < idx.length; i++) {
    const start = src.byteOffset + rowIndex(idx[i], n) * bytes;
    heap.copyWithin(dst.byteOffset + i * bytes, start, start + bytes);
  }
  return out;
}

function gatherRowsCpu({ inputs, backend }: { inputs: tf.NamedTensorInfoMap; backend: unknown }): TensorInfo {
  const be = backend as CpuBackend;
  const x = inputs.x as TensorInfo;
  const indices = inputs.indices as TensorInfo;
  const idx = be.readSync(indices.dataId);
  const src = be.readSync(x.dataId);
  const n = x.shape[0];
  const row = x.shape.slice(1).reduce((p, d) => p * d, 1);
  const out = new (src.constructor as Float32ArrayConstructor)(idx.length * row);
  for (let i = 0; i < idx.length; i++) {
    const r = rowIndex(idx[i], n);
    out.set(src.subarray(r * row, (r + 1) * row), i * row);
  }
  return be.makeTensorInfo([...indices.shape, ...x.shape.slice(1)], x.dtype, out);
}

/**
 * A strided box of x: `begin`, `size` (elements taken) and `steps` per axis. The copy is planned
 * as runs of contiguous elements (the innermost axes taken whole at step 1 merge into one run)
 * over an odometer of the outer axes. tfjs' own wasm and cpu Slice/StridedSlice copy element by
 * element through index arithmetic (and wasm reads the whole input out of the heap first): a
 * 6-D slice of a conv activation took 250-400 ms there, a few milliseconds here.
 */
interface SliceAttrs {
  begin: number[];
  size: number[];
  steps: number[];
}
function slicePlan(shape: number[], { begin, size, steps }: SliceAttrs) {
  const rank = shape.length;
  const strides = new Array<number>(rank);
  for (let i = rank - 1, acc = 1; i >= 0; i--) {
    strides[i] = acc;
    acc *= shape[i];
  }
  let k = rank - 1;
  while (k >= 0 && begin[k] === 0 && size[k] === shape[k] && steps[k] === 1) k--;
  if (k < 0) return { run: shape.reduce((p, d) => p * d, 1), base: 0, outerSizes: [] as number[], outerStrides: [] as number[], runs: 1 };
  // Axes after k are taken whole: one run covers them; axis k joins the run when it steps by 1.
  let run = strides[k];
  let base = 0;
  for (let i = 0; i <= k; i++) base += begin[i] * strides[i];
  let outer = k + 1;
  if (steps[k] === 1) {
    run *= size[k];
    outer = k;
  }
  const outerSizes = size.slice(0, outer);
  const outerStrides = strides.slice(0, outer).map((st, i) => st * steps[i]);
  return { run, base, outerSizes, outerStrides, runs: outerSizes.reduce((p, d) => p * d, 1) };
}

/** Copy the planned runs from src[srcAt + …] to dst[dstAt + …] (element offsets). */
function copyRuns(
  plan: ReturnType<typeof slicePlan>,
  copy: (src: number, dst: number, n: number) => void,
): void {
  const { run, outerSizes, outerStrides, runs } = plan;
  const depth = outerSizes.length;
  const idx = new Array<number>(depth).fill(0);
  let src = plan.base;
  let dst = 0;
  for (let r = 0; r < runs; r++) {
    copy(src, dst, run);
    dst += run;
    for (let a = depth - 1; a >= 0; a--) {
      src += outerStrides[a];
      if (++idx[a] < outerSizes[a]) break;
      src -= outerStrides[a] * outerSizes[a];
      idx[a] = 0;
    }
  }
}

const SHORT_RUN = 16;

function sliceWasm({ inputs, backend, attrs }: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs: unknown }): TensorInfo {
  const be = backend as WasmBackend;
  const x = inputs.x as TensorInfo;
  const a = attrs as SliceAttrs;
  const out = be.makeOutput([...a.size], x.dtype);
  if (a.size.some((d) => d === 0)) return out;
  const src = be.typedArrayFromHeap(x);
  const dst = be.typedArrayFromHeap(out);
  const heap = new Uint8Array(src.buffer);
  const B = src.BYTES_PER_ELEMENT;
  copyRuns(slicePlan(x.shape, a), (s, d, n) => {
    if (n < SHORT_RUN) for (let i = 0; i < n; i++) dst[d + i] = src[s + i];
    else heap.copyWithin(dst.byteOffset + d * B, src.byteOffset + s * B, src.byteOffset + (s + n) * B);
  });
  return out;
}

function sliceCpu({ inputs, backend, attrs }: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs: unknown }): TensorInfo {
  const be = backend as CpuBackend;
  const x = inputs.x as TensorInfo;
  const a = attrs as SliceAttrs;
  const src = be.readSync(x.dataId);
  const dst = new (src.constructor as Float32ArrayConstructor)(a.size.reduce((p, d) => p * d, 1));
  if (dst.length)
    copyRuns(slicePlan(x.shape, a), (s, d, n) => {
      if (n < SHORT_RUN) for (let i = 0; i < n; i++) dst[d + i] = src[s + i];
      else dst.set(src.subarray(s, s + n), d);
    });
  return be.makeTensorInfo([...a.size], x.dtype, dst);
}

/**
 * Comparisons into a bool tensor, for operands of the same shape or with a scalar side. tfjs'
 * wasm comparison kernels run ~6 ns per element (8 ms for a 64 × 26 × 26 × 32 ReLU mask, where
 * an add takes 0.3 ms); a plain JavaScript loop over the wasm heap is several times faster.
 */
export const COMPARE = 'LayerwiseCompare';
export type CompareOp = 'gt' | 'ge' | 'lt' | 'le' | 'eq';
const SWAPPED: Record<CompareOp, CompareOp> = { gt: 'lt', ge: 'le', lt: 'gt', le: 'ge', eq: 'eq' };
type Arr = Float32Array | Int32Array | Uint8Array;

function compareSame(op: CompareOp, a: Arr, b: Arr, out: Uint8Array): void {
  const n = out.length;
  switch (op) {
    case 'gt': for (let i = 0; i < n; i++) out[i] = a[i] > b[i] ? 1 : 0; break;
    case 'ge': for (let i = 0; i < n; i++) out[i] = a[i] >= b[i] ? 1 : 0; break;
    case 'lt': for (let i = 0; i < n; i++) out[i] = a[i] < b[i] ? 1 : 0; break;
    case 'le': for (let i = 0; i < n; i++) out[i] = a[i] <= b[i] ? 1 : 0; break;
    case 'eq': for (let i = 0; i < n; i++) out[i] = a[i] === b[i] ? 1 : 0; break;
  }
}
function compareScalar(op: CompareOp, a: Arr, s: number, out: Uint8Array): void {
  const n = out.length;
  switch (op) {
    case 'gt': for (let i = 0; i < n; i++) out[i] = a[i] > s ? 1 : 0; break;
    case 'ge': for (let i = 0; i < n; i++) out[i] = a[i] >= s ? 1 : 0; break;
    case 'lt': for (let i = 0; i < n; i++) out[i] = a[i] < s ? 1 : 0; break;
    case 'le': for (let i = 0; i < n; i++) out[i] = a[i] <= s ? 1 : 0; break;
    case 'eq': for (let i = 0; i < n; i++) out[i] = a[i] === s ? 1 : 0; break;
  }
}

function compareWasm({ inputs, backend, attrs }: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs: unknown }): TensorInfo {
  const be = backend as WasmBackend;
  const a = inputs.a as TensorInfo;
  const b = inputs.b as TensorInfo;
  const op = (attrs as { op: CompareOp }).op;
  const aSize = a.shape.reduce((p, d) => p * d, 1);
  const bSize = b.shape.reduce((p, d) => p * d, 1);
  const out = be.makeOutput(aSize >= bSize ? [...a.shape] : [...b.shape], 'bool');
  const o = be.typedArrayFromHeap(out) as Uint8Array;
  const av = be.typedArrayFromHeap(a);
  const bv = be.typedArrayFromHeap(b);
  if (aSize === bSize) compareSame(op, av, bv, o);
  else if (bSize === 1) compareScalar(op, av, bv[0], o);
  else compareScalar(SWAPPED[op], bv, av[0], o);
  return out;
}

/** a (op) b as bool: Layerwise's loop on wasm when the shapes allow it, tfjs' kernel otherwise. */
export function compare(op: CompareOp, stock: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor): (a: tf.Tensor, b: tf.Tensor) => tf.Tensor {
  return (a, b) => {
    const simple = a.size === 1 || b.size === 1 || (a.rank === b.rank && a.shape.every((d, i) => d === b.shape[i]));
    if (simple && a.dtype === b.dtype && a.dtype !== 'bool' && tf.engine().backendName === 'wasm')
      return tf.engine().runKernel(COMPARE, { a, b }, { op } as unknown as tf.NamedAttrMap) as tf.Tensor;
    return stock(a, b);
  };
}

/**
 * Concatenation as runs: for each index of the axes before `axis`, each input contributes one
 * contiguous run. tfjs' wasm Concat makes a subarray per run (garbage per element when runs are
 * a few floats long, as in the max-pool gradient's 6-D concats).
 */
export const CONCAT = 'LayerwiseConcat';
function concatRuns(shapes: number[][], axis: number): { outer: number; runs: number[] } {
  const outer = shapes[0].slice(0, axis).reduce((p, d) => p * d, 1);
  return { outer, runs: shapes.map((s) => s.slice(axis).reduce((p, d) => p * d, 1)) };
}
function concatInto(srcs: Arr[], dst: Arr, outer: number, runs: number[], copy: (i: number, s: number, d: number, n: number) => void): void {
  let d = 0;
  for (let o = 0; o < outer; o++)
    for (let i = 0; i < srcs.length; i++) {
      const n = runs[i];
      const s = o * n;
      if (n < SHORT_RUN) {
        const src = srcs[i];
        for (let e = 0; e < n; e++) dst[d + e] = src[s + e];
      } else copy(i, s, d, n);
      d += n;
    }
}

function concatWasm({ inputs, backend, attrs }: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs: unknown }): TensorInfo {
  const be = backend as WasmBackend;
  const xs = Object.keys(inputs)
    .sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)))
    .map((k) => inputs[k] as TensorInfo);
  const axis = (attrs as { axis: number }).axis;
  const shape = [...xs[0].shape];
  shape[axis] = xs.reduce((p, x) => p + x.shape[axis], 0);
  const out = be.makeOutput(shape, xs[0].dtype);
  const dst = be.typedArrayFromHeap(out);
  const srcs = xs.map((x) => be.typedArrayFromHeap(x));
  const heap = new Uint8Array(dst.buffer);
  const B = dst.BYTES_PER_ELEMENT;
  const { outer, runs } = concatRuns(
    xs.map((x) => x.shape),
    axis,
  );
  concatInto(srcs, dst, outer, runs, (i, s, d, n) => heap.copyWithin(dst.byteOffset + d * B, srcs[i].byteOffset + s * B, srcs[i].byteOffset + (s + n) * B));
  return out;
}

function concatCpu({ inputs, backend, attrs }: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs: unknown }): TensorInfo {
  const be = backend as CpuBackend;
  const xs = Object.keys(inputs)
    .sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)))
    .map((k) => inputs[k] as TensorInfo);
  const axis = (attrs as { axis: number }).axis;
  const shape = [...xs[0].shape];
  shape[axis] = xs.reduce((p, x) => p + x.shape[axis], 0);
  const srcs = xs.map((x) => be.readSync(x.dataId));
  const dst = new (srcs[0].constructor as Float32ArrayConstructor)(shape.reduce((p, d) => p * d, 1));
  const { outer, runs } = concatRuns(
    xs.map((x) => x.shape),
    axis,
  );
  concatInto(srcs, dst, outer, runs, (i, s, d, n) => dst.set(srcs[i].subarray(s, s + n), d));
  return be.makeTensorInfo(shape, xs[0].dtype, dst);
}

/** Concatenate along `axis` (all of one dtype): Layerwise's kernel on wasm and cpu, tfjs' elsewhere. */
export function concatAlong(xs: tf.Tensor[], axis: number): tf.Tensor {
  if (xs.length > 1 && tf.getKernel(CONCAT, tf.engine().backendName)) {
    const named: Record<string, tf.Tensor> = {};
    xs.forEach((x, i) => (named[`x${i}`] = x));
    return tf.engine().runKernel(CONCAT, named, { axis } as unknown as tf.NamedAttrMap) as tf.Tensor;
  }
  return tf.concat(xs, axis);
}

const CUSTOM: { kernelName: string; backendName: string; kernelFunc: (args: any) => TensorInfo }[] = [
  { kernelName: GATHER_ROWS, backendName: 'wasm', kernelFunc: gatherRowsWasm },
  { kernelName: GATHER_ROWS, backendName: 'cpu', kernelFunc: gatherRowsCpu },
  { kernelName: SLICE, backendName: 'wasm', kernelFunc: sliceWasm },
  { kernelName: SLICE, backendName: 'cpu', kernelFunc: sliceCpu },
  { kernelName: COMPARE, backendName: 'wasm', kernelFunc: compareWasm },
  { kernelName: CONCAT, backendName: 'wasm', kernelFunc: concatWasm },
  { kernelName: CONCAT, backendName: 'cpu', kernelFunc: concatCpu },
];
for (const k of CUSTOM) if (!tf.getKernel(k.kernelName, k.backendName)) tf.registerKernel(k as tf.KernelConfig);

/**
 * x[begin : begin + size·steps : steps] per axis (size = elements taken), through Layerwise's
 * slice kernel where the active kernel set has it, else tfjs' own.
 */
export function sliceBox(x: tf.Tensor, begin: number[], size: number[], steps?: number[]): tf.Tensor {
  const st = steps ?? begin.map(() => 1);
  if (tf.getKernel(SLICE, tf.engine().backendName)) return tf.engine().runKernel(SLICE, { x }, { begin, size, steps: st } as unknown as tf.NamedAttrMap) as tf.Tensor;
  if (!steps) return tf.slice(x, begin, size);
  return tf.stridedSlice(x, begin, begin.map((b, i) => b + (size[i] - 1) * st[i] + 1), st);
}

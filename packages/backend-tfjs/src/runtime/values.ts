import * as tf from '@tensorflow/tfjs-core';
import { Tensor, type DeviceValue, type DType, type TypedArray } from '@layerwise/core';

/** IR dtype → tfjs dtype. tfjs has no uint8: such values live as int32 and read back as uint8. */
export const TF_DTYPE: Record<DType, 'float32' | 'int32' | 'bool'> = { float32: 'float32', int32: 'int32', uint8: 'int32', bool: 'bool' };

/**
 * Frees the tfjs memory of values and executables that the garbage collector reclaims without
 * an explicit dispose(): a backstop, so a caller that forgets a value cannot leak kernel memory
 * for good. Well-behaved callers dispose explicitly and this never fires.
 */
export const reclaim = new FinalizationRegistry<tf.Tensor | tf.Tensor[]>((held) => tf.dispose(held));

function toTypedArray(data: TypedArray, dtype: 'float32' | 'int32' | 'bool'): TypedArray {
  if (dtype === 'float32') return data instanceof Float32Array ? data : Float32Array.from(data);
  if (dtype === 'int32') return data instanceof Int32Array ? data : Int32Array.from(data);
  return data instanceof Uint8Array ? data : Uint8Array.from(data, (v) => (v ? 1 : 0));
}

/** A host tensor as a new tfjs tensor (on cpu kernels it may share the host buffer: do not mutate it after). */
export function hostToTf(t: Tensor): tf.Tensor {
  const dtype = TF_DTYPE[t.dtype];
  return tf.tensor(toTypedArray(t.data, dtype), t.shape, dtype);
}

/**
 * A value held for the tfjs backend. It has a host copy, a kernel copy (a tfjs tensor), or both:
 * - `upload` wraps the host tensor (no copy yet); the tfjs tensor is made when a run first needs it
 *   and kept while runs keep feeding the value (the training set, a learning rate, weights);
 * - run outputs are tfjs tensors; `read()` downloads once and keeps the host copy.
 * A value with both copies may drop its kernel copy (`release`) and remake it on demand: that is
 * how an executable frees what the previous run fed or read but this one does not need.
 * `read()` returns the host copy itself (as onnxruntime's outputs do): do not mutate it.
 */
export class TfjsValue implements DeviceValue {
  private tensor: tf.Tensor | null;
  private host: Tensor | null;
  readonly shape: readonly number[];
  private disposed = false;

  private constructor(
    tensor: tf.Tensor | null,
    host: Tensor | null,
    readonly dtype: DType,
  ) {
    this.tensor = tensor;
    this.host = host;
    this.shape = host ? host.shape : tensor!.shape;
    if (tensor) reclaim.register(this, tensor, this);
  }

  /** Wrap a host tensor (no copy until a run needs it). */
  static fromHost(t: Tensor): TfjsValue {
    return new TfjsValue(null, t, t.dtype);
  }
  /** Own a tfjs tensor (a run's output); `dtype` is the IR dtype the graph declared. */
  static fromTensor(t: tf.Tensor, dtype: DType): TfjsValue {
    return new TfjsValue(t, null, dtype);
  }

  get isDisposed(): boolean {
    return this.disposed;
  }
  /** Whether a kernel copy exists right now (tests and memory accounting). */
  get onDevice(): boolean {
    return this.tensor !== null;
  }

  /**
   * The tfjs tensor (in this value's own tfjs dtype), made from the host copy if needed. Call
   * outside tf.tidy: the tensor must outlive the run.
   */
  materialize(): tf.Tensor {
    if (this.disposed) throw new Error('A disposed DeviceValue was fed to a TensorFlow.js executable');
    if (this.tensor) return this.tensor;
    const made = tf.keep(hostToTf(this.host!));
    this.replace(made);
    return made;
  }

  private replace(t: tf.Tensor | null): void {
    if (this.tensor) {
      reclaim.unregister(this);
      this.tensor.dispose();
    }
    this.tensor = t;
    if (t) reclaim.register(this, t, this);
  }

  /** Drop the kernel copy if a host copy exists (it is remade on demand). */
  release(): void {
    if (this.host && this.tensor) this.replace(null);
  }

  async read(): Promise<Tensor> {
    if (this.host) return this.host;
    if (!this.tensor) throw new Error('read() of a disposed DeviceValue');
    const t = this.tensor;
    const data = (await t.data()) as TypedArray;
    if (this.disposed) throw new Error('DeviceValue was disposed while it was being read');
    const out = this.dtype === 'uint8' ? Uint8Array.from(data) : toTypedArray(data, TF_DTYPE[this.dtype]);
    this.host = new Tensor(out, t.shape, this.dtype);
    return this.host;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.replace(null);
    this.host = null;
  }
}

import ort from 'onnxruntime-node';
import { Tensor, type DeviceValue, type DType, type Executable } from '@layerwise/core';
import { explainProviderError, sessionOptionsFor, type MemoryPlan, type ProviderOptions } from './providers.js';
import type { ExternalTensor } from '../onnx/lower-graph.js';

const ORT_TYPE: Record<DType, ort.Tensor.Type> = { float32: 'float32', int32: 'int32', uint8: 'uint8', bool: 'bool' };

/** A value held as an onnxruntime tensor. Feeding wraps the host buffer: no copy. */
export class OrtValue implements DeviceValue {
  constructor(
    readonly ortTensor: ort.Tensor,
    readonly dtype: DType,
  ) {}
  get shape(): readonly number[] {
    return this.ortTensor.dims;
  }
  static wrap(t: Tensor): OrtValue {
    return new OrtValue(new ort.Tensor(ORT_TYPE[t.dtype], unshared(t.data) as any, t.shape), t.dtype);
  }
  /** Host view of the data (outputs already live in fresh JS buffers). */
  readSync(): Tensor {
    const data = this.ortTensor.data as Float32Array | Int32Array | Uint8Array;
    return new Tensor(this.dtype === 'bool' ? new Uint8Array(data.buffer, data.byteOffset, data.length) : data, [...this.ortTensor.dims], this.dtype);
  }
  async read(): Promise<Tensor> {
    return this.readSync();
  }
  dispose(): void {
    /* JS-owned memory: the garbage collector frees it. */
  }
}

/**
 * onnxruntime-node rejects shared memory ("Invalid argument"), in feeds and in external data:
 * such data (flow's batches, written by worker threads) is copied into an ordinary buffer.
 */
function unshared<T extends Uint8Array | Float32Array | Int32Array>(data: T): T {
  return data.buffer instanceof SharedArrayBuffer ? (data.slice() as T) : data;
}

/** The provider options plus what the backend decides per graph. */
export interface SessionOptions extends ProviderOptions {
  /** ONNX Runtime's CPU memory arena and memory pattern (the backend decides per graph: OnnxBackend.memoryFor). */
  memory?: MemoryPlan;
}

/** One onnxruntime session running a whole lowered graph per call. */
export class OrtExecutable implements Executable {
  constructor(
    private session: ort.InferenceSession,
    private inputNames: string[],
    private outputNames: string[],
    private outputDtypes: DType[],
  ) {}

  /**
   * `externalData`: initializers kept out of `bytes`. onnxruntime copies them into the session
   * (checked: overwriting the buffers afterwards changes nothing), so they need not outlive this call.
   */
  static async create(bytes: Uint8Array, inputNames: string[], outputNames: string[], outputDtypes: DType[], opts: SessionOptions = {}, externalData: ExternalTensor[] = []): Promise<OrtExecutable> {
    const options = sessionOptionsFor(opts, opts.intraOpNumThreads ?? 1, opts.memory);
    if (externalData.length) options.externalData = externalData.map(({ path, data }) => ({ path, data: unshared(data) }));
    let session: ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(bytes, options);
    } catch (e) {
      throw explainProviderError(e, opts.executionProviders);
    }
    return new OrtExecutable(session, inputNames, outputNames, outputDtypes);
  }

  async run(feeds: readonly DeviceValue[]): Promise<OrtValue[]> {
    const named: Record<string, ort.Tensor> = {};
    feeds.forEach((f, i) => (named[this.inputNames[i]] = (f instanceof OrtValue ? f : OrtValue.wrap(readHostSync(f))).ortTensor));
    const results = await this.session.run(named);
    return this.outputNames.map((name, i) => new OrtValue(results[name], this.outputDtypes[i]));
  }

  dispose(): void {
    void this.session.release();
  }
}

function readHostSync(v: DeviceValue): Tensor {
  if (v instanceof Tensor) return v;
  throw new Error('ONNX backend was fed a value from another backend; read() it to the host first');
}

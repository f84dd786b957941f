import { Tensor, type DType } from '@layerwise/core';
import { ProtoWriter } from './protobuf.js';

/** ONNX TensorProto.DataType codes. */
export const ONNX_DTYPE: Record<DType | 'int64', number> = { float32: 1, uint8: 2, int32: 6, int64: 7, bool: 9 };

export type AttrValue = number | number[] | string | Tensor | { float: number } | { floats: number[] };
export interface NodeSpec {
  opType: string;
  inputs: string[];
  outputs: string[];
  attrs: Record<string, AttrValue>;
  name: string;
}
export interface ValueInfoSpec {
  name: string;
  elemType: number;
  /** Every dim: a size, or the name of a symbolic dim ('batch'). The ONNX checker wants a shape on each graph input and output. */
  shape: (number | string)[];
}
export interface Initializer {
  name: string;
  tensor: Tensor | { int64: bigint[]; shape: number[] };
  /** Stored outside the model bytes (ONNX external data, location = the initializer's name), handed to onnxruntime from memory. */
  external?: boolean;
}
export interface ModelSpec {
  opset: number;
  graphName: string;
  nodes: NodeSpec[];
  initializers: Initializer[];
  inputs: ValueInfoSpec[];
  outputs: ValueInfoSpec[];
  producerVersion: string;
}

/** The IR version each ai.onnx opset shipped with (onnx.helper.VERSION_TABLE); onnxruntime-node accepts IR ≤ 13. */
export function irVersionFor(opset: number): number {
  const table: [number, number][] = [[25, 13], [24, 12], [23, 11], [21, 10], [19, 9], [15, 8], [12, 7], [11, 6], [10, 5], [9, 4]];
  return table.find(([from]) => opset >= from)?.[1] ?? 3;
}

/** A tensor's bytes as they are in memory (little-endian, as ONNX's raw_data). */
export const rawBytes = (t: Tensor): Uint8Array => new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);

// Field numbers from onnx.proto.
function writeTensor(w: ProtoWriter, name: string, t: Initializer['tensor'], external = false): void {
  if (t instanceof Tensor) {
    w.packedInts(1, t.shape);
    w.int(2, ONNX_DTYPE[t.dtype]);
    w.string(8, name);
    if (external) {
      // external_data (StringStringEntryProto key=1 value=2): the whole "file" named after the tensor; data_location EXTERNAL.
      const entries: [string, string][] = [['location', name], ['offset', '0'], ['length', String(t.data.byteLength)]];
      for (const [key, value] of entries) w.message(13, (e) => e.string(1, key).string(2, value));
      w.int(14, 1);
    } else w.bytes(9, rawBytes(t));
  } else {
    w.packedInts(1, t.shape);
    w.int(2, ONNX_DTYPE.int64);
    w.string(8, name);
    const b = new Uint8Array(t.int64.length * 8);
    const dv = new DataView(b.buffer);
    t.int64.forEach((v, i) => dv.setBigInt64(i * 8, v, true));
    w.bytes(9, b);
  }
}

function writeAttr(w: ProtoWriter, name: string, v: AttrValue): void {
  // AttributeProto: name=1 f=2 i=3 s=4 t=5 floats=7 ints=8 type=20 (FLOAT=1 INT=2 STRING=3 TENSOR=4 FLOATS=6 INTS=7)
  w.string(1, name);
  if (typeof v === 'number') w.int(3, v).int(20, 2);
  else if (typeof v === 'string') w.string(4, v).int(20, 3);
  else if (Array.isArray(v)) w.packedInts(8, v).int(20, 7);
  else if (v instanceof Tensor) w.message(5, (t) => writeTensor(t, '', v)).int(20, 4);
  else if ('float' in v) w.float(2, v.float).int(20, 1);
  else w.packedFloats(7, v.floats).int(20, 6);
}

function writeValueInfo(w: ProtoWriter, v: ValueInfoSpec): void {
  w.string(1, v.name);
  w.message(2, (type) =>
    type.message(1, (tt) => {
      tt.int(1, v.elemType);
      tt.message(2, (shape) => v.shape.forEach((d) => shape.message(1, (dim) => (typeof d === 'string' ? dim.string(2, d) : dim.int(1, d)))));
    }),
  );
}

/** Serialize a ModelProto. */
export function encodeModel(m: ModelSpec): Uint8Array {
  const w = new ProtoWriter();
  w.int(1, irVersionFor(m.opset));
  w.string(2, 'layerwise');
  w.string(3, m.producerVersion);
  w.message(7, (g) => {
    for (const n of m.nodes)
      g.message(1, (nw) => {
        n.inputs.forEach((i) => nw.string(1, i));
        n.outputs.forEach((o) => nw.string(2, o));
        nw.string(3, n.name);
        nw.string(4, n.opType);
        for (const [k, v] of Object.entries(n.attrs)) nw.message(5, (a) => writeAttr(a, k, v));
      });
    g.string(2, m.graphName);
    for (const init of m.initializers) g.message(5, (t) => writeTensor(t, init.name, init.tensor, init.external));
    for (const i of m.inputs) g.message(11, (v) => writeValueInfo(v, i));
    for (const o of m.outputs) g.message(12, (v) => writeValueInfo(v, o));
  });
  w.message(8, (o) => o.string(1, '').int(2, m.opset));
  return w.finish();
}

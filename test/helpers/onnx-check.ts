import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ort from 'onnxruntime-node';
import { expect } from 'vitest';
import type { Tensor } from '@layerwise/core';

/**
 * A structural check of exported ONNX files, in the spirit of `onnx.checker.check_model(model,
 * full_check=True)` (scripts/fixtures/check_onnx_exports.py runs the real checker over the same
 * files and commits its verdicts): every graph input, output and value_info declares an element
 * type and a full shape (each dim a size or a name), the batch dimension of the inputs is
 * symbolic, the IR version fits the opset, names are defined once and before use (topological
 * order), attributes carry their type, initializers their data. Shape inference is checked where
 * the file runs: onnxruntime's outputs at two batch sizes have exactly the declared shapes.
 */

// ---- the few protobuf reads an ONNX ModelProto needs ----
type Field = number | bigint | Uint8Array;
type Fields = Map<number, Field[]>;

/** A varint at `pos`: its value (as protobuf's int64) and the position after it. */
function varint(buf: Uint8Array, pos: number): [bigint, number] {
  let result = 0n;
  for (let shift = 0n; ; shift += 7n) {
    const b = buf[pos++];
    if (b === undefined) throw new Error('truncated varint');
    result |= BigInt(b & 0x7f) << shift;
    if (b < 0x80) return [BigInt.asIntN(64, result), pos];
  }
}

/** A message's fields by number, in order (varints as bigint, length-delimited as bytes, fixed as numbers). */
function parse(buf: Uint8Array): Fields {
  const out: Fields = new Map();
  let pos = 0;
  while (pos < buf.length) {
    let key: bigint;
    [key, pos] = varint(buf, pos);
    const [field, wire] = [Number(key >> 3n), Number(key & 7n)];
    let value: Field;
    if (wire === 0) [value, pos] = varint(buf, pos);
    else if (wire === 2) {
      let len: bigint;
      [len, pos] = varint(buf, pos);
      value = buf.subarray(pos, pos + Number(len));
      if (value.length !== Number(len)) throw new Error(`field ${field}: truncated`);
      pos += value.length;
    } else if (wire === 5 || wire === 1) {
      const size = wire === 5 ? 4 : 8;
      const view = new DataView(buf.buffer, buf.byteOffset + pos, size);
      value = size === 4 ? view.getUint32(0, true) : view.getBigUint64(0, true);
      pos += size;
    } else throw new Error(`unsupported wire type ${wire}`);
    out.set(field, [...(out.get(field) ?? []), value]);
  }
  return out;
}
const text = (f: Fields, n: number) => (f.get(n) ?? []).map((v) => new TextDecoder().decode(v as Uint8Array));
const msgs = (f: Fields, n: number) => (f.get(n) ?? []).map((v) => parse(v as Uint8Array));
const int = (f: Fields, n: number): number | undefined => (f.has(n) ? Number(f.get(n)!.at(-1) as bigint) : undefined);
/** Repeated int64s, packed (one run of varints) or not. */
function ints(f: Fields, n: number): number[] {
  const out: number[] = [];
  for (const v of f.get(n) ?? []) {
    if (typeof v === 'bigint') out.push(Number(v));
    else if (v instanceof Uint8Array)
      for (let pos = 0; pos < v.length; ) {
        let x: bigint;
        [x, pos] = varint(v, pos);
        out.push(Number(x));
      }
  }
  return out;
}

export interface OnnxValueInfo {
  name: string;
  elemType: number | undefined;
  /** undefined when the type has no shape; each dim a size, a name, or null when it has neither. */
  shape: (number | string | null)[] | undefined;
}
export interface OnnxModelInfo {
  irVersion: number | undefined;
  opsets: { domain: string; version: number | undefined }[];
  graphName: string;
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
  valueInfo: OnnxValueInfo[];
  initializers: { name: string; dims: number[]; dataType: number | undefined; rawBytes: number | undefined }[];
  nodes: { name: string; opType: string; domain: string; inputs: string[]; outputs: string[]; attrs: { name: string; type: number | undefined; fields: number[] }[] }[];
}

function valueInfo(f: Fields): OnnxValueInfo {
  const tensorType = msgs(f, 2).flatMap((t) => msgs(t, 1))[0];
  const shape = tensorType && msgs(tensorType, 2)[0];
  return {
    name: text(f, 1)[0] ?? '',
    elemType: tensorType && int(tensorType, 1),
    shape: shape && msgs(shape, 1).map((d) => (d.has(1) ? int(d, 1)! : d.has(2) ? text(d, 2)[0] : null)),
  };
}

/** The parts of a serialized ModelProto the structural check reads. */
export function readOnnxModel(bytes: Uint8Array): OnnxModelInfo {
  const model = parse(bytes);
  const graph = msgs(model, 7)[0] ?? new Map();
  return {
    irVersion: int(model, 1),
    opsets: msgs(model, 8).map((o) => ({ domain: text(o, 1)[0] ?? '', version: int(o, 2) })),
    graphName: text(graph, 2)[0] ?? '',
    inputs: msgs(graph, 11).map(valueInfo),
    outputs: msgs(graph, 12).map(valueInfo),
    valueInfo: msgs(graph, 13).map(valueInfo),
    initializers: msgs(graph, 5).map((t) => ({ name: text(t, 8)[0] ?? '', dims: ints(t, 1), dataType: int(t, 2), rawBytes: t.has(9) ? (t.get(9)![0] as Uint8Array).length : undefined })),
    nodes: msgs(graph, 1).map((n) => ({
      name: text(n, 3)[0] ?? '',
      opType: text(n, 4)[0] ?? '',
      domain: text(n, 7)[0] ?? '',
      inputs: text(n, 1),
      outputs: text(n, 2),
      attrs: msgs(n, 5).map((a) => ({ name: text(a, 1)[0] ?? '', type: int(a, 20), fields: [...a.keys()].filter((k) => k !== 1 && k !== 20 && k !== 13 && k !== 21) })),
    })),
  };
}

/** The IR version each ai.onnx opset first shipped with (onnx.helper.VERSION_TABLE). */
const MIN_IR_FOR_OPSET: Record<number, number> = { 7: 3, 8: 3, 9: 4, 10: 5, 11: 6, 12: 7, 13: 7, 14: 7, 15: 8, 16: 8, 17: 8, 18: 8, 19: 9, 20: 9, 21: 10, 22: 10, 23: 11, 24: 12, 25: 13, 26: 13 };
/** TensorProto.DataType → bytes per element (the types Layerwise writes). */
const ELEM_BYTES: Record<number, number> = { 1: 4, 2: 1, 3: 1, 6: 4, 7: 8, 9: 1, 10: 2, 11: 8 };
/** AttributeProto.AttributeType → the field holding its value (FLOAT f=2, INT i=3, STRING s=4, TENSOR t=5, GRAPH g=6, FLOATS 7, INTS 8, STRINGS 9). */
const ATTR_FIELD: Record<number, number> = { 1: 2, 2: 3, 3: 4, 4: 5, 5: 6, 6: 7, 7: 8, 8: 9 };

/** What is wrong with an ONNX file's structure (empty when nothing is). */
export function onnxProblems(bytes: Uint8Array, options: { symbolicBatch?: boolean } = {}): string[] {
  const m = readOnnxModel(bytes);
  const problems: string[] = [];
  const opset = m.opsets.find((o) => o.domain === '' || o.domain === 'ai.onnx')?.version;
  if (m.irVersion === undefined || m.irVersion < 3 || m.irVersion > 13) problems.push(`ir_version ${m.irVersion} is outside 3..13`);
  if (opset === undefined || !(opset in MIN_IR_FOR_OPSET)) problems.push(`ai.onnx opset ${opset} is not one onnxruntime runs (7..26)`);
  else if (m.irVersion !== undefined && m.irVersion < MIN_IR_FOR_OPSET[opset]) problems.push(`ir_version ${m.irVersion} is older than opset ${opset} (needs ${MIN_IR_FOR_OPSET[opset]})`);
  if (!m.graphName) problems.push('the graph has no name');
  if (m.inputs.length === 0 || m.outputs.length === 0) problems.push('the graph needs inputs and outputs');

  const typed = (kind: string, v: OnnxValueInfo) => {
    if (!v.name) problems.push(`a graph ${kind} has no name`);
    if (!v.elemType || !(v.elemType in ELEM_BYTES)) problems.push(`${kind} '${v.name}': elem_type ${v.elemType} is missing or unknown`);
    if (!v.shape) problems.push(`${kind} '${v.name}': type has no shape ("Field 'shape' of 'type' is required but missing")`);
    else
      v.shape.forEach((d, i) => {
        if (d === null || d === '' || (typeof d === 'number' && d < 0)) problems.push(`${kind} '${v.name}': dim ${i} has neither a size nor a name`);
      });
  };
  m.inputs.forEach((v) => typed('input', v));
  m.outputs.forEach((v) => typed('output', v));
  m.valueInfo.forEach((v) => typed('value_info', v));
  if (options.symbolicBatch !== false)
    for (const v of m.inputs) if (v.shape && typeof v.shape[0] !== 'string') problems.push(`input '${v.name}': the batch dimension is ${v.shape[0]}, not symbolic`);

  // Every name is defined once, before it is used.
  const defined = new Set<string>();
  const define = (name: string, what: string) => {
    if (defined.has(name)) problems.push(`'${name}' (${what}) is defined twice`);
    defined.add(name);
  };
  m.inputs.forEach((v) => define(v.name, 'graph input'));
  for (const t of m.initializers) {
    // An initializer may also be a graph input (its default value): then it is defined once.
    if (!m.inputs.some((i) => i.name === t.name)) define(t.name, 'initializer');
    if (!t.dataType || !(t.dataType in ELEM_BYTES)) problems.push(`initializer '${t.name}': data_type ${t.dataType} is missing or unknown`);
    else if (t.rawBytes !== undefined && t.rawBytes !== t.dims.reduce((a, b) => a * b, 1) * ELEM_BYTES[t.dataType])
      problems.push(`initializer '${t.name}': ${t.rawBytes} bytes of raw data for dims [${t.dims}]`);
  }
  const nodeNames = new Set<string>();
  for (const n of m.nodes) {
    if (!n.opType) problems.push(`node '${n.name}' has no op_type`);
    if (n.name && nodeNames.has(n.name)) problems.push(`node name '${n.name}' is used twice`);
    nodeNames.add(n.name);
    for (const i of n.inputs) if (i !== '' && !defined.has(i)) problems.push(`node '${n.name}' (${n.opType}) reads '${i}' before it is defined`);
    for (const a of n.attrs) {
      if (!a.name) problems.push(`node '${n.name}': an attribute has no name`);
      if (a.type === undefined || !(a.type in ATTR_FIELD)) problems.push(`node '${n.name}': attribute '${a.name}' has no type`);
      else if (!a.fields.includes(ATTR_FIELD[a.type]) && !(a.type >= 6 && a.fields.length === 0)) problems.push(`node '${n.name}': attribute '${a.name}' of type ${a.type} holds no value of that type`);
    }
    n.outputs.forEach((o) => o !== '' && define(o, `output of node '${n.name}'`));
  }
  for (const o of m.outputs) if (!defined.has(o.name)) problems.push(`graph output '${o.name}' is never produced`);
  return problems;
}

/** Assert the file passes the structural check; with LAYERWISE_ONNX_DUMP set, keep a copy there for the Python checker. */
export function expectValidOnnx(file: string, dumpName: string, options: { symbolicBatch?: boolean } = {}): void {
  expect(onnxProblems(readFileSync(file), options), dumpName).toEqual([]);
  const dump = process.env.LAYERWISE_ONNX_DUMP;
  if (dump) {
    mkdirSync(dump, { recursive: true });
    copyFileSync(file, join(dump, `${dumpName}.onnx`));
  }
}

/**
 * Run the file in onnxruntime on `xs` (whole) and on the first sample alone, and check the
 * outputs have the declared shapes (the batch dim taking each run's batch size): the shape
 * inference consistency the checker's full check asks for. Returns the whole run's outputs.
 */
export async function runOnnxAtTwoBatchSizes(file: string, xs: Tensor[]): Promise<ort.Tensor[]> {
  const declared = readOnnxModel(readFileSync(file)).outputs;
  const session = await ort.InferenceSession.create(file);
  const run = async (n: number) => {
    const feeds = Object.fromEntries(
      session.inputNames.map((name, i) => {
        const x = xs[i];
        const per = x.size / x.shape[0];
        return [name, new ort.Tensor('float32', (x.data as Float32Array).subarray(0, n * per), [n, ...x.shape.slice(1)])];
      }),
    );
    const out = await session.run(feeds);
    return session.outputNames.map((name, k) => {
      const expected = declared[k].shape!.map((d) => (d === 'batch' ? n : d));
      expect(out[name].dims.map((d, i) => (typeof expected[i] === 'string' ? expected[i] : d)), `output '${name}' at batch size ${n}`).toEqual(expected);
      return out[name];
    });
  };
  await run(1);
  const whole = await run(xs[0].shape[0]);
  await session.release();
  return whole;
}

/**
 * A minimal, safe reader for the Python pickles of CIFAR's "python version" batches
 * (as in Keras' cache): a dict of byte-string keys → byte strings, lists of ints, and
 * numpy uint8 arrays. Nothing is executed: the only "globals" accepted are the few that
 * rebuild a numpy array or dtype (and `_codecs.encode`, how Python 3 writes bytes in
 * protocol 2), and they are interpreted here, not called. Any other opcode or global is
 * refused with a DataError naming it.
 */
import { DataError } from '@layerwise/core';

/** A numpy array rebuilt from a pickle: dtype string (e.g. '|u1'), shape, raw bytes (C order). */
export interface PickledArray {
  kind: 'ndarray';
  descr: string;
  shape: number[];
  data: Uint8Array;
}

export type PickleValue = null | boolean | number | bigint | string | Uint8Array | PickleValue[] | PickledArray | PickleDict | { kind: 'dtype'; descr: string; order: string } | { kind: 'global'; name: string } | { kind: 'tuple'; items: PickleValue[] };

export class PickleDict {
  readonly entries = new Map<string, PickleValue>();
  /** Keys are byte strings or str; both are looked up by their latin-1/utf-8 text. */
  get(key: string): PickleValue | undefined {
    return this.entries.get(key);
  }
}

const ALLOWED_GLOBALS = new Set([
  'numpy.core.multiarray _reconstruct',
  'numpy._core.multiarray _reconstruct',
  // Protocol 5's in-band array: _frombuffer(bytearray, dtype, shape, order).
  'numpy.core.numeric _frombuffer',
  'numpy._core.numeric _frombuffer',
  'numpy ndarray',
  'numpy dtype',
  '_codecs encode',
]);

/** Bytes per element of a numpy dtype string ('|u1', '<f4', '<U10'), or undefined for object/structured ones. */
function itemSize(descr: string): number | undefined {
  const m = /^[<>|=]?([biufcmMSaUV])(\d+)$/.exec(descr);
  if (!m) return undefined;
  return m[1] === 'U' ? 4 * Number(m[2]) : Number(m[2]);
}

const MARK = Symbol('mark');

const keyText = (k: PickleValue): string => (k instanceof Uint8Array ? new TextDecoder('latin1').decode(k) : String(k));

/**
 * Unpickles `bytes` (protocols 0–5, the opcodes such files use: protocol 4's frames, memo and
 * stack globals, protocol 5's in-band buffers). Every array's data must be exactly the size its
 * shape and dtype say. `name` is named in errors.
 */
export function readPickle(bytes: Uint8Array, name = 'pickle data'): PickleValue {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const stack: (PickleValue | typeof MARK)[] = [];
  const memo = new Map<number, PickleValue>();
  let p = 0;
  const fail = (why: string): never => {
    throw new DataError(`${name}: cannot read this pickle safely: ${why}`);
  };
  const need = (n: number) => {
    if (p + n > bytes.length) fail('truncated data');
  };
  const u8 = () => (need(1), bytes[p++]);
  const u16 = () => (need(2), (p += 2), view.getUint16(p - 2, true));
  const u32 = () => (need(4), (p += 4), view.getUint32(p - 4, true));
  const i32 = () => (need(4), (p += 4), view.getInt32(p - 4, true));
  const u64 = () => {
    need(8);
    const v = view.getBigUint64(p, true);
    p += 8;
    return v > BigInt(bytes.length) ? fail('truncated data') : Number(v);
  };
  const raw = (n: number) => (need(n), (p += n), bytes.subarray(p - n, p));
  const global = (module: string, qual: string): PickleValue => {
    const full = `${module} ${qual}`;
    if (!ALLOWED_GLOBALS.has(full)) fail(`global ${module}.${qual} is not allowed (only numpy arrays and byte strings are read)`);
    return { kind: 'global', name: full };
  };
  const line = () => {
    const end = bytes.indexOf(0x0a, p);
    if (end < 0) fail('truncated text line');
    const s = new TextDecoder('latin1').decode(bytes.subarray(p, end));
    p = end + 1;
    return s;
  };
  const pop = (): PickleValue => {
    const v = stack.pop();
    if (v === undefined || v === MARK) return fail('stack underflow');
    return v;
  };
  const popMark = (): PickleValue[] => {
    const i = stack.lastIndexOf(MARK);
    if (i < 0) fail('no MARK on the stack');
    const items = stack.splice(i) as PickleValue[];
    items.shift();
    return items;
  };
  const top = (): PickleValue => {
    const v = stack[stack.length - 1];
    if (v === undefined || v === MARK) return fail('stack underflow');
    return v;
  };
  const setItems = (dict: PickleValue, items: PickleValue[]) => {
    if (!(dict instanceof PickleDict)) fail('SETITEM(S) on something that is not a dict');
    for (let i = 0; i + 1 < items.length; i += 2) (dict as PickleDict).entries.set(keyText(items[i]), items[i + 1]);
  };
  const appendTo = (list: PickleValue, items: PickleValue[]) => {
    if (!Array.isArray(list)) fail('APPEND(S) on something that is not a list');
    // A loop, not push(...items): one APPENDS may carry millions of items (past the stack's argument limit).
    for (const item of items) (list as PickleValue[]).push(item);
  };
  const tuple = (items: PickleValue[]): PickleValue => ({ kind: 'tuple', items });
  const isTuple = (v: PickleValue | undefined): v is { kind: 'tuple'; items: PickleValue[] } => !!v && typeof v === 'object' && 'kind' in v && v.kind === 'tuple';
  const reduce = (fn: PickleValue, args: PickleValue): PickleValue => {
    if (!fn || typeof fn !== 'object' || !('kind' in fn) || fn.kind !== 'global') return fail('REDUCE on a non-global');
    const a = args && typeof args === 'object' && 'kind' in args && args.kind === 'tuple' ? args.items : fail('REDUCE without an argument tuple');
    switch (fn.name) {
      case 'numpy.core.multiarray _reconstruct':
      case 'numpy._core.multiarray _reconstruct':
        return { kind: 'ndarray', descr: '', shape: [], data: new Uint8Array(0) };
      case 'numpy.core.numeric _frombuffer':
      case 'numpy._core.numeric _frombuffer': {
        // (buffer, dtype, shape, order)
        const [buffer, dtype, shape, order] = a;
        if (!(buffer instanceof Uint8Array)) return fail('_frombuffer without a byte buffer');
        if (order !== 'C' && !(order === 'F' && isTuple(shape) && shape.items.length <= 1)) fail(`array order '${String(order)}' is not supported (only C order)`);
        return makeArray(shape, dtype, buffer);
      }
      case 'numpy dtype':
        return { kind: 'dtype', descr: String(a[0] instanceof Uint8Array ? keyText(a[0]) : a[0]), order: '|' };
      case '_codecs encode': {
        // _codecs.encode(text, 'latin1'): Python 3's protocol-2 spelling of bytes.
        const text = String(a[0]);
        return Uint8Array.from(text, (ch) => ch.charCodeAt(0) & 0xff);
      }
      default:
        return fail(`global ${fn.name} is not allowed`);
    }
  };
  const build = (obj: PickleValue, state: PickleValue) => {
    if (!obj || typeof obj !== 'object' || !('kind' in obj)) return fail('BUILD on an unsupported object');
    const st = state && typeof state === 'object' && 'kind' in state && state.kind === 'tuple' ? state.items : fail('BUILD without a state tuple');
    if (obj.kind === 'dtype') {
      if (typeof st[1] === 'string') obj.order = st[1];
      else if (st[1] instanceof Uint8Array) obj.order = keyText(st[1]);
    } else if (obj.kind === 'ndarray') {
      // (version, shape, dtype, is_fortran, data)
      if (st[3] === true && !(isTuple(st[1]) && st[1].items.length <= 1)) fail('Fortran-ordered arrays are not supported');
      let data = st[4];
      if (typeof data === 'string') data = Uint8Array.from(data, (ch) => ch.charCodeAt(0) & 0xff);
      if (!(data instanceof Uint8Array)) return fail('array state without raw data (object arrays are not supported)');
      Object.assign(obj, makeArray(st[1], st[2], data));
    } else fail(`BUILD on ${obj.kind}`);
  };
  /** An array from its shape tuple, dtype and bytes, checked: the bytes must be exactly what the shape needs. */
  const makeArray = (shapeValue: PickleValue | undefined, dtype: PickleValue | undefined, data: Uint8Array): PickledArray => {
    if (!isTuple(shapeValue)) return fail('array without a shape tuple');
    const shape = shapeValue.items.map((d) => (typeof d === 'number' && Number.isSafeInteger(d) && d >= 0 ? d : fail(`array shape (${shapeValue.items.map(String).join(', ')}) is not a tuple of sizes`)));
    if (!dtype || typeof dtype !== 'object' || !('kind' in dtype) || dtype.kind !== 'dtype') return fail('array without a dtype');
    const descr = `${dtype.order === '=' ? '<' : dtype.order}${dtype.descr}`;
    const size = itemSize(descr);
    if (size === undefined) return fail(`array dtype '${descr}' is not supported (object and structured arrays are not read)`);
    const need = shape.reduce((n, d) => n * d, size);
    if (need !== data.length) fail(`array of shape (${shape.join(', ')}) and dtype '${descr}' needs ${need} bytes of data, the pickle holds ${data.length}`);
    return { kind: 'ndarray', descr, shape, data };
  };

  for (;;) {
    const op = u8();
    switch (op) {
      case 0x80: { // PROTO
        const version = u8();
        if (version > 5) fail(`pickle protocol ${version} is newer than 5`);
        break;
      }
      case 0x95: // FRAME (protocol 4): a length prefix for buffering, nothing to build
        u64();
        break;
      case 0x2e: // STOP
        return pop();
      case 0x28: // MARK
        stack.push(MARK);
        break;
      case 0x7d: // EMPTY_DICT
        stack.push(new PickleDict());
        break;
      case 0x5d: // EMPTY_LIST
        stack.push([]);
        break;
      case 0x29: // EMPTY_TUPLE
        stack.push(tuple([]));
        break;
      case 0x64: { // DICT
        const d = new PickleDict();
        setItems(d, popMark());
        stack.push(d);
        break;
      }
      case 0x6c: // LIST
        stack.push(popMark());
        break;
      case 0x74: // TUPLE
        stack.push(tuple(popMark()));
        break;
      case 0x85: // TUPLE1
        stack.push(tuple([pop()]));
        break;
      case 0x86: { // TUPLE2
        const b = pop();
        stack.push(tuple([pop(), b]));
        break;
      }
      case 0x87: { // TUPLE3
        const c = pop();
        const b = pop();
        stack.push(tuple([pop(), b, c]));
        break;
      }
      case 0x73: { // SETITEM
        const v = pop();
        const k = pop();
        setItems(top(), [k, v]);
        break;
      }
      case 0x75: { // SETITEMS
        const items = popMark();
        setItems(top(), items);
        break;
      }
      case 0x61: { // APPEND
        const v = pop();
        appendTo(top(), [v]);
        break;
      }
      case 0x65: { // APPENDS
        const items = popMark();
        appendTo(top(), items);
        break;
      }
      case 0x71: // BINPUT
        memo.set(u8(), top());
        break;
      case 0x72: // LONG_BINPUT
        memo.set(u32(), top());
        break;
      case 0x94: // MEMOIZE
        memo.set(memo.size, top());
        break;
      case 0x70: // PUT
        memo.set(Number(line()), top());
        break;
      case 0x68: // BINGET
      case 0x6a: // LONG_BINGET
      case 0x67: { // GET
        const i = op === 0x68 ? u8() : op === 0x6a ? u32() : Number(line());
        if (!memo.has(i)) fail(`memo ${i} used before it was set`);
        stack.push(memo.get(i) as PickleValue);
        break;
      }
      case 0x4b: // BININT1
        stack.push(u8());
        break;
      case 0x4d: // BININT2
        stack.push(u16());
        break;
      case 0x4a: // BININT
        stack.push(i32());
        break;
      case 0x49: { // INT (text; "01"/"00" are True/False in protocol 0)
        const t = line();
        stack.push(t === '01' ? true : t === '00' ? false : Number(t));
        break;
      }
      case 0x4c: // LONG (text)
        stack.push(Number(line().replace(/L$/, '')));
        break;
      case 0x8a: { // LONG1
        const n = u8();
        const b = raw(n);
        let v = 0n;
        for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
        if (n > 0 && b[n - 1] & 0x80) v -= 1n << BigInt(8 * n);
        stack.push(v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v);
        break;
      }
      case 0x4e: // NONE
        stack.push(null);
        break;
      case 0x88: // NEWTRUE
        stack.push(true);
        break;
      case 0x89: // NEWFALSE
        stack.push(false);
        break;
      case 0x55: // SHORT_BINSTRING (Python 2 str: bytes)
        stack.push(raw(u8()));
        break;
      case 0x54: // BINSTRING
        stack.push(raw(u32()));
        break;
      case 0x43: // SHORT_BINBYTES
        stack.push(raw(u8()));
        break;
      case 0x42: // BINBYTES
        stack.push(raw(u32()));
        break;
      case 0x8c: // SHORT_BINUNICODE
        stack.push(new TextDecoder().decode(raw(u8())));
        break;
      case 0x58: // BINUNICODE
        stack.push(new TextDecoder().decode(raw(u32())));
        break;
      case 0x8d: // BINUNICODE8 (protocol 4)
        stack.push(new TextDecoder().decode(raw(u64())));
        break;
      case 0x8e: // BINBYTES8 (protocol 4)
      case 0x96: // BYTEARRAY8 (protocol 5: an in-band buffer, e.g. a numpy array's data)
        stack.push(raw(u64()));
        break;
      case 0x63: // GLOBAL "module\nname\n"
        stack.push(global(line(), line()));
        break;
      case 0x93: { // STACK_GLOBAL (protocol 4): module and name strings from the stack
        const qual = pop();
        const module = pop();
        if (typeof module !== 'string' || typeof qual !== 'string') fail('STACK_GLOBAL without module and name strings');
        stack.push(global(module as string, qual as string));
        break;
      }
      case 0x52: { // REDUCE
        const args = pop();
        const fn = pop();
        stack.push(reduce(fn, args));
        break;
      }
      case 0x62: { // BUILD
        const state = pop();
        build(top(), state);
        break;
      }
      default:
        return fail(`opcode 0x${op.toString(16).padStart(2, '0')} at byte ${p - 1} is not allowed`);
    }
  }
}

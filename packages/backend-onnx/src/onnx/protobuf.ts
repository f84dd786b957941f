/**
 * The few protobuf wire-format writes an ONNX ModelProto needs (varint, 64-bit varint,
 * fixed32 float, length-delimited). Writing ModelProto is the product (the lowering), and
 * this is all of protobuf it uses, so no schema compiler is pulled in.
 */
export class ProtoWriter {
  private buf = new Uint8Array(256);
  private pos = 0;

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.pos + n));
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }
  private byte(b: number): void {
    this.ensure(1);
    this.buf[this.pos++] = b;
  }
  private rawVarint(v: number | bigint): void {
    let x = BigInt.asUintN(64, BigInt(v));
    if (x < 0x80n) return this.byte(Number(x));
    while (x >= 0x80n) {
      this.byte(Number(x & 0x7fn) | 0x80);
      x >>= 7n;
    }
    this.byte(Number(x));
  }
  private tag(field: number, wireType: number): void {
    this.rawVarint((field << 3) | wireType);
  }
  private rawBytes(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  /** int32/int64/enum/bool field (negative numbers as 10-byte two's complement, as protobuf does). */
  int(field: number, v: number | bigint): this {
    this.tag(field, 0);
    this.rawVarint(v);
    return this;
  }
  float(field: number, v: number): this {
    this.tag(field, 5);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, v, true);
    this.rawBytes(b);
    return this;
  }
  bytes(field: number, v: Uint8Array): this {
    this.tag(field, 2);
    this.rawVarint(v.length);
    this.rawBytes(v);
    return this;
  }
  string(field: number, v: string): this {
    return this.bytes(field, new TextEncoder().encode(v));
  }
  message(field: number, build: (w: ProtoWriter) => void): this {
    const inner = new ProtoWriter();
    build(inner);
    return this.bytes(field, inner.finish());
  }
  packedInts(field: number, values: readonly (number | bigint)[]): this {
    const inner = new ProtoWriter();
    for (const v of values) inner.rawVarint(v);
    return this.bytes(field, inner.finish());
  }
  packedFloats(field: number, values: readonly number[]): this {
    const b = new Uint8Array(values.length * 4);
    const dv = new DataView(b.buffer);
    values.forEach((v, i) => dv.setFloat32(i * 4, v, true));
    return this.bytes(field, b);
  }
  finish(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }
}

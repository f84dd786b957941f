/**
 * The entropy-coded scan: Huffman decoding of every block (jdhuff.c), dequantization and
 * the IDCT straight into per-component sample planes. No coefficient buffer for the image,
 * no allocation per block.
 *
 * Strictness mirrors libjpeg-turbo's warnings, since a warning means sharp would have
 * patched the data (zeros, resync) and we would not give its pixels:
 *  - a block may not use bits past its restart interval's data (JWRN_HIT_MARKER),
 *  - a restart interval may not leave a whole unused byte (JWRN_EXTRANEOUS_DATA),
 *  - RSTn must come in order and exactly where expected (JWRN_MUST_RESYNC),
 *  - no invalid Huffman code (JWRN_HUFF_BAD_CODE), no coefficient index past 63,
 *  - the scan must be followed by EOI (no data is missing).
 */
import type { Header } from './markers.js';
import { ZIGZAG } from './markers.js';
import { idctBlock, idctBlockChecked, idctBlockRows, SUM_ABS_CERTAIN } from './idct.js';

/** Sample planes, one per frame component, whole blocks (padded to the MCU grid). */
export interface Planes {
  data: Uint8Array[];
  /** The same memory as 32-bit words (for filling flat blocks 4 samples at a time). */
  data32: Uint32Array[];
  stride: number[];
  /**
   * Per component and block row: 1 while every block of the row came out flat at 128 (no
   * AC, DC 0), as chroma does in colour JPEGs of gray pictures. Lets the colour conversion
   * skip the arithmetic for rows that are plain gray (R = G = B = Y exactly).
   */
  flat128: Uint8Array[];
}

/**
 * The samples a caller will read (a picked decode), per component (frame order): for each
 * block row, a mask of the rows needed (bit r: row 8·by + r); for each block column, a mask
 * of the columns needed. The IDCT row pass runs for the needed rows of blocks with some
 * needed column (at least); the rest of the planes is left as it was (stale).
 */
export interface Needed {
  rows: Uint8Array[];
  cols: Uint8Array[];
}

// Entropy data with the 0xFF00 stuffing removed, then zero padding so a block can never
// read outside the buffer (a block reads at most 64 × 27 bits; 10 blocks per MCU). The
// buffer is kept for the next call unless it is big.
const PAD = 2560;
const MAX_KEPT = 1 << 20;
let kept = new Uint8Array(1 << 16);
const blk = new Int32Array(64);
const written = new Int32Array(64);

/**
 * Copies the scan data starting at `start` without byte stuffing. Returns the copy and the
 * end offsets (in it) of each restart interval, or undefined when the markers are not
 * exactly `intervals - 1` RSTs in order and then EOI.
 */
function unstuff(bytes: Uint8Array, start: number, intervals: number): { data: Uint8Array; ends: Int32Array } | undefined {
  const n = bytes.length;
  let out = kept;
  if (out.length < n - start + PAD) {
    out = new Uint8Array(n - start + PAD);
    if (out.length <= MAX_KEPT) kept = out;
  }
  const ends = new Int32Array(intervals);
  let count = 0;
  let p = start;
  let o = 0;
  for (;;) {
    const q = bytes.indexOf(0xff, p);
    if (q < 0) return undefined; // ran out of data: truncated file
    out.set(bytes.subarray(p, q), o);
    o += q - p;
    let r = q + 1;
    if (r >= n) return undefined;
    let c = bytes[r];
    if (c === 0) {
      out[o++] = 0xff;
      p = r + 1;
      continue;
    }
    while (c === 0xff) {
      if (++r >= n) return undefined;
      c = bytes[r];
    }
    if (c === 0) return undefined; // FF FF 00: libjpeg would read a data FF; too odd
    p = r + 1;
    if (c >= 0xd0 && c <= 0xd7) {
      if (count >= intervals - 1 || c !== 0xd0 + (count & 7)) return undefined;
      ends[count++] = o;
      continue;
    }
    if (c !== 0xd9 || count !== intervals - 1) return undefined; // EOI, after every interval
    ends[count] = o;
    out.fill(0, o, o + PAD);
    return { data: out, ends };
  }
}

/**
 * Decodes the scan into `planes` (only the `needed` samples, when given). False when the
 * data is not exactly what we handle — the same answer with or without `needed`.
 */
export function decodeScan(bytes: Uint8Array, hdr: Header, planes: Planes, needed?: Needed): boolean {
  const comps = hdr.components;
  const single = hdr.scan.length === 1;
  // MCU geometry: a single-component scan has one block per MCU over the component's own
  // size (sampling factors ignored), an interleaved one h×v blocks per component.
  let mcusX: number;
  let mcusY: number;
  if (single) {
    mcusX = Math.ceil(hdr.width / 8);
    mcusY = Math.ceil(hdr.height / 8);
  } else {
    mcusX = Math.ceil(hdr.width / (8 * hdr.maxH));
    mcusY = Math.ceil(hdr.height / (8 * hdr.maxV));
  }
  const total = mcusX * mcusY;
  const ri = hdr.restartInterval;
  const intervals = ri > 0 ? Math.ceil(total / ri) : 1;
  const entropy = unstuff(bytes, hdr.dataStart, intervals);
  if (!entropy) return false;
  const { data: buf, ends } = entropy;

  // Flatten the MCU: per block, its scan component and offset within the component's MCU.
  const ns = hdr.scan.length;
  const blockComp: number[] = [];
  const blockOff: number[] = [];
  const blockRow: number[] = []; // block row within the MCU
  const blockCol: number[] = []; // block column within the MCU
  const mcuStepX = new Int32Array(ns); // plane offset step per MCU column
  const mcuStepY = new Int32Array(ns); // per MCU row
  for (let s = 0; s < ns; s++) {
    const ci = hdr.scan[s].index;
    const stride = planes.stride[ci];
    const h = single ? 1 : comps[ci].h;
    const v = single ? 1 : comps[ci].v;
    mcuStepX[s] = 8 * h;
    mcuStepY[s] = 8 * v * stride;
    for (let y = 0; y < v; y++)
      for (let x = 0; x < h; x++) {
        blockComp.push(s);
        blockOff.push(8 * y * stride + 8 * x);
        blockRow.push(y);
        blockCol.push(x);
      }
  }
  const nblocks = blockComp.length;
  const mcuRows = hdr.scan.map((s) => (single ? 1 : comps[s.index].v));
  const mcuCols = hdr.scan.map((s) => (single ? 1 : comps[s.index].h));
  const needRows = needed && hdr.scan.map((s) => needed.rows[s.index]);
  const needCols = needed && hdr.scan.map((s) => needed.cols[s.index]);
  const outs32 = hdr.scan.map((s) => planes.data32[s.index]);
  const flats = hdr.scan.map((s) => planes.flat128[s.index]);
  const strides = hdr.scan.map((s) => planes.stride[s.index]);
  const pred = new Int32Array(ns);
  blk.fill(0); // an earlier call may have stopped mid-block

  // Bit buffer: the low `nb` (< 32) bits of `acc` are unread; refilled 16 bits at a time
  // whenever fewer than 16 are left, enough for any Huffman code.
  let acc = 0;
  let nb = 0;
  let pos = 0; // next byte of `buf`
  let interval = 0;
  let segEnd = ends[0];
  let toGo = ri;

  for (let my = 0; my < mcusY; my++) {
    for (let mx = 0; mx < mcusX; mx++) {
      if (ri > 0) {
        if (toGo === 0) {
          // Restart: the interval's data must be used up to the last partial byte.
          const used = pos * 8 - nb;
          if (used > segEnd * 8 || segEnd * 8 - used >= 8) return false;
          pos = segEnd;
          segEnd = ends[++interval];
          acc = 0;
          nb = 0;
          pred.fill(0);
          toGo = ri;
        }
        toGo--;
      }
      for (let b = 0; b < nblocks; b++) {
        const s = blockComp[b];
        const sc = hdr.scan[s];
        const q = sc.quant;

        // DC difference.
        if (nb < 16) {
          acc = (acc << 16) | (buf[pos] << 8) | buf[pos + 1];
          pos += 2;
          nb += 16;
        }
        let t = sc.dc;
        let look = t.lookup[(acc >>> (nb - 9)) & 511];
        let sym: number;
        if (look !== 0) {
          nb -= look >> 8;
          sym = look & 255;
        } else {
          let l = 10;
          let code = (acc >>> (nb - 10)) & 1023;
          while (code > t.maxcode[l]) {
            if (++l > 16) return false; // bad Huffman code
            code = (acc >>> (nb - l)) & ((1 << l) - 1);
          }
          nb -= l;
          sym = t.values[code + t.valoffset[l]];
        }
        let diff = 0;
        if (sym !== 0) {
          if (nb < sym) {
            acc = (acc << 16) | (buf[pos] << 8) | buf[pos + 1];
            pos += 2;
            nb += 16;
          }
          diff = (acc >>> (nb - sym)) & ((1 << sym) - 1);
          nb -= sym;
          if (diff < 1 << (sym - 1)) diff += 1 - (1 << sym);
        }
        // DC values of 8-bit data are within ±2047 (11 bits); beyond, libjpeg's 16-bit
        // coefficients would wrap, and our integers must stay exact.
        const pv = pred[s] + diff;
        if (pv > 2047 || pv < -2047) return false;
        pred[s] = pv;
        const dc = pv * q[0];
        blk[0] = dc;

        // AC coefficients; the row/column masks of the nonzero ones pick the IDCT's shape.
        t = sc.ac;
        const fast = t.acFast;
        let nw = 0;
        let rows = 0;
        let cols = 0;
        let acRange = 0; // bits above 511 set if an AC value is outside [-256, 255]
        for (let k = 1; k < 64; k++) {
          if (nb < 16) {
            acc = (acc << 16) | (buf[pos] << 8) | buf[pos + 1];
            pos += 2;
            nb += 16;
          }
          const peek = (acc >>> (nb - 9)) & 511;
          let v = fast[peek];
          if (v !== 0) {
            // Short code and value bits together: one lookup.
            nb -= v & 255;
            k += (v >> 8) & 15;
            v >>= 16;
          } else {
            look = t.lookup[peek];
            if (look !== 0) {
              nb -= look >> 8;
              sym = look & 255;
            } else {
              let l = 10;
              let code = (acc >>> (nb - 10)) & 1023;
              while (code > t.maxcode[l]) {
                if (++l > 16) return false;
                code = (acc >>> (nb - l)) & ((1 << l) - 1);
              }
              nb -= l;
              sym = t.values[code + t.valoffset[l]];
            }
            const size = sym & 15;
            if (size === 0) {
              if (sym !== 0xf0) break; // end of block
              k += 15; // run of 16 zeros (past 63 simply ends the block, as in libjpeg)
              continue;
            }
            k += sym >> 4;
            if (nb < size) {
              acc = (acc << 16) | (buf[pos] << 8) | buf[pos + 1];
              pos += 2;
              nb += 16;
            }
            v = (acc >>> (nb - size)) & ((1 << size) - 1);
            nb -= size;
            if (v < 1 << (size - 1)) v += 1 - (1 << size);
          }
          if (k > 63) return false; // libjpeg would write coefficient 63; corrupt anyway
          v *= q[k];
          const z = ZIGZAG[k];
          blk[z] = v;
          written[nw++] = z;
          acRange |= v + 256;
          rows |= 1 << (z >> 3);
          cols |= 1 << (z & 7);
        }

        const stride = strides[s];
        const off = my * mcuStepY[s] + mx * mcuStepX[s] + blockOff[b];
        const by = my * mcuRows[s] + blockRow[b];
        // The rows of the block to compute: all, unless picking.
        const want = needRows === undefined ? 255 : needCols![s][mx * mcuCols[s] + blockCol[b]] !== 0 ? needRows[s][by] : 0;
        if (nw === 0 && dc >= -4095 && dc <= 4091) {
          // DC only: the IDCT's shortcuts reduce to one value, (dc + 4) >> 3 level-shifted
          // and limited to 0..255. That is what idctBlock gives for dc in [-1024, 1023]
          // and idctBlockChecked for the rest of [-4095, 4091], where the checks pass (its
          // pass 1 is 4·dc, within ±16383; the value within [-512, 511]).
          let v = ((dc + 4) >> 3) + 128;
          if (v & ~255) v = v < 0 ? 0 : 255;
          if (v !== 128) flats[s][by] = 0;
          if (want !== 0) {
            const fill = v | (v << 8) | (v << 16) | (v << 24);
            const o32 = outs32[s];
            const step = stride >> 2;
            for (let r = 0, o = off >> 2; r < 8; r++, o += step) {
              o32[o] = fill;
              o32[o + 1] = fill;
            }
          }
        } else {
          flats[s][by] = 0;
          // A normal block: DC within [-1024, 1023], AC within [-256, 255] (see idct.ts).
          const normal = ((dc + 1024) & ~2047) === 0 && (acRange & ~511) === 0;
          const rowMax = 31 - Math.clz32(rows | 1);
          const colMax = 31 - Math.clz32(cols | 1);
          let ok: boolean;
          if (normal && want === 255) ok = idctBlock(blk, outs32[s], off, stride, rowMax, colMax);
          else {
            // Small coefficients (sum of magnitudes within SUM_ABS_CERTAIN) cannot fail any
            // of the checks, normal block or not: then the sparse IDCT does, and only for
            // the rows a picked decode reads. Else every row is computed and checked.
            const dcAbs = dc < 0 ? -dc : dc;
            let sum = dcAbs + 256 * nw; // a bound when normal (|AC| ≤ 256)
            if (!normal || sum > SUM_ABS_CERTAIN) {
              sum = dcAbs;
              for (let i = 0; i < nw; i++) sum += Math.abs(blk[written[i]]);
            }
            if (sum > SUM_ABS_CERTAIN) ok = normal ? idctBlock(blk, outs32[s], off, stride, rowMax, colMax) : idctBlockChecked(blk, outs32[s], off, stride);
            else ok = want === 0 || idctBlockRows(blk, outs32[s], off, stride, rowMax, colMax, want);
          }
          if (!ok) return false;
          for (let i = 0; i < nw; i++) blk[written[i]] = 0;
        }
        blk[0] = 0;
      }
      // A corrupt stream may run on into the padding; stop once past the data.
      if (pos > segEnd + 4) return false;
    }
  }
  const used = pos * 8 - nb;
  return used <= segEnd * 8 && segEnd * 8 - used < 8;
}

/**
 * The one seeded generator behind everything random in Layerwise: initializers, shuffling,
 * dropout masks, augmentation. `setSeed(n)` makes a run repeat exactly, on any backend,
 * because masks and shuffles are drawn here, not inside a backend.
 */

/** xoshiro128** — small, fast, good statistical quality, 32-bit arithmetic only. */
export class Generator {
  private s = new Uint32Array(4);
  private spareNormal: number | null = null;

  constructor(seed: number) {
    this.seed(seed);
  }

  seed(seed: number): void {
    // splitmix32 expands one number into the 128-bit state.
    let x = seed >>> 0;
    for (let i = 0; i < 4; i++) {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      this.s[i] = (z ^ (z >>> 16)) >>> 0;
    }
    this.spareNormal = null;
  }

  /** A uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1], 5) >>> 0, 7), 9) >>> 0;
    const t = (s[1] << 9) >>> 0;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** Uniform in [0, 1). */
  random(): number {
    return this.nextUint32() / 4294967296;
  }

  uniform(low = 0, high = 1): number {
    return low + (high - low) * this.random();
  }

  /** Standard normal (Box–Muller, both values used). */
  normal(mean = 0, stddev = 1): number {
    if (this.spareNormal !== null) {
      const v = this.spareNormal;
      this.spareNormal = null;
      return mean + stddev * v;
    }
    let u = 0;
    while (u === 0) u = this.random();
    const v = this.random();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return mean + stddev * r * Math.cos(2 * Math.PI * v);
  }

  /** Normal redrawn until within two standard deviations, as TF's truncated_normal. */
  truncatedNormal(mean = 0, stddev = 1): number {
    for (;;) {
      const z = this.normal();
      if (Math.abs(z) <= 2) return mean + stddev * z;
    }
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.random() * n);
  }

  /** A random permutation of 0..n-1 (Fisher–Yates). */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }

  /**
   * Fill an array with uniform [low, high) values: the same values, in the same order, as
   * `uniform(low, high)` called once per element. The state lives in locals for the loop (a
   * weight tensor has millions of values; this runs at a few ns per value, not tens).
   */
  fillUniform(out: Float32Array, low = 0, high = 1): Float32Array {
    const scale = high - low;
    const s = this.s;
    let s0 = s[0], s1 = s[1], s2 = s[2], s3 = s[3];
    for (let i = 0; i < out.length; i++) {
      const m = Math.imul(s1, 5);
      const r = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
      const t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
      out[i] = low + scale * (r / 4294967296);
    }
    s[0] = s0;
    s[1] = s1;
    s[2] = s2;
    s[3] = s3;
    return out;
  }

  /** Fill with `normal(mean, stddev)` values (Box–Muller's log/sin/cos dominate, not the loop). */
  fillNormal(out: Float32Array, mean = 0, stddev = 1): Float32Array {
    for (let i = 0; i < out.length; i++) out[i] = this.normal(mean, stddev);
    return out;
  }

  /** Fill with `truncatedNormal(mean, stddev)` values. */
  fillTruncatedNormal(out: Float32Array, mean = 0, stddev = 1): Float32Array {
    for (let i = 0; i < out.length; i++) out[i] = this.truncatedNormal(mean, stddev);
    return out;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

let globalGenerator = new Generator((Math.random() * 2 ** 32) >>> 0);

/** Seed every source of randomness in Layerwise (like keras.utils.set_random_seed). */
export function setSeed(seed: number): void {
  globalGenerator = new Generator(seed);
}

/** The global generator; callers draw from it in a fixed order, so a seeded run repeats. */
export function rng(): Generator {
  return globalGenerator;
}

import { ConfigError } from '../errors.js';
import type { Value } from '../ir/graph.js';
import { abs, add, mul, scalar, square, sum } from '../ops/index.js';

/** Keras' L1L2: penalty = l1 * sum(|w|) + l2 * sum(w²), added to the loss. */
export class L1L2 {
  readonly className: string = 'L1L2';
  constructor(
    readonly l1 = 0,
    readonly l2 = 0,
  ) {
    if (!(l1 >= 0) || !(l2 >= 0)) throw new ConfigError(`Regularizer factors must be >= 0, got l1=${l1}, l2=${l2}`);
  }
  penalty(w: Value): Value {
    let p: Value | null = null;
    if (this.l1) p = mul(scalar(this.l1), sum(abs(w)));
    if (this.l2) {
      const l2 = mul(scalar(this.l2), sum(square(w)));
      p = p ? add(p, l2) : l2;
    }
    return p ?? scalar(0);
  }
  getConfig(): Record<string, number> {
    return { l1: this.l1, l2: this.l2 };
  }
}
export class L1 extends L1L2 {
  override readonly className = 'L1';
  constructor(l1 = 0.01) {
    super(l1, 0);
  }
  override getConfig() {
    return { l1: this.l1 };
  }
}
export class L2 extends L1L2 {
  override readonly className = 'L2';
  constructor(l2 = 0.01) {
    super(0, l2);
  }
  override getConfig() {
    return { l2: this.l2 };
  }
}

/** `regularizers.l2(0.01)` as in the tutorial. */
export const regularizers = {
  l1: (l1 = 0.01) => new L1(l1),
  l2: (l2 = 0.01) => new L2(l2),
  /** Keras 3: l1_l2 is the L1L2 class, defaults l1 = l2 = 0. */
  l1L2: (l1 = 0, l2 = 0) => new L1L2(l1, l2),
  l1_l2: (l1 = 0, l2 = 0) => new L1L2(l1, l2),
  L1,
  L2,
  L1L2,
};

export type RegularizerIdentifier = L1L2 | 'l1' | 'l2' | 'l1l2' | { className: string; config: Record<string, number> } | null | undefined;

export function getRegularizer(id: RegularizerIdentifier, argName = 'regularizer'): L1L2 | null {
  if (id === null || id === undefined) return null;
  if (id instanceof L1L2) return id;
  if (typeof id === 'string') {
    if (id === 'l1') return new L1();
    if (id === 'l2') return new L2();
    if (id === 'l1l2') return new L1L2();
    throw new ConfigError(`Unknown ${argName} '${id}'. Known strings: l1, l2, l1l2; or pass regularizers.l1L2(l1, l2)`);
  }
  const c = id.config ?? {};
  if (id.className === 'L1') return new L1(c.l1);
  if (id.className === 'L2') return new L2(c.l2);
  if (id.className === 'L1L2') return new L1L2(c.l1, c.l2);
  throw new ConfigError(`Unknown ${argName} class '${id.className}'`);
}

export function serializeRegularizer(r: L1L2 | null): { className: string; config: Record<string, number> } | null {
  return r ? { className: r.className, config: r.getConfig() } : null;
}

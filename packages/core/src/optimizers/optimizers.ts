import { ConfigError } from '../errors.js';
import { checkOptions, keysOf } from '../options.js';
import { defaultLearningRate } from './keras-defaults.js';
import type { Value } from '../ir/graph.js';
import { add, div, maximum, mul, neg, pow, scalar, sqrt, square, sub } from '../ops/index.js';

/** Per-step graph values every update can use. */
export interface StepValues {
  /** The learning rate for this step (after Keras 2 time-based decay). */
  lr: Value;
  /** Steps taken before this one (Keras' optimizer.iterations), float32. */
  iterations: Value;
}

export interface OptimizerArgs {
  learningRate?: number;
  /** Keras 2 spelling of learningRate. */
  lr?: number;
  /** Keras 2 time-based decay: lr / (1 + decay * iterations). */
  decay?: number;
}

const optimizerArgKeys = keysOf<OptimizerArgs>()({ learningRate: true, lr: true, decay: true });

/**
 * An optimizer is an update rule written in IR ops: the train-step graph applies it to each
 * weight, with the optimizer's slots (momentum, accumulators …) as graph inputs and outputs.
 */
export abstract class Optimizer {
  abstract readonly className: string;
  /** The options a subclass takes beyond OptimizerArgs; the base constructor refuses any other key. */
  static optionKeys: readonly string[] = [];
  learningRate: number;
  readonly decay: number;

  constructor(args: OptimizerArgs, defaultLr: number) {
    checkOptions(new.target.name, args, [...optimizerArgKeys, ...(new.target as unknown as typeof Optimizer).optionKeys]);
    this.learningRate = args.learningRate ?? args.lr ?? defaultLearningRate(new.target.name, defaultLr);
    this.decay = args.decay ?? 0;
    if (!(this.learningRate >= 0)) throw new ConfigError(`${new.target.name}: learningRate must be >= 0, got ${this.learningRate}`);
    if (!(this.decay >= 0)) throw new ConfigError(`${new.target.name}: decay must be >= 0, got ${this.decay}`);
  }

  /** Keras 2 name for learningRate. */
  get lr(): number {
    return this.learningRate;
  }
  set lr(v: number) {
    this.learningRate = v;
  }

  /** Slots per weight: name and initial fill value. */
  slots(): { name: string; init: number }[] {
    return [];
  }

  /** The decayed rate for this step. */
  stepLearningRate(lr: Value, iterations: Value): Value {
    return this.decay ? div(lr, add(scalar(1), mul(scalar(this.decay), iterations))) : lr;
  }

  /** New weight and new slot values. */
  abstract update(w: Value, g: Value, slots: Value[], s: StepValues): { w: Value; slots: Value[] };

  getConfig(): Record<string, unknown> {
    return { learningRate: this.learningRate, ...(this.decay ? { decay: this.decay } : {}) };
  }
}

const c = scalar;

export interface SGDArgs extends OptimizerArgs { momentum?: number; nesterov?: boolean }
export class SGD extends Optimizer {
  static override optionKeys = keysOf<Omit<SGDArgs, keyof OptimizerArgs>>()({ momentum: true, nesterov: true });
  readonly className = 'SGD';
  readonly momentum: number;
  readonly nesterov: boolean;
  constructor(args: SGDArgs = {}) {
    super(args, 0.01);
    this.momentum = args.momentum ?? 0;
    this.nesterov = args.nesterov ?? false;
    if (!(this.momentum >= 0 && this.momentum <= 1)) throw new ConfigError(`SGD: momentum must be in [0, 1], got ${this.momentum}`);
  }
  override slots() {
    return this.momentum ? [{ name: 'momentum', init: 0 }] : [];
  }
  update(w: Value, g: Value, slots: Value[], { lr }: StepValues) {
    if (!this.momentum) return { w: sub(w, mul(lr, g)), slots: [] };
    const m = sub(mul(c(this.momentum), slots[0]), mul(lr, g));
    const step = this.nesterov ? sub(mul(c(this.momentum), m), mul(lr, g)) : m;
    return { w: add(w, step), slots: [m] };
  }
  override getConfig() {
    return { ...super.getConfig(), momentum: this.momentum, nesterov: this.nesterov };
  }
}

export interface AdagradArgs extends OptimizerArgs { initialAccumulatorValue?: number; epsilon?: number }
export class Adagrad extends Optimizer {
  static override optionKeys = keysOf<Omit<AdagradArgs, keyof OptimizerArgs>>()({ initialAccumulatorValue: true, epsilon: true });
  readonly className = 'Adagrad';
  readonly initialAccumulatorValue: number;
  readonly epsilon: number;
  constructor(args: AdagradArgs = {}) {
    super(args, 0.001);
    this.initialAccumulatorValue = args.initialAccumulatorValue ?? 0.1;
    this.epsilon = args.epsilon ?? 1e-7;
  }
  override slots() {
    return [{ name: 'accumulator', init: this.initialAccumulatorValue }];
  }
  update(w: Value, g: Value, [acc]: Value[], { lr }: StepValues) {
    const a = add(acc, square(g));
    return { w: sub(w, div(mul(lr, g), sqrt(add(a, c(this.epsilon))))), slots: [a] };
  }
  override getConfig() {
    return { ...super.getConfig(), initialAccumulatorValue: this.initialAccumulatorValue, epsilon: this.epsilon };
  }
}

export interface RMSpropArgs extends OptimizerArgs { rho?: number; momentum?: number; epsilon?: number; centered?: boolean }
export class RMSprop extends Optimizer {
  static override optionKeys = keysOf<Omit<RMSpropArgs, keyof OptimizerArgs>>()({ rho: true, momentum: true, epsilon: true, centered: true });
  readonly className = 'RMSprop';
  readonly rho: number;
  readonly momentum: number;
  readonly epsilon: number;
  readonly centered: boolean;
  constructor(args: RMSpropArgs = {}) {
    super(args, 0.001);
    this.rho = args.rho ?? 0.9;
    this.momentum = args.momentum ?? 0;
    this.epsilon = args.epsilon ?? 1e-7;
    this.centered = args.centered ?? false;
  }
  override slots() {
    return [
      { name: 'velocity', init: 0 },
      ...(this.momentum ? [{ name: 'momentum', init: 0 }] : []),
      ...(this.centered ? [{ name: 'average_gradient', init: 0 }] : []),
    ];
  }
  update(w: Value, g: Value, slots: Value[], { lr }: StepValues) {
    const rho = c(this.rho);
    const oneMinusRho = c(1 - this.rho);
    const velocity = add(mul(rho, slots[0]), mul(oneMinusRho, square(g)));
    const out = [velocity];
    let denominator: Value;
    let avgGrad: Value | null = null;
    if (this.centered) {
      avgGrad = add(mul(rho, slots[slots.length - 1]), mul(oneMinusRho, g));
      denominator = add(sub(velocity, square(avgGrad)), c(this.epsilon));
    } else denominator = add(velocity, c(this.epsilon));
    const increment = div(mul(lr, g), sqrt(denominator));
    let newW: Value;
    if (this.momentum) {
      const m = add(mul(c(this.momentum), slots[1]), increment);
      out.push(m);
      newW = sub(w, m);
    } else newW = sub(w, increment);
    if (avgGrad) out.push(avgGrad);
    return { w: newW, slots: out };
  }
  override getConfig() {
    return { ...super.getConfig(), rho: this.rho, momentum: this.momentum, epsilon: this.epsilon, centered: this.centered };
  }
}

export interface AdamArgs extends OptimizerArgs { beta1?: number; beta2?: number; epsilon?: number; amsgrad?: boolean }
export class Adam extends Optimizer {
  static override optionKeys = keysOf<Omit<AdamArgs, keyof OptimizerArgs>>()({ beta1: true, beta2: true, epsilon: true, amsgrad: true });
  readonly className = 'Adam';
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly amsgrad: boolean;
  constructor(args: AdamArgs = {}) {
    super(args, 0.001);
    this.beta1 = args.beta1 ?? 0.9;
    this.beta2 = args.beta2 ?? 0.999;
    this.epsilon = args.epsilon ?? 1e-7;
    this.amsgrad = args.amsgrad ?? false;
  }
  override slots() {
    return [{ name: 'm', init: 0 }, { name: 'v', init: 0 }, ...(this.amsgrad ? [{ name: 'v_hat', init: 0 }] : [])];
  }
  update(w: Value, g: Value, slots: Value[], { lr, iterations }: StepValues) {
    const t = add(iterations, c(1));
    const b1Power = pow(c(this.beta1), t);
    const b2Power = pow(c(this.beta2), t);
    const alpha = div(mul(lr, sqrt(sub(c(1), b2Power))), sub(c(1), b1Power));
    const m = add(slots[0], mul(sub(g, slots[0]), c(1 - this.beta1)));
    const v = add(slots[1], mul(sub(square(g), slots[1]), c(1 - this.beta2)));
    const out = [m, v];
    let vUsed = v;
    if (this.amsgrad) {
      vUsed = maximum(slots[2], v);
      out.push(vUsed);
    }
    return { w: sub(w, div(mul(alpha, m), add(sqrt(vUsed), c(this.epsilon)))), slots: out };
  }
  override getConfig() {
    return { ...super.getConfig(), beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon, amsgrad: this.amsgrad };
  }
}

export interface AdadeltaArgs extends OptimizerArgs { rho?: number; epsilon?: number }
export class Adadelta extends Optimizer {
  static override optionKeys = keysOf<Omit<AdadeltaArgs, keyof OptimizerArgs>>()({ rho: true, epsilon: true });
  readonly className = 'Adadelta';
  readonly rho: number;
  readonly epsilon: number;
  constructor(args: AdadeltaArgs = {}) {
    super(args, 0.001);
    this.rho = args.rho ?? 0.95;
    this.epsilon = args.epsilon ?? 1e-7;
  }
  override slots() {
    return [{ name: 'accumulated_grad', init: 0 }, { name: 'accumulated_delta_var', init: 0 }];
  }
  update(w: Value, g: Value, [accGrad, accDelta]: Value[], { lr }: StepValues) {
    const rho = c(this.rho);
    const oneMinusRho = c(1 - this.rho);
    const eps = c(this.epsilon);
    const newAccGrad = add(mul(rho, accGrad), mul(oneMinusRho, square(g)));
    const delta = neg(mul(div(sqrt(add(accDelta, eps)), sqrt(add(newAccGrad, eps))), g));
    const newAccDelta = add(mul(rho, accDelta), mul(oneMinusRho, square(delta)));
    return { w: add(w, mul(lr, delta)), slots: [newAccGrad, newAccDelta] };
  }
  override getConfig() {
    return { ...super.getConfig(), rho: this.rho, epsilon: this.epsilon };
  }
}

const OPTIMIZERS: Record<string, (args: any) => Optimizer> = {
  sgd: (a) => new SGD(a),
  adagrad: (a) => new Adagrad(a),
  rmsprop: (a) => new RMSprop(a),
  adam: (a) => new Adam(a),
  adadelta: (a) => new Adadelta(a),
};

/** 'sgd', 'adam' … or an Optimizer; a serialized {className, config} too. */
export function getOptimizer(id: string | Optimizer | { className: string; config: Record<string, unknown> }): Optimizer {
  if (id instanceof Optimizer) return id;
  if (typeof id === 'string') {
    const make = OPTIMIZERS[id.toLowerCase()];
    if (!make) throw new ConfigError(`Unknown optimizer '${id}'. Known: ${Object.keys(OPTIMIZERS).join(', ')}`);
    return make({});
  }
  const make = OPTIMIZERS[id.className.toLowerCase()];
  if (!make) throw new ConfigError(`Unknown optimizer class '${id.className}'`);
  return make(id.config);
}

export const optimizers = { SGD, Adagrad, RMSprop, Adam, Adadelta, get: getOptimizer };

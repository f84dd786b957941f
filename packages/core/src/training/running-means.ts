import type { Logs } from '../callbacks/callback.js';

/** Sample-weighted running means of logged values, as Keras' Mean metrics report them. */
export class RunningMeans {
  private readonly sums: number[];
  private count = 0;
  constructor(readonly keys: string[]) {
    this.sums = keys.map(() => 0);
  }
  /** One batch's values (in `keys` order) over `weight` samples. */
  add(values: ArrayLike<number>, weight: number): void {
    for (let i = 0; i < this.sums.length; i++) this.sums[i] += values[i] * weight;
    this.count += weight;
  }
  get empty(): boolean {
    return this.count === 0;
  }
  value(key: string): number {
    return this.sums[this.keys.indexOf(key)] / this.count;
  }
  /** Keys sorted, as Keras 3 orders logs (so History and the progress bar list them alike). */
  logs(prefix = ''): Logs {
    const out: Logs = {};
    for (const key of [...this.keys].sort()) out[prefix + key] = this.value(key);
    return out;
  }
}

import { afterEach, describe, expect, it, vi } from 'vitest';
import { Callback, Progbar, Sequential, setSeed } from '@layerwise/core';
import { Dense } from '@layerwise/layers';
import { toyData } from '../helpers/models.js';

/**
 * Issue 15, item 7: with chained steps (stepsPerExecution) the progress line was drawn at the
 * first replayed step of a call that ran eight, so the time per step and the ETA were ~8× too
 * long (`1/8 … 2:18 20s/step`). The bar is now drawn once per backend call, at its last step.
 */
const { x, y } = toyData(64);
function net(stepsPerExecution: number): Sequential {
  setSeed(1);
  const m = new Sequential();
  m.add(new Dense(4, { inputDim: 16, activation: 'softmax' }));
  m.compile({ optimizer: 'sgd', loss: 'categorical_crossentropy', stepsPerExecution });
  return m;
}
/** The step counts of the bars drawn: "\r 4/8 ━━…" → 4. */
const drawn = (out: string) => [...out.matchAll(/\r\x1b\[1m\s*(\d+)\/8/g)].map((m) => Number(m[1]));

describe('the progress line with chained steps', () => {
  afterEach(() => vi.useRealTimers());

  it('is drawn after each call at the step the call reached, never at a step it had already passed', async () => {
    let out = '';
    await net(4).fit(x, y, { batchSize: 8, epochs: 1, verbose: 1, print: (s) => (out += s) });
    const steps = drawn(out);
    expect(steps[0]).toBe(4);
    expect(steps.every((s) => s % 4 === 0)).toBe(true);
    expect(steps.at(-1)).toBe(8);
  });

  it('one step per call still draws from step 1', async () => {
    let out = '';
    await net(1).fit(x, y, { batchSize: 8, epochs: 1, verbose: 1, print: (s) => (out += s) });
    expect(drawn(out)[0]).toBe(1);
  });

  it("a callback's own batch hooks still see every step; one that asks for per-call hooks sees the calls' last steps", async () => {
    const every: number[] = [];
    const perCall: number[] = [];
    class Every extends Callback {
      override onTrainBatchEnd(batch: number) {
        every.push(batch);
      }
    }
    class PerCall extends Every {
      override onTrainBatchEnd(batch: number) {
        perCall.push(batch);
      }
      override get batchHooksPerExecution() {
        return true;
      }
    }
    await net(4).fit(x, y, { batchSize: 8, epochs: 1, verbose: 0, callbacks: [new Every(), new PerCall()] });
    expect(every).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(perCall).toEqual([3, 7]);
  });

  it('time per step and ETA divide the elapsed time by the steps done', () => {
    vi.useFakeTimers({ toFake: ['performance'] });
    let out = '';
    const bar = new Progbar(8, 1, (s) => (out += s));
    vi.advanceTimersByTime(800); // four steps of 200 ms in one call
    bar.update(4);
    expect(out).toContain('200ms/step');
    expect(out).toMatch(/\x1b\[1m1s\x1b\[0m/); // 4 steps left × 200 ms = 0.8 s → Keras rounds to 1s
  });
});

import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CSVLogger, Callback, EarlyStopping, LearningRateScheduler, ModelCheckpoint, SGD, Sequential, TerminateOnNaN, loadModel, setSeed,
} from '@layerwise/core';
import { Dense } from '@layerwise/layers';
// Internal (not exported by the package): how ModelCheckpoint formats its file names.
import { formatFilepath } from '../../packages/core/src/callbacks/callbacks.js';
import { toyData } from '../helpers/models.js';

const dir = mkdtempSync(join(tmpdir(), 'lw-cb-'));
const { x, y } = toyData(256);
const net = (lr = 0.01) => {
  const m = new Sequential();
  m.add(new Dense(16, { inputDim: 16, activation: 'relu' }));
  m.add(new Dense(4, { activation: 'softmax' }));
  m.compile({ optimizer: new SGD({ lr }), loss: 'categorical_crossentropy', metrics: ['accuracy'] });
  return m;
};

describe('callbacks', () => {
  it('EarlyStopping stops when the monitored metric stops improving, and can restore the best weights', async () => {
    setSeed(1);
    const m = net(0);
    const es = new EarlyStopping({ monitor: 'loss', patience: 2, restoreBestWeights: true });
    const h = await m.fit(x, y, { epochs: 20, verbose: 0, callbacks: [es] });
    // lr 0: the loss never improves after epoch 1, so training stops after patience more epochs.
    expect(h.epoch).toEqual([0, 1, 2]);
    expect(es.stoppedEpoch).toBe(2);
  });

  it('ModelCheckpoint writes formatted file names; saveBestOnly only on improvement', async () => {
    setSeed(2);
    const m = net(0.1);
    const cb = new ModelCheckpoint(join(dir, 'ckpt-{epoch:02d}-{val_loss:.2f}.lw'), { monitor: 'val_loss' });
    const best = new ModelCheckpoint(join(dir, 'best.lw'), { saveBestOnly: true, monitor: 'val_accuracy' });
    await m.fit(x, y, { epochs: 3, verbose: 0, validationData: [x, y], callbacks: [cb, best] });
    const files = readdirSync(dir).filter((f) => f.startsWith('ckpt-')).sort();
    expect(files).toHaveLength(3);
    expect(files[0]).toMatch(/^ckpt-01-\d\.\d\d\.lw$/);
    expect((await loadModel(join(dir, 'best.lw'))).layers).toHaveLength(2);
    expect(formatFilepath('w.{epoch:03d}-{acc:.3f}', { epoch: 7, acc: 0.91234 })).toBe('w.007-0.912');
  });

  it('TerminateOnNaN stops a diverging run at the bad batch', async () => {
    setSeed(3);
    const m = new Sequential();
    m.add(new Dense(4, { inputDim: 16 }));
    m.compile({ optimizer: new SGD({ learningRate: 1e6 }), loss: 'mse' });
    const t = new TerminateOnNaN();
    const h = await m.fit(x.mul(1000), y, { epochs: 5, verbose: 0, callbacks: [t] });
    expect(t.terminatedAt).not.toBeNull();
    expect(h.epoch.length).toBeLessThanOrEqual(1);
  });

  it('LearningRateScheduler sets the rate each epoch, the step graph sees it, and it is logged', async () => {
    setSeed(4);
    const m = net(0.1);
    const seen: number[] = [];
    const probe = new (class extends Callback {
      override onEpochBegin() {
        seen.push(m.optimizer!.learningRate);
      }
    })();
    const sched = new LearningRateScheduler((epoch) => (epoch < 1 ? 0.1 : 0));
    const before: number[][] = [];
    const h = await m.fit(x, y, {
      epochs: 3,
      verbose: 0,
      callbacks: [
        sched,
        probe,
        new (class extends Callback {
          override onEpochEnd() {
            before.push(Array.from(m.getWeights()[0].data.slice(0, 4)));
          }
        })(),
      ],
    });
    expect(seen).toEqual([0.1, 0, 0]);
    expect(h.history.learning_rate).toEqual([0.1, 0, 0]);
    expect(before[2]).toEqual(before[1]); // lr 0 in epochs 2-3: weights frozen
  });

  it('CSVLogger writes a header and one row per epoch', async () => {
    setSeed(5);
    const path = join(dir, 'log.csv');
    await net().fit(x, y, { epochs: 2, verbose: 0, callbacks: [new CSVLogger(path)] });
    const lines = readFileSync(path, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('epoch,accuracy,loss');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toMatch(/^1,[\d.]+,[\d.]+$/);
  });
});

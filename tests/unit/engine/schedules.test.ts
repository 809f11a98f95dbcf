/**
 * Learning-rate schedules against values worked out by hand (epochs count from 0, as in Keras).
 */
import { describe, expect, it } from 'vitest';
import { observePlateau, plateauState, scheduledFactor, type PlateauState } from '../../../src/engine/schedules.ts';

describe('scheduledFactor', () => {
  it("the book chapter's piecewise schedule: lr 0.001 at epoch 0, 1e-5 at 26, 1e-6 at 51, 5e-7 at 76", () => {
    const book = { type: 'piecewise' as const, boundaries: [25, 50, 75], factors: [1, 0.01, 0.001, 0.0005] };
    const lr = (epoch: number) => 0.001 * scheduledFactor(book, epoch, 100);
    // lr_schedule(epoch): lr = 1e-3; if epoch > 75: *0.5e-3 elif epoch > 50: *1e-3 elif epoch > 25: *1e-2.
    expect(lr(0)).toBeCloseTo(1e-3, 15);
    expect(lr(25)).toBeCloseTo(1e-3, 15);
    expect(lr(26)).toBeCloseTo(1e-5, 15);
    expect(lr(50)).toBeCloseTo(1e-5, 15);
    expect(lr(51)).toBeCloseTo(1e-6, 15);
    expect(lr(76)).toBeCloseTo(5e-7, 15);
    expect(lr(99)).toBeCloseTo(5e-7, 15);
  });

  it('step: factor^floor(epoch/every)', () => {
    const s = { type: 'step', every: 10, factor: 0.5 } as const;
    expect([0, 9, 10, 19, 20, 35].map((e) => scheduledFactor(s, e, 40))).toEqual([1, 1, 0.5, 0.5, 0.25, 0.125]);
  });

  it('exponential: rate^epoch', () => {
    const s = { type: 'exponential', rate: 0.9 } as const;
    expect(scheduledFactor(s, 0, 10)).toBe(1);
    expect(scheduledFactor(s, 3, 10)).toBeCloseTo(0.729, 12);
  });

  it('cosine with warm-up: linear ramp, then half a cosine over the remaining epochs', () => {
    const s = { type: 'cosine', warmup: 2, minFactor: 0.1 } as const;
    // 10 epochs: warm-up epochs 0,1 → 1/3, 2/3 (below the base rate); then progress (e−2)/8 over epochs 2..9, from 1.
    expect(scheduledFactor(s, 0, 10)).toBeCloseTo(1 / 3, 12);
    expect(scheduledFactor(s, 1, 10)).toBeCloseTo(2 / 3, 12);
    expect(scheduledFactor(s, 2, 10)).toBeCloseTo(1, 12);
    // A one-epoch warm-up is one epoch at half the rate, not a no-op.
    expect(scheduledFactor({ type: 'cosine', warmup: 1, minFactor: 0 }, 0, 5)).toBeCloseTo(0.5, 12);
    expect(scheduledFactor({ type: 'cosine', warmup: 1, minFactor: 0 }, 1, 5)).toBe(1);
    // progress 4/8 = 0.5: 0.1 + 0.9·0.5·(1 + cos(π/2)) = 0.55
    expect(scheduledFactor(s, 6, 10)).toBeCloseTo(0.55, 12);
    // progress 7/8: 0.1 + 0.45·(1 + cos(7π/8))
    expect(scheduledFactor(s, 9, 10)).toBeCloseTo(0.1 + 0.45 * (1 + Math.cos((7 * Math.PI) / 8)), 12);
    expect(scheduledFactor({ type: 'cosine', warmup: 0, minFactor: 0 }, 0, 4)).toBe(1);
  });

  it('constant', () => {
    expect(scheduledFactor({ type: 'constant' }, 57, 100)).toBe(1);
  });
});

describe('reduce on plateau (Keras ReduceLROnPlateau semantics)', () => {
  const spec = { type: 'reduceOnPlateau', monitor: 'val_loss', mode: 'min', factor: 0.5, patience: 2, minDelta: 0.01, cooldown: 1, minFactor: 0.2 } as const;

  it('halves after two epochs without an improvement larger than minDelta, waits out the cooldown, stops at minFactor', () => {
    const values = [1.0, 0.9, 0.895, 0.9, 0.8, 0.85, 0.86, 0.87, 0.9, 0.95, 0.96, 0.97, 0.98];
    const factors: number[] = [];
    let s: PlateauState = plateauState(spec);
    for (const v of values) {
      s = observePlateau(spec, s, v);
      factors.push(s.factor);
    }
    // e0 1.0 best; e1 0.9 best; e2 0.895 (not < 0.89) wait1; e3 0.9 wait2 → 0.5, cooldown 1;
    // e4 0.8: cooldown→0, best; e5 wait1; e6 wait2 → 0.25, cooldown 1; e7: the cooldown ends
    // (→0) and, as in Keras, the same epoch already counts: wait1; e8 wait2 → max(0.125, 0.2) = 0.2;
    // then factor == minFactor: no more reductions.
    expect(factors).toEqual([1, 1, 1, 0.5, 0.5, 0.5, 0.25, 0.25, 0.2, 0.2, 0.2, 0.2, 0.2]);
  });

  it('max mode counts increases as improvements', () => {
    const max = { ...spec, mode: 'max', cooldown: 0, minFactor: 0 } as const;
    let s = plateauState(max);
    for (const v of [0.5, 0.6, 0.7, 0.69, 0.7]) s = observePlateau(max, s, v);
    expect(s.factor).toBe(0.5);
  });
});

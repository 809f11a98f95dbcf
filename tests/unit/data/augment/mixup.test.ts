/**
 * Mixup plans and blends: the plan is a permutation plus Beta(α, α) weights; pixels and targets
 * are blended exactly as λ·own + (1 − λ)·partner.
 */
import { describe, expect, it } from 'vitest';
import { mixLabels, mixRows, mixupPlan, type MixupPlan } from '../../../../src/data/augment/mixup.ts';
import { mixupSeed } from '../../../../src/data/augment/seeds.ts';

describe('mixupPlan', () => {
  it('pairs every image with one partner through a permutation, weights in [0, 1]', () => {
    const plan = mixupPlan(64, 0.2, mixupSeed(1, 0, 0));
    expect([...plan.partner].sort((a, b) => a - b)).toEqual(Array.from({ length: 64 }, (_, i) => i));
    expect(plan.lambda.every((l) => l >= 0 && l <= 1)).toBe(true);
  });

  it('is a pure function of its seed', () => {
    expect(mixupPlan(32, 0.4, 9)).toEqual(mixupPlan(32, 0.4, 9));
    expect(mixupPlan(32, 0.4, 9).partner).not.toEqual(mixupPlan(32, 0.4, 10).partner);
  });

  it('λ over many batches: mean 1/2 and Beta(α, α) variance 1/(4(2α + 1)) (±4 SE)', () => {
    for (const alpha of [0.2, 1]) {
      const ls: number[] = [];
      for (let b = 0; b < 200; b++) ls.push(...mixupPlan(64, alpha, mixupSeed(3, 0, b)).lambda);
      const n = ls.length;
      const mean = ls.reduce((s, l) => s + l, 0) / n;
      const variance = ls.reduce((s, l) => s + (l - mean) ** 2, 0) / n;
      const v = 1 / (4 * (2 * alpha + 1));
      const excess = -6 / (2 * alpha + 3);
      expect(Math.abs(mean - 0.5)).toBeLessThan(4 * Math.sqrt(v / n));
      expect(Math.abs(variance - v)).toBeLessThan(4 * v * Math.sqrt((2 + excess) / n));
    }
  });

  it('small α mixes little (λ near 0 or 1), α = 1 mixes uniformly', () => {
    const extreme = (alpha: number) => {
      const ls = mixupPlan(4000, alpha, 5).lambda;
      return ls.filter((l) => l < 0.1 || l > 0.9).length / ls.length;
    };
    // Beta(0.2, 0.2) puts about 0.61 of its mass outside [0.1, 0.9]; Beta(1, 1) exactly 0.2.
    expect(extreme(0.2)).toBeGreaterThan(0.55);
    expect(Math.abs(extreme(1) - 0.2)).toBeLessThan(4 * Math.sqrt((0.2 * 0.8) / 4000));
  });

  it('rejects α ≤ 0', () => {
    expect(() => mixupPlan(4, 0, 1)).toThrow(RangeError);
  });
});

describe('blending', () => {
  // Three images of two pixels; image 0 ↔ 2, image 1 with itself.
  const plan: MixupPlan = { partner: Int32Array.from([2, 1, 0]), lambda: Float64Array.from([0.25, 0.5, 0.75]) };

  it('pixels: λ·own + (1 − λ)·partner, from the unblended partner, in place', () => {
    const pixels = Float32Array.from([0, 1, 0.5, 0.5, 1, 0.5]);
    expect(mixRows(pixels, plan, 2)).toBe(pixels);
    // image 0: 0.25·[0, 1] + 0.75·[1, 0.5]; image 2: 0.75·[1, 0.5] + 0.25·[0, 1].
    expect([...pixels]).toEqual([0.75, 0.625, 0.5, 0.5, 0.75, 0.625]);
  });

  it('targets: the same weights on one-hot rows (row 2 = 0.75·class 2 + 0.25·class 0)', () => {
    const targets = Float32Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    mixRows(targets, plan, 3, new Float32Array(9));
    expect([...targets]).toEqual([0.25, 0, 0.75, 0, 1, 0, 0.25, 0, 0.75]);
  });

  it('mixLabels builds the blended one-hot rows straight from integer labels', () => {
    expect([...mixLabels([0, 1, 2], plan, 3)]).toEqual([0.25, 0, 0.75, 0, 1, 0, 0.25, 0, 0.75]);
    // Same class on both sides: weight 1.
    const same: MixupPlan = { partner: Int32Array.from([1, 0]), lambda: Float64Array.from([0.3, 0.6]) };
    expect([...mixLabels([4, 4], same, 5)]).toEqual([0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
  });

  it('label smoothing before or after the blend gives the same targets', () => {
    const s = 0.1;
    const smooth = (t: Float32Array) => t.map((v) => (1 - s) * v + s / 3);
    const a = smooth(mixLabels([0, 1, 2], plan, 3));
    const b = mixRows(smooth(Float32Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1])), plan, 3);
    for (let i = 0; i < 9; i++) expect(a[i]).toBeCloseTo(b[i]!, 6);
  });

  it('checks its buffers', () => {
    expect(() => mixRows(new Float32Array(5), plan, 2)).toThrow(RangeError);
    expect(() => mixRows(new Float32Array(6), plan, 2, new Float32Array(4))).toThrow(RangeError);
    expect(() => mixLabels([0, 1], plan, 3)).toThrow(RangeError);
  });
});

/**
 * The paired percentile bootstrap: against a NumPy re-computation (with rng.ts re-implemented in
 * Python), against a plain-JS recomputation from the same resample indices, determinism by seed,
 * and the behaviour of the intervals.
 */
import { describe, expect, it } from 'vitest';
import { drawResample, pairedBootstrap, resampleRandom, type PairedBootstrap } from '../../../../src/analysis/compare/bootstrap.ts';
import { mulberry32 } from '../../../../src/lib/rng.ts';
import { reference } from './reference.ts';

/** The intervals in the reference's order: accuracy, macro P, R, F1, then per class P, R, F1. */
function flat(b: PairedBootstrap): { low: number[]; high: number[]; delta: number[] } {
  const all = [b.accuracy, b.macro.precision, b.macro.recall, b.macro.f1, ...b.perClass.flatMap((c) => [c.precision, c.recall, c.f1])];
  return { low: all.map((i) => i.low), high: all.map((i) => i.high), delta: all.map((i) => i.delta) };
}

/** Seeded labels and two models, each right with its own probability. */
function synthetic(n: number, k: number, rightA: number, rightB: number, seed: number) {
  const random = mulberry32(seed);
  const labels = new Int32Array(n);
  const predA = new Int32Array(n);
  const predB = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = i % k;
    predA[i] = random() < rightA ? labels[i]! : (labels[i]! + 1 + Math.floor(random() * (k - 1))) % k;
    predB[i] = random() < rightB ? labels[i]! : (labels[i]! + 1 + Math.floor(random() * (k - 1))) % k;
  }
  return { labels, predA, predB };
}

/** Textbook type-7 percentile of unsorted values, written independently of percentile.ts. */
function type7(values: number[], q: number): number {
  const s = [...values].sort((x, y) => x - y);
  const h = ((s.length - 1) * q) / 100;
  const lo = Math.floor(h);
  return lo + 1 < s.length ? s[lo]! + (h - lo) * (s[lo + 1]! - s[lo]!) : s[lo]!;
}

describe('paired percentile bootstrap', () => {
  it('equals a NumPy re-computation of the whole procedure (rng.ts re-implemented in Python) to 1e-12', () => {
    for (const ref of reference.bootstrap) {
      const c = reference.paired.find((p) => p.name === ref.case)!;
      // The first resample's indices, drawn in Python, equal ours: the streams are the same.
      expect(Array.from(drawResample(resampleRandom(ref.seed, 0), c.labels.length, new Int32Array(c.labels.length)))).toEqual(ref.first_resample);
      const confidence = (ref.percentiles[1] - ref.percentiles[0]) / 100;
      const b = pairedBootstrap(c.labels, c.pred_a, c.pred_b, c.k, { resamples: ref.resamples, seed: ref.seed, confidence });
      expect(b.percentiles).toEqual(ref.percentiles);
      const got = flat(b);
      ref.low.forEach((v, i) => expect(got.low[i]!, `${ref.case} low ${i}`).toBeCloseTo(v, 12));
      ref.high.forEach((v, i) => expect(got.high[i]!, `${ref.case} high ${i}`).toBeCloseTo(v, 12));
      // delta is the difference on the full set: NumPy's per-class scores of the reference.
      expect(b.accuracy.delta).toBeCloseTo(c.b.accuracy - c.a.accuracy, 15);
      expect(b.macro.f1.delta).toBeCloseTo(c.b.macro[2] - c.a.macro[2], 15);
      c.a.f1.forEach((fa, j) => expect(b.perClass[j]!.f1.delta).toBeCloseTo(c.b.f1[j]! - fa, 15));
    }
  });

  it('equals a plain-JS recomputation from the exported resample index matrix', () => {
    const { labels, predA, predB } = synthetic(60, 3, 0.7, 0.8, 5);
    const n = labels.length;
    const k = 3;
    const resamples = 120;
    const seed = 99;
    // The index matrix, from the same stream functions pairedBootstrap uses.
    const matrix = Array.from({ length: resamples }, (_, r) => Array.from(drawResample(resampleRandom(seed, r), n, new Int32Array(n))));
    const stats: number[][] = [];
    for (const indices of matrix) {
      // Per model: correct, and per class tp, support (true), predicted; P/R/F1 with 0 for 0/0.
      const score = (pred: Int32Array) => {
        let correct = 0;
        const tp = new Array<number>(k).fill(0);
        const support = new Array<number>(k).fill(0);
        const predicted = new Array<number>(k).fill(0);
        for (const i of indices) {
          support[labels[i]!]!++;
          predicted[pred[i]!]!++;
          if (pred[i] === labels[i]) {
            correct++;
            tp[labels[i]!]!++;
          }
        }
        const p = tp.map((t, c) => (predicted[c] === 0 ? 0 : t / predicted[c]!));
        const r = tp.map((t, c) => (support[c] === 0 ? 0 : t / support[c]!));
        const f = tp.map((t, c) => (support[c]! + predicted[c]! === 0 ? 0 : (2 * t) / (support[c]! + predicted[c]!)));
        const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
        return [correct / n, mean(p), mean(r), mean(f), ...p.flatMap((_, c) => [p[c]!, r[c]!, f[c]!])];
      };
      const a = score(predA);
      const b = score(predB);
      stats.push(b.map((v, s) => v - a[s]!));
    }
    const got = flat(pairedBootstrap(labels, predA, predB, k, { resamples, seed }));
    for (let s = 0; s < stats[0]!.length; s++) {
      const column = stats.map((row) => row[s]!);
      expect(got.low[s]!, `statistic ${s}`).toBeCloseTo(type7(column, 2.5), 14);
      expect(got.high[s]!, `statistic ${s}`).toBeCloseTo(type7(column, 97.5), 14);
    }
  });

  it('is deterministic by seed: the same seed gives the same intervals, another seed others; the seed is published', () => {
    const { labels, predA, predB } = synthetic(400, 4, 0.8, 0.85, 1);
    const one = pairedBootstrap(labels, predA, predB, 4, { seed: 3, resamples: 300 });
    expect(pairedBootstrap(labels, predA, predB, 4, { seed: 3, resamples: 300 })).toEqual(one);
    const other = pairedBootstrap(labels, predA, predB, 4, { seed: 4, resamples: 300 });
    expect(other.accuracy.low).not.toBe(one.accuracy.low);
    expect(other.accuracy.delta).toBe(one.accuracy.delta);
    expect([one.seed, one.resamples, one.confidence, one.percentiles, one.n]).toEqual([3, 300, 0.95, [2.5, 97.5], 400]);
    expect(pairedBootstrap(labels, predA, predB, 4, { seed: 0 }).resamples).toBe(2000);
  });

  it('swapping A and B mirrors every interval', () => {
    const { labels, predA, predB } = synthetic(500, 5, 0.8, 0.86, 2);
    const ab = flat(pairedBootstrap(labels, predA, predB, 5, { seed: 11, resamples: 500 }));
    const ba = flat(pairedBootstrap(labels, predB, predA, 5, { seed: 11, resamples: 500 }));
    ab.delta.forEach((d, s) => {
      expect(ba.delta[s]).toBe(-d);
      expect(ba.low[s]!).toBeCloseTo(-ab.high[s]!, 14);
      expect(ba.high[s]!).toBeCloseTo(-ab.low[s]!, 14);
    });
  });

  it('the interval holds the full-set difference and narrows about as 1/√n', () => {
    const width = (n: number) => {
      const { labels, predA, predB } = synthetic(n, 10, 0.85, 0.9, 7);
      const b = pairedBootstrap(labels, predA, predB, 10, { seed: 0, resamples: 1000 });
      for (const i of [b.accuracy, b.macro.f1, b.macro.precision, b.macro.recall]) {
        expect(i.low).toBeLessThanOrEqual(i.delta);
        expect(i.high).toBeGreaterThanOrEqual(i.delta);
      }
      return b.accuracy.high - b.accuracy.low;
    };
    const small = width(500);
    const large = width(5000);
    // √10 ≈ 3.16 in theory; allow for sampling noise.
    expect(small / large).toBeGreaterThan(2.5);
    expect(small / large).toBeLessThan(4);
  });

  it('identical models give a zero difference and a zero-width interval', () => {
    const { labels, predA } = synthetic(200, 3, 0.7, 0.7, 3);
    const b = pairedBootstrap(labels, predA, predA, 3, { seed: 0, resamples: 100 });
    expect(b.accuracy).toEqual({ delta: 0, low: 0, high: 0 });
    expect(b.macro.f1).toEqual({ delta: 0, low: 0, high: 0 });
  });

  it('refuses what it cannot resample, naming the value', () => {
    expect(() => pairedBootstrap([], [], [], 2, { seed: 0 })).toThrow('at least one test image');
    expect(() => pairedBootstrap([0, 1], [0, 2], [0, 1], 2, { seed: 0 })).toThrow('predictions of A[1] is 2, not a class index from 0 to 1');
    expect(() => pairedBootstrap([0, 1], [0, 1], [0, 1], 2, { seed: -1 })).toThrow('from 0 to 4294967295; received -1');
    expect(() => pairedBootstrap([0, 1], [0, 1], [0, 1], 2, { seed: 0, resamples: 0 })).toThrow('resamples must be a whole number of at least 1; received 0');
  });
});

import { describe, expect, it } from 'vitest';
import { binEdges, binIndex, calibration } from '../../../../src/analysis/metrics/calibration.ts';
import { argmaxRows } from '../../../../src/analysis/metrics/classification.ts';
import { randomCase } from '../../../fixtures/analysis/random-case.ts';

describe('calibration: reliability diagram and ECE', () => {
  it('ECE on five predictions, by hand, with a confidence on a bin edge', () => {
    // 4 bins: [0, .25], (.25, .5], (.5, .75], (.75, 1]. Two classes; confidence = max probability.
    //   [0.9 0.1] true 0 → conf .9 right   bin 3
    //   [0.8 0.2] true 1 → conf .8 wrong   bin 3
    //   [0.4 0.6] true 1 → conf .6 right   bin 2
    //   [0.5 0.5] true 0 → argmax 0 (first on ties), conf .5 right; .5 is an upper edge → bin 1
    //   [0.3 0.7] true 0 → conf .7 wrong   bin 2
    const probs = [0.9, 0.1, 0.8, 0.2, 0.4, 0.6, 0.5, 0.5, 0.3, 0.7];
    const c = calibration(probs, [0, 1, 1, 0, 0], 2, 4);
    // bin 1: 1 item, acc 1, conf .5 → |1 − .5|·1/5 = .10
    // bin 2: 2 items, acc 1/2, conf .65 → .15·2/5 = .06
    // bin 3: 2 items, acc 1/2, conf .85 → .35·2/5 = .14          ECE = .30
    // (Left-closed bins would put .5 in bin 2: acc 2/3, conf .6 → .04 + .14 = .18.)
    expect(c.ece).toBeCloseTo(0.3, 15);
    expect(c.bins.map((b) => b.count)).toEqual([0, 1, 2, 2]);
    expect(c.bins[0]).toEqual({ lower: 0, upper: 0.25, count: 0, confidence: null, accuracy: null });
    expect(c.bins[1]).toEqual({ lower: 0.25, upper: 0.5, count: 1, confidence: 0.5, accuracy: 1 });
    expect(c.bins[2]!.confidence).toBeCloseTo(0.65, 15);
    expect(c.bins[3]!.accuracy).toBe(0.5);
  });

  it('perfectly calibrated bins give ECE 0; always-wrong certainty gives ECE 1', () => {
    // Four rows at confidence .75, three of them right: accuracy .75 = confidence → 0.
    // Two rows at confidence 1, both wrong: |0 − 1| → 1.
    const rows = [0.75, 0.25, 0.75, 0.25, 0.75, 0.25, 0.75, 0.25];
    expect(calibration(rows, [0, 0, 0, 1], 2, 10).ece).toBeCloseTo(0, 15);
    expect(calibration([1, 0, 0, 1], [1, 0], 2, 10).ece).toBe(1);
  });

  it('edges are numpy linspace(0, 1, bins + 1): i·(1/bins), last exactly 1', () => {
    expect(binEdges(4)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(binEdges(10)[3]).toBe(3 * 0.1); // 0.30000000000000004, as numpy computes it
    expect(binEdges(10)[10]).toBe(1);
    // searchsorted(edges[1:-1], v, side="left"): bin = inner edges strictly below v.
    const e = binEdges(4);
    expect([0, 0.1, 0.25, 0.2500001, 0.5, 0.75, 0.76, 1, 1.2].map((v) => binIndex(e, v))).toEqual([0, 0, 0, 1, 1, 2, 3, 3, 3]);
  });

  it('matches a straightforward binning and ECE on seeded predictions', () => {
    for (const [seed, bins] of [[51, 10], [52, 15], [53, 7]] as const) {
      const c = randomCase({ seed, n: 500, k: 5, grid: seed === 51 ? 20 : 0 });
      const got = calibration(c.probs, c.labels, 5, bins);
      const predicted = argmaxRows(c.probs, 5);
      const rows = Array.from(c.labels, (label, i) => ({ conf: c.probs[i * 5 + predicted[i]!]!, right: predicted[i] === label }));
      let ece = 0;
      for (let b = 0; b < bins; b++) {
        const lo = b * (1 / bins);
        const hi = b === bins - 1 ? 1 : (b + 1) * (1 / bins);
        const inBin = rows.filter((r) => (b === 0 ? r.conf <= hi : r.conf > lo && r.conf <= hi));
        expect(got.bins[b]!.count).toBe(inBin.length);
        if (inBin.length === 0) continue;
        const acc = inBin.filter((r) => r.right).length / inBin.length;
        const conf = inBin.reduce((s, r) => s + r.conf, 0) / inBin.length;
        expect(got.bins[b]!.accuracy).toBeCloseTo(acc, 14);
        expect(got.bins[b]!.confidence).toBeCloseTo(conf, 14);
        ece += (inBin.length / rows.length) * Math.abs(acc - conf);
      }
      expect(got.ece).toBeCloseTo(ece, 14);
      expect(got.bins.reduce((s, b) => s + b.count, 0)).toBe(500);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { argmaxRows, confusionMatrix } from '../../../../src/analysis/metrics/classification.ts';
import { classificationReport } from '../../../../src/analysis/metrics/report.ts';
import { randomCase } from '../../../fixtures/analysis/random-case.ts';
import { referenceReport } from './reference.ts';

describe('classification report (sklearn classification_report, zero_division → 0)', () => {
  it('a 3-class case with a never-predicted class and a class absent from the labels, by hand', () => {
    // Classes 0 cat, 1 dog, 2 fox. True: cat cat cat dog dog. Predicted: cat cat fox cat fox.
    // Confusion (rows true, columns predicted):
    //   cat [2, 0, 1]    dog is never predicted (column 1 all zero)
    //   dog [1, 0, 1]    fox never occurs as a label (row 2 all zero)
    //   fox [0, 0, 0]
    const counts = confusionMatrix([0, 0, 0, 1, 1], [0, 0, 2, 0, 2], 3);
    const r = classificationReport(counts);
    // cat: tp 2, support 3, predicted 3 → P = 2/3, R = 2/3, F1 = 2·2/(3+3) = 2/3
    expect(r.perClass[0]!.precision).toBeCloseTo(2 / 3, 15);
    expect(r.perClass[0]!.recall).toBeCloseTo(2 / 3, 15);
    expect(r.perClass[0]!.f1).toBeCloseTo(2 / 3, 15);
    expect(r.perClass[0]!.support).toBe(3);
    // dog: tp 0, support 2, predicted 0 → P = 0/0 → 0 (zero_division), R = 0/2 = 0, F1 = 0/(2+0) = 0
    expect(r.perClass[1]).toEqual({ precision: 0, recall: 0, f1: 0, support: 2 });
    // fox: tp 0, support 0, predicted 2 → P = 0/2 = 0, R = 0/0 → 0 (zero_division), F1 = 0/(0+2) = 0
    expect(r.perClass[2]).toEqual({ precision: 0, recall: 0, f1: 0, support: 0 });
    // macro = plain mean over all 3 classes, fox included: (2/3 + 0 + 0)/3 = 2/9 for P, R and F1
    expect(r.macro.precision).toBeCloseTo(2 / 9, 15);
    expect(r.macro.recall).toBeCloseTo(2 / 9, 15);
    expect(r.macro.f1).toBeCloseTo(2 / 9, 15);
    // weighted by support (3, 2, 0): (2/3·3 + 0·2 + 0·0)/5 = 2/5
    expect(r.weighted.precision).toBeCloseTo(2 / 5, 15);
    expect(r.weighted.recall).toBeCloseTo(2 / 5, 15);
    expect(r.weighted.f1).toBeCloseTo(2 / 5, 15);
    expect(r.macro.support).toBe(5);
    expect(r.accuracy).toBeCloseTo(2 / 5, 15); // cat, cat right of 5
    // Nothing is NaN: every undefined ratio became 0.
    expect(JSON.stringify(r)).not.toMatch(/null/);
  });

  it('F1 by counts equals the harmonic mean 2PR/(P+R) where that is defined', () => {
    // tp 3, support 4, predicted 6: P = 1/2, R = 3/4 → 2·(3/8)/(5/4) = 3/5 = 2·3/(4+6)
    const r = classificationReport([[3, 1], [3, 5]]);
    expect(r.perClass[0]!.f1).toBeCloseTo(3 / 5, 15);
  });

  it('matches per-class counting over the raw label and prediction arrays on seeded cases', () => {
    for (const spec of [
      { seed: 11, n: 400, k: 5, grid: 6 },
      { seed: 12, n: 250, k: 7, grid: 0, absent: 3 },
      { seed: 13, n: 250, k: 4, grid: 5, neverPredicted: 2 },
    ]) {
      const c = randomCase(spec);
      const predicted = argmaxRows(c.probs, c.k);
      const r = classificationReport(confusionMatrix(c.labels, predicted, c.k));
      const ref = referenceReport(c.labels, predicted, c.k);
      let total = 0;
      for (let j = 0; j < c.k; j++) {
        expect(r.perClass[j]!.precision).toBeCloseTo(ref[j]!.precision, 14);
        expect(r.perClass[j]!.recall).toBeCloseTo(ref[j]!.recall, 14);
        expect(r.perClass[j]!.f1).toBeCloseTo(ref[j]!.f1, 14);
        expect(r.perClass[j]!.support).toBe(ref[j]!.support);
        total += ref[j]!.support;
      }
      for (const key of ['precision', 'recall', 'f1'] as const) {
        expect(r.macro[key]).toBeCloseTo(ref.reduce((s, x) => s + x[key], 0) / c.k, 14);
        expect(r.weighted[key]).toBeCloseTo(ref.reduce((s, x) => s + x[key] * x.support, 0) / total, 14);
      }
      // Weighted recall is the accuracy: Σ (tp_c/support_c)·support_c / n = Σ tp_c / n.
      expect(r.weighted.recall).toBeCloseTo(r.accuracy, 14);
      if (spec.absent !== undefined) expect(r.perClass[spec.absent]!.support).toBe(0);
      if (spec.neverPredicted !== undefined) expect(r.perClass[spec.neverPredicted]!.precision).toBe(0);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { oneVsRest } from '../../../../src/analysis/metrics/one-vs-rest.ts';
import { randomCase } from '../../../fixtures/analysis/random-case.ts';
import { column, definitionAp, flattened, mannWhitneyAuc } from './reference.ts';

describe('one-vs-rest ROC AUC and average precision (per class, micro, macro)', () => {
  it('a class absent from the labels: undefined AUC, and so an undefined macro AUC; AP 0 and counted in the macro AP', () => {
    // 3 classes, class 2 never a label. Rows: (probs) true
    //   [0.6 0.3 0.1] 0   [0.2 0.5 0.3] 1   [0.5 0.1 0.4] 0   [0.3 0.4 0.3] 1
    const probs = [0.6, 0.3, 0.1, 0.2, 0.5, 0.3, 0.5, 0.1, 0.4, 0.3, 0.4, 0.3];
    const r = oneVsRest(probs, [0, 1, 0, 1], 3);
    // Class 0: positives 0.6, 0.5 vs negatives 0.2, 0.3 → 4/4 pairs won → 1.
    expect(r.perClass[0]!.auc).toBe(1);
    // Class 1: positives 0.5, 0.4 vs negatives 0.3, 0.1 → 1.
    expect(r.perClass[1]!.auc).toBe(1);
    // Class 2: no positives → undefined; macro = mean(1, 1, NaN) = NaN (np.average propagates nan).
    expect(r.perClass[2]!.auc).toBeNaN();
    expect(r.macro.auc).toBeNaN();
    // AP: classes 0 and 1 rank both positives first → 1; class 2 → 0 (sklearn); macro = 2/3.
    expect(r.perClass[0]!.averagePrecision).toBe(1);
    expect(r.perClass[1]!.averagePrecision).toBe(1);
    expect(r.perClass[2]!.averagePrecision).toBe(0);
    expect(r.macro.averagePrecision).toBeCloseTo(2 / 3, 15);
    // Micro over the 12 cells stays defined: 4 positives {0.6, 0.5, 0.5, 0.4}
    // vs 8 negatives {0.3, 0.1, 0.2, 0.3, 0.1, 0.4, 0.3, 0.3}: the 0.4 positive ties the 0.4 negative
    // (½) and everything else wins → (32 − ½)/32.
    expect(r.micro.auc).toBeCloseTo(31.5 / 32, 15);
  });

  it('matches Mann–Whitney and the AP definition per class and on the flattened one-hot matrix (seeded, ties)', () => {
    for (const spec of [
      { seed: 41, n: 200, k: 4, grid: 8 },
      { seed: 42, n: 150, k: 6, grid: 0 },
      { seed: 43, n: 180, k: 5, grid: 10, absent: 1 },
    ]) {
      const c = randomCase(spec);
      const r = oneVsRest(c.probs, c.labels, c.k);
      const aucs: number[] = [];
      const aps: number[] = [];
      for (let j = 0; j < c.k; j++) {
        const { scores, positive } = column(c.probs, c.labels, c.k, j);
        aucs.push(mannWhitneyAuc(scores, positive));
        aps.push(definitionAp(scores, positive));
        if (Number.isNaN(aucs[j]!)) expect(r.perClass[j]!.auc).toBeNaN();
        else expect(r.perClass[j]!.auc).toBeCloseTo(aucs[j]!, 12);
        expect(r.perClass[j]!.averagePrecision).toBeCloseTo(aps[j]!, 12);
      }
      const flat = flattened(c.probs, c.labels, c.k);
      expect(r.micro.auc).toBeCloseTo(mannWhitneyAuc(flat.scores, flat.positive), 12);
      expect(r.micro.averagePrecision).toBeCloseTo(definitionAp(flat.scores, flat.positive), 12);
      const macroAuc = aucs.reduce((s, v) => s + v, 0) / c.k;
      if (spec.absent !== undefined) expect(r.macro.auc).toBeNaN();
      else expect(r.macro.auc).toBeCloseTo(macroAuc, 12);
      expect(r.macro.averagePrecision).toBeCloseTo(aps.reduce((s, v) => s + v, 0) / c.k, 12);
    }
  });

  it('rejects probabilities that are not one row of k per label', () => {
    expect(() => oneVsRest([0.5, 0.5, 1], [0, 1], 2)).toThrow(/one row of k/);
  });
});

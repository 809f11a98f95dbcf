import { describe, expect, it } from 'vitest';
import { averagePrecision, precisionRecallCurve, rocAuc, rocCurve, thresholdCounts, trapezoidArea } from '../../../../src/analysis/metrics/ranking.ts';
import { randomCase } from '../../../fixtures/analysis/random-case.ts';
import { column, countAtLeast, definitionAp, distinctDescending, mannWhitneyAuc } from './reference.ts';

// Seven scores with two ties (0.8 ×3 and 0.4 ×2), four positives (P = 4) and three negatives (N = 3).
const tiedScores = [0.9, 0.8, 0.8, 0.8, 0.4, 0.4, 0.1];
const tiedTruth = [1, 1, 0, 1, 0, 1, 0];

describe('ROC curve and AUC (sklearn roc_curve, roc_auc_score)', () => {
  it('tied scores form one threshold each; points and AUC by hand', () => {
    // Distinct thresholds, highest first, with positives/negatives at or above:
    //   0.9: tp 1 fp 0    0.8: tp 3 fp 1    0.4: tp 4 fp 2    0.1: tp 4 fp 3
    // Second differences at 0.8: fps 2−2+0 = 0 but tps 4−6+1 ≠ 0 → kept; at 0.4: tps 4−8+3 ≠ 0 → kept.
    const roc = rocCurve(tiedScores, tiedTruth);
    expect(roc.thresholds).toEqual([Infinity, 0.9, 0.8, 0.4, 0.1]);
    expect(roc.fpr).toEqual([0, 0, 1 / 3, 2 / 3, 1]);
    expect(roc.tpr).toEqual([0, 1 / 4, 3 / 4, 1, 1]);
    // Trapezoids: 0 + (1/4+3/4)/2·1/3 + (3/4+1)/2·1/3 + (1+1)/2·1/3 = 4/24 + 7/24 + 8/24 = 19/24.
    // Mann–Whitney over the 12 pairs: 0.9 beats 3; each 0.8 ties one (½) and beats two (2.5 × 2);
    // 0.4 loses to 0.8, ties 0.4 (½), beats 0.1 → 3 + 5 + 1.5 = 9.5; 9.5/12 = 19/24.
    expect(rocAuc(tiedScores, tiedTruth)).toBeCloseTo(19 / 24, 15);
  });

  it('drop_intermediate removes only points with zero second difference in both counts', () => {
    // Scores 0.9 N, 0.8 N, 0.7 N, 0.6 P: fps [1, 2, 3, 3], tps [0, 0, 0, 1].
    // At 0.8: fps 3−4+1 = 0 and tps 0 → dropped. At 0.7: fps 3−6+2 = −1 → kept.
    const roc = rocCurve([0.9, 0.8, 0.7, 0.6], [0, 0, 0, 1]);
    expect(roc.thresholds).toEqual([Infinity, 0.9, 0.7, 0.6]);
    expect(roc.fpr).toEqual([0, 1 / 3, 1, 1]);
    expect(roc.tpr).toEqual([0, 0, 0, 1]);
    // Collinear but unequal steps are kept, exactly as sklearn keeps them ("no harm in keeping too
    // many"): 0.9 N, 0.8 N N, 0.7 N, 0.6 P → fps [1, 3, 4, 4]; second differences −1, −1.
    const uneven = rocCurve([0.9, 0.8, 0.8, 0.7, 0.6], [0, 0, 0, 0, 1]);
    expect(uneven.thresholds).toEqual([Infinity, 0.9, 0.8, 0.7, 0.6]);
    expect(uneven.fpr).toEqual([0, 1 / 4, 3 / 4, 1, 1]);
  });

  it('one class only: rates are NaN and the AUC is undefined (NaN)', () => {
    const roc = rocCurve([0.3, 0.2], [0, 0]);
    expect(roc.fpr).toEqual([0, 0.5, 1]);
    expect(roc.tpr.every(Number.isNaN)).toBe(true);
    expect(rocAuc([0.3, 0.2], [0, 0])).toBeNaN();
    expect(rocAuc([0.3, 0.2], [1, 1])).toBeNaN();
  });

  it('trapezoid area follows the direction of x, like sklearn.metrics.auc', () => {
    expect(trapezoidArea([0, 1], [1, 1])).toBe(1);
    expect(trapezoidArea([1, 0], [1, 1])).toBe(1);
  });

  it('equals the Mann–Whitney statistic on seeded columns full of ties', () => {
    for (const [seed, grid] of [[21, 5], [22, 20], [23, 0]] as const) {
      const c = randomCase({ seed, n: 300, k: 4, grid });
      for (let j = 0; j < 4; j++) {
        const { scores, positive } = column(c.probs, c.labels, 4, j);
        expect(rocAuc(scores, positive)).toBeCloseTo(mannWhitneyAuc(scores, positive), 12);
      }
    }
  });

  it('every kept point is an exact operating point, and every dropped one lies on the kept segment', () => {
    let dropped = 0;
    const columns = [randomCase({ seed: 24, n: 400, k: 3, grid: 12 }), randomCase({ seed: 25, n: 300, k: 3, grid: 0 })].flatMap((c) =>
      [0, 1, 2].map((j) => column(c.probs, c.labels, 3, j)),
    );
    for (const { scores, positive } of columns) {
      const P = positive.filter(Boolean).length;
      const N = positive.length - P;
      const roc = rocCurve(scores, positive);
      // Kept points, by counting at each kept threshold.
      for (let i = 1; i < roc.thresholds.length; i++) {
        const { tp, fp } = countAtLeast(scores, positive, roc.thresholds[i]!);
        expect(roc.tpr[i]).toBe(tp / P);
        expect(roc.fpr[i]).toBe(fp / N);
      }
      // Dropped points: integer cross product with the kept neighbours is 0 (collinear, in between).
      const all = distinctDescending(scores);
      const kept = new Set(roc.thresholds);
      for (const t of all) {
        if (kept.has(t)) continue;
        const after = roc.thresholds.findIndex((x) => x < t);
        const [a, b] = [roc.thresholds[after - 1]!, roc.thresholds[after]!];
        const [pa, p, pb] = [a, t, b].map((x) => (x === Infinity ? { tp: 0, fp: 0 } : countAtLeast(scores, positive, x)));
        expect((p!.fp - pa!.fp) * (pb!.tp - pa!.tp) - (p!.tp - pa!.tp) * (pb!.fp - pa!.fp)).toBe(0);
        expect(p!.fp >= pa!.fp && p!.fp <= pb!.fp).toBe(true);
        dropped++;
      }
    }
    expect(dropped).toBeGreaterThan(0); // the rule was exercised
  });
});

describe('precision–recall curve and average precision (sklearn)', () => {
  // Same scores, different truth: 0.9 N | 0.8 P N P | 0.4 P N | 0.1 P   (P = 4, N = 3)
  const truth = [0, 1, 0, 1, 1, 0, 1];

  it('curve with ties, by hand, listed by increasing threshold and ending at (recall 0, precision 1)', () => {
    //   0.9: tp 0 fp 1 → P 0,   R 0       0.8: tp 2 fp 2 → P 1/2, R 1/2
    //   0.4: tp 3 fp 3 → P 1/2, R 3/4     0.1: tp 4 fp 3 → P 4/7, R 1
    const pr = precisionRecallCurve(tiedScores, truth);
    expect(pr.thresholds).toEqual([0.1, 0.4, 0.8, 0.9]);
    expect(pr.precision).toEqual([4 / 7, 1 / 2, 1 / 2, 0, 1]);
    expect(pr.recall).toEqual([1, 3 / 4, 1 / 2, 0, 0]);
  });

  it('average precision is the step-wise sum over distinct thresholds, not a trapezoid', () => {
    // AP = Σ (R_n − R_{n−1})·P_n = 0·0 + (1/2)(1/2) + (1/4)(1/2) + (1/4)(4/7) = 1/4 + 1/8 + 1/7 = 29/56.
    expect(averagePrecision(tiedScores, truth)).toBeCloseTo(29 / 56, 15);
    // The trapezoidal area of the same points would be larger: it is not what sklearn computes.
    const pr = precisionRecallCurve(tiedScores, truth);
    expect(Math.abs(trapezoidArea(pr.recall, pr.precision) - 29 / 56)).toBeGreaterThan(0.01);
    // Breaking the 0.8 tie optimistically instead (scores 0.85 P, 0.84 P, 0.8 N) gives another AP:
    // recall steps of 1/4 at precisions 1/2 (0.85), 2/3 (0.84), 3/5 (0.4), 4/7 (0.1)
    // → (1/2 + 2/3 + 3/5 + 4/7)/4 ≈ 0.585 ≠ 29/56 ≈ 0.518: a tie must stay one threshold.
    expect(averagePrecision([0.9, 0.85, 0.84, 0.8, 0.4, 0.35, 0.1], [0, 1, 1, 0, 1, 0, 1])).toBeCloseTo((1 / 2 + 2 / 3 + 3 / 5 + 4 / 7) / 4, 15);
  });

  it('no positives: recall is 1 everywhere and AP is 0, as sklearn sets it', () => {
    const pr = precisionRecallCurve([0.3, 0.3, 0.1], [0, 0, 0]);
    expect(pr.recall).toEqual([1, 1, 0]);
    expect(pr.precision).toEqual([0, 0, 1]);
    expect(averagePrecision([0.3, 0.3, 0.1], [0, 0, 0])).toBe(0);
  });

  it('equals the definition summed over distinct thresholds on seeded columns full of ties', () => {
    for (const [seed, grid] of [[31, 4], [32, 20], [33, 0]] as const) {
      const c = randomCase({ seed, n: 300, k: 5, grid });
      for (let j = 0; j < 5; j++) {
        const { scores, positive } = column(c.probs, c.labels, 5, j);
        expect(averagePrecision(scores, positive)).toBeCloseTo(definitionAp(scores, positive), 12);
        // Every curve point is exact: precision and recall by counting at its threshold.
        const pr = precisionRecallCurve(scores, positive);
        const P = positive.filter(Boolean).length;
        pr.thresholds.forEach((t, i) => {
          const { tp, fp } = countAtLeast(scores, positive, t);
          expect(pr.precision[i]).toBe(tp / (tp + fp));
          expect(pr.recall[i]).toBe(tp / P);
        });
        expect(pr.thresholds).toEqual(distinctDescending(scores).reverse());
      }
    }
  });

  it('thresholdCounts rejects a non-finite score', () => {
    expect(() => thresholdCounts([0.1, Number.NaN], [0, 1])).toThrow(/finite/);
  });
});

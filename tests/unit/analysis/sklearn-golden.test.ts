/**
 * Our metrics against values scikit-learn computed for the same seeded inputs
 * (tests/fixtures/analysis/sklearn-golden.json; how it was made: README.md there). No Python runs here.
 *
 * Curves are compared exactly: their points are ratios of the same integer counts, and thresholds
 * are the same float32 scores. Areas, averages and F1 are compared to 12 decimals, because numpy
 * sums in a different order (pairwise) and sklearn 1.2 computed F1 as 2PR/(P+R).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../../src/analysis/evaluate.ts';
import { GOLDEN_CASES } from '../../fixtures/analysis/golden-cases.ts';
import { randomCase } from '../../fixtures/analysis/random-case.ts';

type Nullable = number | null;
interface Expected {
  name: string;
  accuracy: number;
  top_k_accuracy: Record<string, number>;
  confusion_matrix: number[][];
  report: {
    per_class: { precision: number; recall: number; f1: number; support: number }[];
    macro: { precision: number; recall: number; f1: number };
    weighted: { precision: number; recall: number; f1: number };
  };
  roc: ({ fpr: number[]; tpr: number[]; thresholds: number[] } | null)[];
  auc: { per_class: Nullable[]; macro: Nullable; micro: Nullable };
  pr: { precision: number[]; recall: number[]; thresholds: number[] }[];
  average_precision: { per_class: number[]; macro: number; micro: number };
  calibration: Record<string, { counts: number[]; accuracy: number[]; confidence: number[]; ece: number }>;
}
interface Golden {
  versions: Record<string, string>;
  inputs: { name: string; k: number; topK: number[]; bins: number[]; labels: number[]; probs: number[] }[];
  expected: Expected[];
}

const golden = JSON.parse(readFileSync(new URL('../../fixtures/analysis/sklearn-golden.json', import.meta.url), 'utf8')) as Golden;

function closeOrNull(actual: Nullable, expected: Nullable): void {
  if (expected === null) expect(actual).toBeNull();
  else expect(actual).toBeCloseTo(expected, 12);
}

describe(`scikit-learn ${golden.versions.sklearn} golden values`, () => {
  it('the stored inputs are exactly what the seeded generator produces', () => {
    expect(golden.inputs.map((i) => i.name)).toEqual(GOLDEN_CASES.map((g) => g.name));
    for (const [i, g] of GOLDEN_CASES.entries()) {
      const c = randomCase(g.spec);
      expect(golden.inputs[i]!.labels).toEqual(Array.from(c.labels));
      expect(golden.inputs[i]!.probs).toEqual(Array.from(c.probs));
    }
  });

  for (const [i, input] of golden.inputs.entries()) {
    const want = golden.expected[i]!;
    const classes = Array.from({ length: input.k }, (_, c) => `class ${c}`);
    const probs = new Float32Array(input.probs);
    const run = (topK: number, bins: number) => evaluate(probs, input.labels, classes, { topK, calibrationBins: bins });
    const e = run(2, input.bins[0]!);

    describe(input.name, () => {
      it('accuracy, top-k accuracy, confusion matrix', () => {
        expect(e.metrics.accuracy).toBe(want.accuracy);
        for (const [k, value] of Object.entries(want.top_k_accuracy)) expect(run(Number(k), 10).metrics.top_k_accuracy[k]).toBe(value);
        expect(e.metrics.confusion_matrix).toEqual(want.confusion_matrix);
      });

      it('classification report', () => {
        for (const [c, w] of want.report.per_class.entries()) {
          const got = e.report.perClass[c]!;
          expect(got.precision).toBe(w.precision);
          expect(got.recall).toBe(w.recall);
          expect(got.f1).toBeCloseTo(w.f1, 12);
          expect(got.support).toBe(w.support);
        }
        for (const key of ['precision', 'recall', 'f1'] as const) {
          expect(e.metrics.macro_avg[key]).toBeCloseTo(want.report.macro[key], 12);
          expect(e.metrics.weighted_avg[key]).toBeCloseTo(want.report.weighted[key], 12);
        }
      });

      it('ROC curves (after the +inf threshold) and AUC per class, macro, micro', () => {
        for (const [c, w] of want.roc.entries()) {
          const got = e.roc.perClass[c];
          if (w === null) {
            expect(got).toBeNull();
            continue;
          }
          expect(got!.fpr).toEqual(w.fpr);
          expect(got!.tpr).toEqual(w.tpr);
          expect(got!.thresholds[0]).toBe(Infinity);
          expect(got!.thresholds.slice(1)).toEqual(w.thresholds);
        }
        want.auc.per_class.forEach((w, c) => closeOrNull(e.roc.auc.perClass[c]!, w));
        closeOrNull(e.metrics.roc_auc.macro, want.auc.macro);
        closeOrNull(e.metrics.roc_auc.micro, want.auc.micro);
      });

      it('precision–recall curves and average precision per class, macro, micro', () => {
        for (const [c, w] of want.pr.entries()) {
          expect(e.pr.perClass[c]!.precision).toEqual(w.precision);
          expect(e.pr.perClass[c]!.recall).toEqual(w.recall);
          expect(e.pr.perClass[c]!.thresholds).toEqual(w.thresholds);
          // toBeCloseTo: sklearn 1.2 can return -0.0 for a class without positives; we return 0.
          expect(e.pr.averagePrecision.perClass[c]).toBeCloseTo(want.average_precision.per_class[c]!, 12);
          expect(e.metrics.per_class[classes[c]!]!.average_precision).toBe(e.pr.averagePrecision.perClass[c]);
        }
        expect(e.pr.averagePrecision.macro).toBeCloseTo(want.average_precision.macro, 12);
        expect(e.pr.averagePrecision.micro).toBeCloseTo(want.average_precision.micro, 12);
      });

      it('reliability diagram and ECE (calibration_curve bins)', () => {
        for (const [bins, w] of Object.entries(want.calibration)) {
          const got = run(2, Number(bins)).calibration;
          expect(got.bins.map((b) => b.count)).toEqual(w.counts);
          const filled = got.bins.filter((b) => b.count > 0);
          filled.forEach((b, j) => {
            expect(b.accuracy).toBeCloseTo(w.accuracy[j]!, 12);
            expect(b.confidence).toBeCloseTo(w.confidence[j]!, 12);
          });
          expect(got.ece).toBeCloseTo(w.ece, 12);
        }
      });
    });
  }
});

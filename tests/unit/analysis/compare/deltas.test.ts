/** Metric and per-class differences between two experiments' published metrics. */
import { describe, expect, it } from 'vitest';
import { metricDeltas, perClassDeltas, type MetricsLike } from '../../../../src/analysis/compare/deltas.ts';
import { confusionMatrix } from '../../../../src/analysis/metrics/classification.ts';
import { classificationReport } from '../../../../src/analysis/metrics/report.ts';
import { reference } from './reference.ts';

function metricsOf(labels: number[], pred: number[], k: number, extra: Partial<MetricsLike> = {}): MetricsLike {
  const report = classificationReport(confusionMatrix(labels, pred, k));
  return { accuracy: report.accuracy, loss: 0.5, topK: { k: 3, accuracy: 0.99 }, report, auc: { macro: 0.9 }, averagePrecision: { macro: 0.8 }, ece: 0.05, ...extra };
}

describe('metric deltas', () => {
  it('per-class precision/recall/F1 differences equal NumPy\'s on the seeded cases', () => {
    for (const c of reference.paired) {
      const d = perClassDeltas(metricsOf(c.labels, c.pred_a, c.k), metricsOf(c.labels, c.pred_b, c.k));
      expect(d).toHaveLength(c.k);
      d.forEach((row, j) => {
        expect(row.index).toBe(j);
        expect(row.a.precision).toBeCloseTo(c.a.precision[j]!, 15);
        expect(row.b.recall).toBeCloseTo(c.b.recall[j]!, 15);
        expect(row.delta.precision).toBeCloseTo(c.b.precision[j]! - c.a.precision[j]!, 15);
        expect(row.delta.recall).toBeCloseTo(c.b.recall[j]! - c.a.recall[j]!, 15);
        expect(row.delta.f1).toBeCloseTo(c.b.f1[j]! - c.a.f1[j]!, 15);
      });
    }
  });

  it('whole-set metrics: B − A in table order; undefined values and different k give null', () => {
    const c = reference.paired[0]!;
    const a = metricsOf(c.labels, c.pred_a, c.k);
    const b = metricsOf(c.labels, c.pred_b, c.k, { auc: { macro: null }, loss: 0.25 });
    const rows = metricDeltas(a, b);
    expect(rows.map((r) => r.key)).toEqual(['accuracy', 'macro_f1', 'macro_precision', 'macro_recall', 'weighted_f1', 'top_k_accuracy', 'loss', 'roc_auc_macro', 'average_precision_macro', 'ece']);
    const byKey = Object.fromEntries(rows.map((r) => [r.key, r]));
    expect(byKey.accuracy!.delta).toBeCloseTo(c.b.accuracy - c.a.accuracy, 15);
    expect(byKey.macro_f1!.delta).toBeCloseTo(c.b.macro[2] - c.a.macro[2], 15);
    expect(byKey.loss).toMatchObject({ a: 0.5, b: 0.25, delta: -0.25, better: 'lower' });
    expect(byKey.roc_auc_macro).toMatchObject({ a: 0.9, b: null, delta: null });
    const otherK = metricDeltas(a, { ...b, topK: { k: 5, accuracy: 1 } });
    expect(otherK.find((r) => r.key === 'top_k_accuracy')).toMatchObject({ a: 0.99, b: 1, delta: null });
  });

  it('refuses per-class differences between different class counts', () => {
    const a = metricsOf([0, 1], [0, 1], 2);
    const b = metricsOf([0, 1, 2], [0, 1, 2], 3);
    expect(() => perClassDeltas(a, b)).toThrow('A has 2 classes and B 3');
  });
});

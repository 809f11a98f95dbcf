/**
 * Differences B − A between two experiments' published test metrics (report.json's
 * `metrics`), whole-set and per class. Pure; works on any object of the `MetricsLike` shape, so
 * it needs no predictions and applies even when the two test sets differ.
 */

/** Precision, recall, F1 and support of one class or an average (metrics/report.ts). */
export interface ScoresLike {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

/** What the deltas read of an experiment's metrics (a subset of report.json's `metrics`). */
export interface MetricsLike {
  accuracy: number;
  loss: number;
  topK: { k: number; accuracy: number };
  report: { perClass: readonly ScoresLike[]; macro: ScoresLike; weighted: ScoresLike };
  auc: { macro: number | null };
  averagePrecision: { macro: number };
  ece: number;
}

/** How a metric is written: a fraction (shown as a percentage), a loss, or a score in [0, 1]. */
export type MetricUnit = 'fraction' | 'loss' | 'score';

/** One compared metric. */
export interface DiffMetric {
  /** Stable key (snake_case; the JSON output's key). */
  key: string;
  label: string;
  unit: MetricUnit;
  better: 'higher' | 'lower';
  value(metrics: MetricsLike): number | null;
}

/** The compared metrics, in table order. */
export const DIFF_METRICS: readonly DiffMetric[] = [
  { key: 'accuracy', label: 'Accuracy', unit: 'fraction', better: 'higher', value: (m) => m.accuracy },
  { key: 'macro_f1', label: 'Macro F1', unit: 'score', better: 'higher', value: (m) => m.report.macro.f1 },
  { key: 'macro_precision', label: 'Macro precision', unit: 'score', better: 'higher', value: (m) => m.report.macro.precision },
  { key: 'macro_recall', label: 'Macro recall', unit: 'score', better: 'higher', value: (m) => m.report.macro.recall },
  { key: 'weighted_f1', label: 'Weighted F1', unit: 'score', better: 'higher', value: (m) => m.report.weighted.f1 },
  { key: 'top_k_accuracy', label: 'Top-k accuracy', unit: 'fraction', better: 'higher', value: (m) => m.topK.accuracy },
  { key: 'loss', label: 'Test loss', unit: 'loss', better: 'lower', value: (m) => m.loss },
  { key: 'roc_auc_macro', label: 'ROC AUC (macro)', unit: 'score', better: 'higher', value: (m) => m.auc.macro },
  { key: 'average_precision_macro', label: 'Average precision (macro)', unit: 'score', better: 'higher', value: (m) => m.averagePrecision.macro },
  { key: 'ece', label: 'Calibration error (ECE)', unit: 'score', better: 'lower', value: (m) => m.ece },
];

/** One metric of A and B and their difference; null where a value is undefined or not comparable. */
export interface MetricDelta {
  key: string;
  label: string;
  unit: MetricUnit;
  better: 'higher' | 'lower';
  a: number | null;
  b: number | null;
  /** b − a; null when either is null, or for top-k accuracy when A and B use different k. */
  delta: number | null;
}

const finiteOrNull = (v: number | null): number | null => (v !== null && Number.isFinite(v) ? v : null);

/** Every metric of DIFF_METRICS for A and B, with B − A. */
export function metricDeltas(a: MetricsLike, b: MetricsLike): MetricDelta[] {
  return DIFF_METRICS.map((metric) => {
    const va = finiteOrNull(metric.value(a));
    const vb = finiteOrNull(metric.value(b));
    // Top-3 and top-5 accuracy measure different things; their difference means nothing.
    const comparable = metric.key !== 'top_k_accuracy' || a.topK.k === b.topK.k;
    return { key: metric.key, label: metric.label, unit: metric.unit, better: metric.better, a: va, b: vb, delta: va !== null && vb !== null && comparable ? vb - va : null };
  });
}

/** One class's precision, recall and F1 in A and B, and B − A. */
export interface ClassDelta {
  /** Class index. */
  index: number;
  a: ScoresLike;
  b: ScoresLike;
  delta: { precision: number; recall: number; f1: number };
}

/** Per-class differences; A and B must have the same number of classes (class i of A is class i of B). */
export function perClassDeltas(a: MetricsLike, b: MetricsLike): ClassDelta[] {
  const pa = a.report.perClass;
  const pb = b.report.perClass;
  if (pa.length !== pb.length) throw new RangeError(`Per-class differences need the same classes in A and B; A has ${pa.length} classes and B ${pb.length}.`);
  return pa.map((sa, index) => {
    const sb = pb[index]!;
    return { index, a: { ...sa }, b: { ...sb }, delta: { precision: sb.precision - sa.precision, recall: sb.recall - sa.recall, f1: sb.f1 - sa.f1 } };
  });
}

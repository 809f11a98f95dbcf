/**
 * Test-set evaluation: probabilities + labels → everything the report's Performance section
 * needs, and the `metrics.json` object of EXPERIMENT.md ("Published outputs"). Pure.
 *
 *   1. validate shapes, labels and probabilities (strict: a wrong shape stops the run)
 *   2. predicted class (argmax, first index on ties), confusion matrix → classification report
 *   3. loss, accuracy, top-k accuracy
 *   4. one-vs-rest ROC / precision–recall curves, AUC and AP (per class, micro, macro)
 *   5. calibration, most confident mistakes, most confused pairs
 *   6. the metrics.json object: undefined values (NaN) become null, since JSON has no NaN
 *
 * Definitions and conventions: src/analysis/metrics/README.md.
 */
import { calibration, type Calibration } from './metrics/calibration.ts';
import { accuracy, argmaxRows, confusionMatrix, crossEntropy, normalizeRows, topKAccuracy } from './metrics/classification.ts';
import { messages } from './metrics/messages.ts';
import { mostConfidentMistakes, mostConfusedPairs, type ConfusedPair, type Mistake } from './metrics/mistakes.ts';
import { oneVsRest } from './metrics/one-vs-rest.ts';
import type { PrCurve, RocCurve } from './metrics/ranking.ts';
import { classificationReport, type ClassificationReport } from './metrics/report.ts';

/** Precision, recall and F1 of one class or average, as published. */
export interface PublishedScores {
  precision: number;
  recall: number;
  f1: number;
}

/** `metrics.json` exactly (EXPERIMENT.md, a contract). null marks an undefined value. */
export interface MetricsJson {
  accuracy: number;
  loss: number;
  /** Keyed by k as a string, e.g. {"3": 0.99}. */
  top_k_accuracy: Record<string, number>;
  classes: string[];
  per_class: Record<string, PublishedScores & { support: number; auc: number | null; average_precision: number }>;
  macro_avg: PublishedScores;
  weighted_avg: PublishedScores;
  roc_auc: { macro: number | null; micro: number | null };
  confusion_matrix: number[][];
  ece: number;
}

/** What `evaluate` computes besides the published metrics (from the report spec). */
export interface EvaluateOptions {
  /** k of the top-k accuracy (`report.topK`). */
  topK: number;
  /** Equal-width confidence bins of the reliability diagram and ECE (`report.calibrationBins`). */
  calibrationBins: number;
  /** Most confident mistakes and most confused pairs to keep; all when omitted. */
  mistakes?: number;
}

/**
 * Everything the Performance section shows. Plain data; class indices refer to `metrics.classes`.
 * The one value JSON cannot carry is each ROC curve's first threshold, +Infinity.
 */
export interface Evaluation {
  /** The `metrics.json` object. */
  metrics: MetricsJson;
  /** Test images evaluated. */
  count: number;
  /** Predicted class index of each test image. */
  predicted: number[];
  confusion: { counts: number[][]; normalized: number[][] };
  report: ClassificationReport;
  /** Per-class accuracy (the recall of each class; 0 for a class with no test images). */
  perClassAccuracy: number[];
  /** ROC curves; a curve whose rates are undefined (a class with no test images) is null. */
  roc: { perClass: (RocCurve | null)[]; micro: RocCurve | null; auc: { perClass: (number | null)[]; macro: number | null; micro: number | null } };
  /** Precision–recall curves (always defined: sklearn sets recall to 1 for a class with no positives). */
  pr: { perClass: PrCurve[]; micro: PrCurve; averagePrecision: { perClass: number[]; macro: number; micro: number } };
  calibration: Calibration;
  mistakes: Mistake[];
  confusedPairs: ConfusedPair[];
  /** Sentences for the report about undefined or degenerate metrics (messages.ts). */
  notes: string[];
}

/** NaN → null, for JSON. */
export function finiteOrNull(value: number): number | null {
  return Number.isNaN(value) ? null : value;
}

function validate(probs: ArrayLike<number>, labels: ArrayLike<number>, classes: readonly string[], options: EvaluateOptions): void {
  const n = labels.length;
  const k = classes.length;
  if (n === 0) throw new RangeError(messages.noRows());
  if (probs.length !== n * k) throw new RangeError(messages.shape(probs.length, n, k));
  for (let i = 0; i < n; i++) {
    const label = labels[i]!;
    if (!Number.isInteger(label) || label < 0 || label >= k) throw new RangeError(messages.badLabel(i, label, k));
  }
  for (let j = 0; j < probs.length; j++) if (!Number.isFinite(probs[j]!)) throw new RangeError(messages.badProbability(j, probs[j]!));
  const seen = new Set<string>();
  for (const name of classes) {
    if (seen.has(name)) throw new RangeError(messages.duplicateClass(name));
    seen.add(name);
  }
  for (const [name, value] of [['topK', options.topK], ['calibrationBins', options.calibrationBins]] as const) {
    if (!Number.isInteger(value) || value < 1) throw new RangeError(messages.badOption(name, value));
  }
}

/** A curve, or null when its rates are undefined (NaN). */
function definedRoc(curve: RocCurve): RocCurve | null {
  return curve.fpr.some(Number.isNaN) || curve.tpr.some(Number.isNaN) ? null : curve;
}

/** Evaluate row-major probabilities [n × classes.length] against integer labels. */
export function evaluate(probs: ArrayLike<number>, labels: ArrayLike<number>, classes: string[], options: EvaluateOptions): Evaluation {
  validate(probs, labels, classes, options);
  const k = classes.length;
  const n = labels.length;
  const predicted = argmaxRows(probs, k);
  const counts = confusionMatrix(labels, predicted, k);
  const report = classificationReport(counts);
  const ranking = oneVsRest(probs, labels, k);
  const calib = calibration(probs, labels, k, options.calibrationBins);
  const limit = options.mistakes ?? Number.POSITIVE_INFINITY;

  const aucPerClass = ranking.perClass.map((a) => finiteOrNull(a.auc));
  const apPerClass = ranking.perClass.map((a) => a.averagePrecision);
  const scores = (s: { precision: number; recall: number; f1: number }): PublishedScores => ({ precision: s.precision, recall: s.recall, f1: s.f1 });
  // fromEntries defines own properties, so even a class named "__proto__" is an ordinary key.
  const perClass: MetricsJson['per_class'] = Object.fromEntries(
    classes.map((name, c) => {
      const s = report.perClass[c]!;
      return [name, { ...scores(s), support: s.support, auc: aucPerClass[c]!, average_precision: apPerClass[c]! }];
    }),
  );

  const metrics: MetricsJson = {
    accuracy: accuracy(predicted, labels),
    loss: crossEntropy(probs, labels, k),
    top_k_accuracy: { [String(options.topK)]: topKAccuracy(probs, labels, k, options.topK) },
    classes: [...classes],
    per_class: perClass,
    macro_avg: scores(report.macro),
    weighted_avg: scores(report.weighted),
    roc_auc: { macro: finiteOrNull(ranking.macro.auc), micro: finiteOrNull(ranking.micro.auc) },
    confusion_matrix: counts.map((row) => [...row]),
    ece: calib.ece,
  };

  const notes: string[] = [];
  if (options.topK >= k) notes.push(messages.topKCoversAll(options.topK, k));
  classes.forEach((name, c) => {
    if (report.perClass[c]!.support === 0) notes.push(messages.absentClass(name));
    else if (counts.every((row) => row[c] === 0)) notes.push(messages.neverPredicted(name));
  });

  return {
    metrics,
    count: n,
    predicted: Array.from(predicted),
    confusion: { counts, normalized: normalizeRows(counts) },
    report,
    perClassAccuracy: report.perClass.map((s) => s.recall),
    roc: {
      perClass: ranking.perClass.map((a) => definedRoc(a.roc)),
      micro: definedRoc(ranking.micro.roc),
      auc: { perClass: aucPerClass, macro: metrics.roc_auc.macro, micro: metrics.roc_auc.micro },
    },
    pr: {
      perClass: ranking.perClass.map((a) => a.pr),
      micro: ranking.micro.pr,
      averagePrecision: { perClass: apPerClass, macro: ranking.macro.averagePrecision, micro: ranking.micro.averagePrecision },
    },
    calibration: calib,
    mistakes: mostConfidentMistakes(probs, labels, k, limit),
    confusedPairs: mostConfusedPairs(counts, limit),
    notes,
  };
}

/** predictions.csv rows: index, true class, predicted class, then one probability per class. */
export function predictionRows(probs: Float32Array, labels: ArrayLike<number>, classes: string[]): { header: string[]; rows: (string | number)[][] } {
  const k = classes.length;
  const predicted = argmaxRows(probs, k);
  const header = ['index', 'true', 'predicted', ...classes.map((c) => `p_${c}`)];
  const rows: (string | number)[][] = [];
  for (let i = 0; i < labels.length; i++) {
    const row: (string | number)[] = [i, classes[labels[i]!]!, classes[predicted[i]!]!];
    for (let j = 0; j < k; j++) row.push(Number(probs[i * k + j]!.toPrecision(6)));
    rows.push(row);
  }
  return { header, rows };
}

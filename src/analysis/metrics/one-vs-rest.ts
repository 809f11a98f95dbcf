/**
 * ROC and precision–recall analysis of a k-class model, one class against the rest, as
 * scikit-learn does on the one-hot truth matrix `label_binarize(y, classes=range(k))`:
 *
 *   per class c   the binary problem (scores = probs[:, c], positive = label == c)
 *   micro         one binary problem over all n·k cells of the flattened one-hot matrix
 *   macro         the unweighted mean of the k per-class values
 *
 * A class with no test images has no positives: its ROC curve and AUC are undefined (NaN here,
 * nan in current sklearn, an error in older releases such as 1.2), and so is the macro AUC, because sklearn
 * averages with np.average, which propagates nan. Its average precision is 0 (sklearn sets
 * recall to 1 at every threshold and warns), and the macro AP includes that 0.
 */
import { averagePrecisionOfCurve, prFromCounts, rocAucFromCounts, rocFromCounts, thresholdCounts, type PrCurve, type RocCurve, type ThresholdCounts } from './ranking.ts';

/** Curves and areas of one binary problem. */
export interface BinaryAnalysis {
  roc: RocCurve;
  /** NaN when the problem has only one class. */
  auc: number;
  pr: PrCurve;
  averagePrecision: number;
}

/** One-vs-rest analysis: `perClass[c]` for class index c, plus the micro and macro averages. */
export interface OneVsRest {
  perClass: BinaryAnalysis[];
  micro: BinaryAnalysis;
  macro: { auc: number; averagePrecision: number };
}

function analyze(counts: ThresholdCounts): BinaryAnalysis {
  const pr = prFromCounts(counts);
  const roc = rocFromCounts(counts);
  return { roc, auc: rocAucFromCounts(counts, roc), pr, averagePrecision: averagePrecisionOfCurve(pr) };
}

/** Mean of values; NaN if any is NaN (np.average semantics), NaN for none. */
function mean(values: readonly number[]): number {
  let sum = 0;
  for (const v of values) sum += v;
  return values.length === 0 ? Number.NaN : sum / values.length;
}

/** One-vs-rest ROC/PR of row-major probabilities [n × k] against integer labels. */
export function oneVsRest(probs: ArrayLike<number>, labels: ArrayLike<number>, k: number): OneVsRest {
  const n = labels.length;
  if (probs.length !== n * k) throw new RangeError(`oneVsRest: ${probs.length} probabilities for ${n} labels × ${k} classes; pass one row of k probabilities per label.`);
  const column = new Float64Array(n);
  const positive = new Uint8Array(n);
  const perClass: BinaryAnalysis[] = [];
  for (let c = 0; c < k; c++) {
    for (let i = 0; i < n; i++) {
      column[i] = probs[i * k + c]!;
      positive[i] = labels[i] === c ? 1 : 0;
    }
    perClass.push(analyze(thresholdCounts(column, positive)));
  }
  const oneHot = new Uint8Array(n * k);
  for (let i = 0; i < n; i++) oneHot[i * k + labels[i]!] = 1;
  return {
    perClass,
    micro: analyze(thresholdCounts(probs, oneHot)),
    macro: { auc: mean(perClass.map((a) => a.auc)), averagePrecision: mean(perClass.map((a) => a.averagePrecision)) },
  };
}

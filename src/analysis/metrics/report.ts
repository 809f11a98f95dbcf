/**
 * The classification report: `sklearn.metrics.classification_report(y_true, y_pred,
 * labels=range(k), output_dict=True)` with its default `zero_division="warn"`, which scores an
 * undefined ratio as 0.
 *
 *   precision_c = tp_c / predicted_c        (0 when class c is never predicted)
 *   recall_c    = tp_c / support_c          (0 when class c has no true samples)
 *   f1_c        = 2·tp_c / (support_c + predicted_c)   (0 when both are 0)
 *
 * F1 uses the count form of current scikit-learn (older releases computed 2PR/(P+R); the two agree
 * up to the last bits, and both give 0 where sklearn's zero_division applies).
 * Macro averages are plain means over all k classes (absent classes included, as sklearn does
 * when `labels` lists them); weighted averages weight each class by its support.
 */

/** Precision, recall, F1 and support of one class (or an average; support is then the total). */
export interface ClassScores {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

/** sklearn's classification_report as plain data; `perClass[c]` belongs to class index c. */
export interface ClassificationReport {
  perClass: ClassScores[];
  macro: ClassScores;
  weighted: ClassScores;
  /** Fraction of correct predictions (sklearn's `"accuracy"` entry). */
  accuracy: number;
}

/** a / b, or 0 when b is 0: sklearn's `zero_division` default. */
export function divideOrZero(a: number, b: number): number {
  return b === 0 ? 0 : a / b;
}

/** The report computed from a k×k confusion matrix (rows true, columns predicted). */
export function classificationReport(confusion: readonly (readonly number[])[]): ClassificationReport {
  const k = confusion.length;
  const perClass: ClassScores[] = [];
  let total = 0;
  let correct = 0;
  for (let c = 0; c < k; c++) {
    const tp = confusion[c]![c]!;
    let support = 0;
    let predicted = 0;
    for (let j = 0; j < k; j++) {
      support += confusion[c]![j]!;
      predicted += confusion[j]![c]!;
    }
    total += support;
    correct += tp;
    perClass.push({
      precision: divideOrZero(tp, predicted),
      recall: divideOrZero(tp, support),
      f1: divideOrZero(2 * tp, support + predicted),
      support,
    });
  }
  const average = (key: 'precision' | 'recall' | 'f1', weighted: boolean): number => {
    let sum = 0;
    let weights = 0;
    for (const s of perClass) {
      const w = weighted ? s.support : 1;
      sum += s[key] * w;
      weights += w;
    }
    return divideOrZero(sum, weights);
  };
  const summary = (weighted: boolean): ClassScores => ({
    precision: average('precision', weighted),
    recall: average('recall', weighted),
    f1: average('f1', weighted),
    support: total,
  });
  return { perClass, macro: summary(false), weighted: summary(true), accuracy: divideOrZero(correct, total) };
}

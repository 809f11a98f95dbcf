/**
 * Where the model goes wrong: its most confident mistakes, and the class pairs it confuses most.
 */
import { argmaxRows } from './classification.ts';

/** A wrong prediction: test index, true and predicted class indices, and the predicted class's probability. */
export interface Mistake {
  index: number;
  true: number;
  predicted: number;
  confidence: number;
}

/** An off-diagonal confusion-matrix cell: `count` test images of class `true` predicted as `predicted`. */
export interface ConfusedPair {
  true: number;
  predicted: number;
  count: number;
}

/**
 * Wrong predictions (argmax ≠ label), by confidence descending, then test index ascending;
 * at most `limit` of them.
 */
export function mostConfidentMistakes(probs: ArrayLike<number>, labels: ArrayLike<number>, k: number, limit = Number.POSITIVE_INFINITY): Mistake[] {
  const predicted = argmaxRows(probs, k);
  const mistakes: Mistake[] = [];
  for (let i = 0; i < labels.length; i++) {
    if (predicted[i] !== labels[i]) mistakes.push({ index: i, true: labels[i]!, predicted: predicted[i]!, confidence: probs[i * k + predicted[i]!]! });
  }
  mistakes.sort((a, b) => b.confidence - a.confidence || a.index - b.index);
  return mistakes.slice(0, limit);
}

/**
 * Ordered (true → predicted) pairs with a non-zero off-diagonal count, by count descending, then
 * true class, then predicted class; at most `limit` of them. A→B and B→A are separate pairs.
 */
export function mostConfusedPairs(confusion: readonly (readonly number[])[], limit = Number.POSITIVE_INFINITY): ConfusedPair[] {
  const pairs: ConfusedPair[] = [];
  for (const [t, row] of confusion.entries()) {
    for (const [p, count] of row.entries()) if (t !== p && count > 0) pairs.push({ true: t, predicted: p, count });
  }
  pairs.sort((a, b) => b.count - a.count || a.true - b.true || a.predicted - b.predicted);
  return pairs.slice(0, limit);
}

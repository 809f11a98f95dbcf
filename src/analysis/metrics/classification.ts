/**
 * Core classification metrics on plain arrays (no tfjs): predicted class, accuracy,
 * categorical cross-entropy and the confusion matrix.
 *
 * `probs` is a row-major [n × k] matrix of class probabilities; `labels` holds the true class
 * index of each row.
 */

/** Clip used by Keras/tfjs categorical cross-entropy, so log never sees 0. */
export const EPSILON = 1e-7;

/** Index of the largest probability in each row (first index on ties, like numpy argmax). */
export function argmaxRows(probs: ArrayLike<number>, k: number): Int32Array {
  const n = probs.length / k;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    let bestValue = probs[i * k]!;
    for (let j = 1; j < k; j++) {
      const v = probs[i * k + j]!;
      if (v > bestValue) {
        bestValue = v;
        best = j;
      }
    }
    out[i] = best;
  }
  return out;
}

/** Fraction of rows whose predicted class equals the label; NaN for no rows. */
export function accuracy(predicted: ArrayLike<number>, labels: ArrayLike<number>): number {
  if (labels.length === 0) return Number.NaN;
  let correct = 0;
  for (let i = 0; i < labels.length; i++) if (predicted[i] === labels[i]) correct++;
  return correct / labels.length;
}

/**
 * Mean categorical cross-entropy, defined as tfjs-layers/Keras define it for probability
 * outputs: each row is renormalized to sum 1, then clipped to [ε, 1−ε] before the log.
 */
export function crossEntropy(probs: ArrayLike<number>, labels: ArrayLike<number>, k: number): number {
  const n = labels.length;
  if (n === 0) return Number.NaN;
  let total = 0;
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let j = 0; j < k; j++) sum += probs[i * k + j]!;
    const p = probs[i * k + labels[i]!]! / sum;
    total -= Math.log(Math.min(Math.max(p, EPSILON), 1 - EPSILON));
  }
  return total / n;
}

/** k×k counts: rows are true classes, columns predicted classes (scikit-learn's layout). */
export function confusionMatrix(labels: ArrayLike<number>, predicted: ArrayLike<number>, k: number): number[][] {
  const m = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let i = 0; i < labels.length; i++) m[labels[i]!]![predicted[i]!]! += 1;
  return m;
}

/**
 * Top-k accuracy: a row is a hit when fewer than `topK` classes score strictly higher than its
 * true class (so ties at the boundary count in the label's favour).
 */
export function topKAccuracy(probs: ArrayLike<number>, labels: ArrayLike<number>, k: number, topK: number): number {
  const n = labels.length;
  if (n === 0) return Number.NaN;
  let hits = 0;
  for (let i = 0; i < n; i++) {
    const p = probs[i * k + labels[i]!]!;
    let higher = 0;
    for (let j = 0; j < k; j++) if (probs[i * k + j]! > p) higher++;
    if (higher < topK) hits++;
  }
  return hits / n;
}

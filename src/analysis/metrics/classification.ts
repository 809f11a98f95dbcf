/**
 * Core classification metrics on plain arrays (no tfjs): predicted class, accuracy,
 * categorical cross-entropy, top-k accuracy and the confusion matrix.
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
 * Top-k accuracy as `sklearn.metrics.top_k_accuracy_score` ranks classes: by score, descending,
 * and among equal scores the higher class index first (sklearn sorts with a stable argsort and
 * reverses it). A row is a hit when its true class is among the first `topK` of that ranking,
 * i.e. when (classes scoring strictly higher) + (equal-scoring classes with a higher index) < topK.
 * `topK` ≥ k makes every row a hit (sklearn warns that the score is then meaningless). NaN for no rows.
 */
export function topKAccuracy(probs: ArrayLike<number>, labels: ArrayLike<number>, k: number, topK: number): number {
  const n = labels.length;
  if (n === 0) return Number.NaN;
  let hits = 0;
  for (let i = 0; i < n; i++) {
    const label = labels[i]!;
    const p = probs[i * k + label]!;
    let ahead = 0;
    for (let j = 0; j < k; j++) {
      const v = probs[i * k + j]!;
      if (v > p || (v === p && j > label)) ahead++;
    }
    if (ahead < topK) hits++;
  }
  return hits / n;
}

/** Each row divided by its sum (for a confusion matrix: the share of each true class given to each prediction); an all-zero row stays zeros, never NaN. */
export function normalizeRows(matrix: readonly (readonly number[])[]): number[][] {
  return matrix.map((row) => {
    const sum = row.reduce((s, v) => s + v, 0);
    return row.map((v) => (sum === 0 ? 0 : v / sum));
  });
}

/**
 * Second, deliberately naive implementations of the metrics, written from the definitions rather
 * than from sklearn's algorithms: quadratic where the real code sorts, counting where it
 * accumulates. The randomized tests check the real code against these.
 */

/** ROC AUC as the Mann–Whitney statistic: P(score⁺ > score⁻) + ½ P(score⁺ = score⁻), over all pairs. */
export function mannWhitneyAuc(scores: ArrayLike<number>, positive: ArrayLike<number>): number {
  let wins = 0;
  let pairs = 0;
  for (let i = 0; i < scores.length; i++) {
    if (!positive[i]) continue;
    for (let j = 0; j < scores.length; j++) {
      if (positive[j]) continue;
      pairs++;
      if (scores[i]! > scores[j]!) wins += 1;
      else if (scores[i] === scores[j]) wins += 0.5;
    }
  }
  return pairs === 0 ? Number.NaN : wins / pairs;
}

/** The distinct values of `scores`, highest first. */
export function distinctDescending(scores: ArrayLike<number>): number[] {
  return [...new Set(Array.from(scores))].sort((a, b) => b - a);
}

/** Positives and negatives with score >= t, by counting. */
export function countAtLeast(scores: ArrayLike<number>, positive: ArrayLike<number>, t: number): { tp: number; fp: number } {
  let tp = 0;
  let fp = 0;
  for (let i = 0; i < scores.length; i++) {
    if (scores[i]! >= t) {
      if (positive[i]) tp++;
      else fp++;
    }
  }
  return { tp, fp };
}

/**
 * Average precision by its definition: AP = Σ_t (R(t) − R(t_prev)) · P(t) over the distinct
 * thresholds t in decreasing order, where R and P are recall and precision of `score >= t`
 * and R(t_prev) starts at 0. With no positives it is 0 (sklearn's convention).
 */
export function definitionAp(scores: ArrayLike<number>, positive: ArrayLike<number>): number {
  let positives = 0;
  for (let i = 0; i < positive.length; i++) if (positive[i]) positives++;
  if (positives === 0) return 0;
  let ap = 0;
  let previousRecall = 0;
  for (const t of distinctDescending(scores)) {
    const { tp, fp } = countAtLeast(scores, positive, t);
    const recall = tp / positives;
    ap += (recall - previousRecall) * (tp / (tp + fp));
    previousRecall = recall;
  }
  return ap;
}

/** Column c of a row-major [n × k] matrix, and the 0/1 truth of "label is c". */
export function column(probs: ArrayLike<number>, labels: ArrayLike<number>, k: number, c: number): { scores: number[]; positive: number[] } {
  const scores: number[] = [];
  const positive: number[] = [];
  for (let i = 0; i < labels.length; i++) {
    scores.push(probs[i * k + c]!);
    positive.push(labels[i] === c ? 1 : 0);
  }
  return { scores, positive };
}

/** All n·k cells against the flattened one-hot truth. */
export function flattened(probs: ArrayLike<number>, labels: ArrayLike<number>, k: number): { scores: number[]; positive: number[] } {
  const positive: number[] = [];
  for (let i = 0; i < labels.length; i++) for (let c = 0; c < k; c++) positive.push(labels[i] === c ? 1 : 0);
  return { scores: Array.from(probs), positive };
}

/** argmax with the first index on ties, written as a scan over sorted (value, index) pairs. */
export function referenceArgmax(row: number[]): number {
  return row.map((v, j) => [v, j] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1])[0]![1];
}

/** sklearn's top-k literally: stable ascending argsort, reversed, first k entries. */
export function referenceTopK(probs: ArrayLike<number>, labels: ArrayLike<number>, k: number, topK: number): number {
  let hits = 0;
  for (let i = 0; i < labels.length; i++) {
    const row = Array.from({ length: k }, (_, j) => probs[i * k + j]!);
    const ascending = row.map((_, j) => j).sort((a, b) => row[a]! - row[b]! || a - b); // stable
    if (ascending.reverse().slice(0, topK).includes(labels[i]!)) hits++;
  }
  return hits / labels.length;
}

/** Precision/recall/F1/support per class by counting over the label and prediction arrays. */
export function referenceReport(labels: ArrayLike<number>, predicted: ArrayLike<number>, k: number) {
  return Array.from({ length: k }, (_, c) => {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (let i = 0; i < labels.length; i++) {
      const isTrue = labels[i] === c;
      const isPred = predicted[i] === c;
      if (isTrue && isPred) tp++;
      else if (isPred) fp++;
      else if (isTrue) fn++;
    }
    const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
    const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    return { precision, recall, f1, support: tp + fn };
  });
}

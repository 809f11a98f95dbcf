/**
 * Calibration of the top prediction: a reliability diagram over `bins` equal-width bins of the
 * confidence (the largest probability of each row) and the expected calibration error.
 *
 * Bin edges are those of `np.linspace(0, 1, bins + 1)` (edge i = i · (1/bins), last edge 1), and a
 * confidence goes to bin b when edge b < confidence ≤ edge b+1 (bin 0 also takes 0): the binning
 * of `sklearn.calibration.calibration_curve(strategy="uniform")`, `np.searchsorted(edges[1:-1], p)`.
 *
 *   ECE = Σ_b (count_b / n) · |accuracy_b − confidence_b|     over the non-empty bins
 */
import { argmaxRows } from './classification.ts';

/** One bin of the reliability diagram; `confidence` and `accuracy` are null for an empty bin. */
export interface ReliabilityBin {
  lower: number;
  upper: number;
  count: number;
  /** Mean confidence of the bin's predictions. */
  confidence: number | null;
  /** Fraction of the bin's predictions that are correct. */
  accuracy: number | null;
}

/** Reliability diagram and expected calibration error (NaN for no rows). */
export interface Calibration {
  bins: ReliabilityBin[];
  ece: number;
}

/** The bins + 1 edges of `np.linspace(0, 1, bins + 1)`. */
export function binEdges(bins: number): number[] {
  if (!Number.isInteger(bins) || bins < 1) throw new RangeError(`binEdges: bins must be a positive integer, got ${bins}.`);
  const step = 1 / bins;
  const edges = Array.from({ length: bins + 1 }, (_, i) => i * step);
  edges[bins] = 1;
  return edges;
}

/** Index of the bin holding `value`: the number of inner edges strictly below it. */
export function binIndex(edges: readonly number[], value: number): number {
  let lo = 0;
  let hi = edges.length - 2; // inner edges are edges[1..bins-1]; answer in [0, bins-1]
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (edges[mid + 1]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Reliability diagram and ECE of row-major probabilities [n × k] against labels. */
export function calibration(probs: ArrayLike<number>, labels: ArrayLike<number>, k: number, bins: number): Calibration {
  const edges = binEdges(bins);
  const n = labels.length;
  const predicted = argmaxRows(probs, k);
  const count = new Array<number>(bins).fill(0);
  const confidenceSum = new Array<number>(bins).fill(0);
  const correct = new Array<number>(bins).fill(0);
  for (let i = 0; i < n; i++) {
    const confidence = probs[i * k + predicted[i]!]!;
    const b = binIndex(edges, confidence);
    count[b]! += 1;
    confidenceSum[b]! += confidence;
    if (predicted[i] === labels[i]) correct[b]! += 1;
  }
  let ece = 0;
  const out: ReliabilityBin[] = [];
  for (let b = 0; b < bins; b++) {
    const c = count[b]!;
    const accuracy = c === 0 ? null : correct[b]! / c;
    const confidence = c === 0 ? null : confidenceSum[b]! / c;
    if (accuracy !== null && confidence !== null) ece += Math.abs(accuracy - confidence) * (c / n);
    out.push({ lower: edges[b]!, upper: edges[b + 1]!, count: c, confidence, accuracy });
  }
  return { bins: out, ece: n === 0 ? Number.NaN : ece };
}

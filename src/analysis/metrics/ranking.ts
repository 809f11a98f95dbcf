/**
 * Threshold metrics of one binary problem (scores + 0/1 truth), as scikit-learn computes them:
 * `roc_curve` (drop_intermediate=True), `roc_auc_score`, `precision_recall_curve` and
 * `average_precision_score`. Multiclass one-vs-rest averaging lives in one-vs-rest.ts.
 *
 * Every curve is built on the *distinct* score values: tied scores form one threshold, so a tie
 * between a positive and a negative moves the curve diagonally (half a pair in the AUC).
 */

/** A ROC curve: fpr[i], tpr[i] are the rates of `score >= thresholds[i]`; thresholds decrease, thresholds[0] = +Infinity (the (0, 0) point). */
export interface RocCurve {
  fpr: number[];
  tpr: number[];
  thresholds: number[];
}

/**
 * A precision–recall curve: precision[i], recall[i] for `score >= thresholds[i]` with thresholds
 * increasing; precision and recall carry one extra final point (1, 0) with no threshold.
 */
export interface PrCurve {
  precision: number[];
  recall: number[];
  thresholds: number[];
}

/** Cumulative counts at each distinct score, highest first (sklearn's `_binary_clf_curve`). */
export interface ThresholdCounts {
  /** Negatives with score >= thresholds[i]. */
  fps: number[];
  /** Positives with score >= thresholds[i]. */
  tps: number[];
  /** The distinct scores, decreasing. */
  thresholds: number[];
}

/** Counts of positives and negatives above each distinct score. `positive[i]` is truthy for a positive. */
export function thresholdCounts(scores: ArrayLike<number>, positive: ArrayLike<number | boolean>): ThresholdCounts {
  const n = scores.length;
  if (positive.length !== n) throw new RangeError(`thresholdCounts: ${n} scores but ${positive.length} truth values; pass one truth value per score.`);
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(scores[i]!)) throw new RangeError(`thresholdCounts: score ${i} is ${scores[i]}; scores must be finite numbers.`);
    order[i] = i;
  }
  // Order within a tie does not matter: only the counts after the whole tie are kept.
  order.sort((a, b) => scores[b]! - scores[a]!);
  const fps: number[] = [];
  const tps: number[] = [];
  const thresholds: number[] = [];
  let tp = 0;
  let fp = 0;
  for (let r = 0; r < n; r++) {
    const i = order[r]!;
    if (positive[i]) tp++;
    else fp++;
    const s = scores[i]!;
    if (r === n - 1 || scores[order[r + 1]!]! !== s) {
      fps.push(fp);
      tps.push(tp);
      thresholds.push(s);
    }
  }
  return { fps, tps, thresholds };
}

/** Rates from counts: x / x[last], or all NaN when x[last] is 0 (sklearn's undefined-rate result). */
function rates(counts: readonly number[]): number[] {
  const total = counts[counts.length - 1]!;
  return counts.map((c) => (total > 0 ? c / total : Number.NaN));
}

/**
 * The ROC curve from threshold counts, as `roc_curve(..., drop_intermediate=True)`: a point is
 * dropped when both fps and tps have a zero second difference there (it lies mid-way on a straight
 * run of equal steps), then (0, 0) is prepended at threshold +Infinity. A rate whose total is 0
 * (no negatives, or no positives) is NaN throughout, as in sklearn.
 */
export function rocFromCounts(counts: ThresholdCounts, dropIntermediate = true): RocCurve {
  let { fps, tps, thresholds } = counts;
  const m = fps.length;
  if (dropIntermediate && m > 2) {
    const keep: number[] = [0];
    for (let i = 1; i < m - 1; i++) {
      if (fps[i + 1]! - 2 * fps[i]! + fps[i - 1]! !== 0 || tps[i + 1]! - 2 * tps[i]! + tps[i - 1]! !== 0) keep.push(i);
    }
    keep.push(m - 1);
    fps = keep.map((i) => counts.fps[i]!);
    tps = keep.map((i) => counts.tps[i]!);
    thresholds = keep.map((i) => counts.thresholds[i]!);
  }
  return { fpr: rates([0, ...fps]), tpr: rates([0, ...tps]), thresholds: [Number.POSITIVE_INFINITY, ...thresholds] };
}

/** `sklearn.metrics.roc_curve(truth, scores)` with its defaults. */
export function rocCurve(scores: ArrayLike<number>, positive: ArrayLike<number | boolean>): RocCurve {
  return rocFromCounts(thresholdCounts(scores, positive));
}

/** Area under a curve by the trapezoidal rule (`sklearn.metrics.auc`); x must be monotonic. */
export function trapezoidArea(x: readonly number[], y: readonly number[]): number {
  let area = 0;
  let decreasing = false;
  for (let i = 1; i < x.length; i++) {
    const dx = x[i]! - x[i - 1]!;
    if (dx < 0) decreasing = true;
    area += (dx * (y[i]! + y[i - 1]!)) / 2;
  }
  return decreasing ? -area : area;
}

/**
 * ROC AUC of a binary problem; NaN when only one class is present (current sklearn warns and
 * returns nan). Pass `roc` when the caller already built the curve from these counts.
 */
export function rocAucFromCounts(counts: ThresholdCounts, roc?: RocCurve): number {
  const positives = counts.tps[counts.tps.length - 1] ?? 0;
  const negatives = counts.fps[counts.fps.length - 1] ?? 0;
  if (positives === 0 || negatives === 0) return Number.NaN;
  const curve = roc ?? rocFromCounts(counts);
  return trapezoidArea(curve.fpr, curve.tpr);
}

/** `sklearn.metrics.roc_auc_score(truth, scores)` for a binary problem; NaN when undefined. */
export function rocAuc(scores: ArrayLike<number>, positive: ArrayLike<number | boolean>): number {
  return rocAucFromCounts(thresholdCounts(scores, positive));
}

/**
 * The precision–recall curve from threshold counts, as `precision_recall_curve`: every distinct
 * threshold, listed by increasing threshold, then the point (recall 0, precision 1). With no
 * positives, recall is 1 at every threshold (sklearn's convention, with a warning there).
 */
export function prFromCounts(counts: ThresholdCounts): PrCurve {
  const { fps, tps, thresholds } = counts;
  const m = tps.length;
  const positives = tps[m - 1] ?? 0;
  const precision: number[] = [];
  const recall: number[] = [];
  const increasing: number[] = [];
  for (let i = m - 1; i >= 0; i--) {
    const predicted = tps[i]! + fps[i]!;
    precision.push(predicted === 0 ? 0 : tps[i]! / predicted);
    recall.push(positives === 0 ? 1 : tps[i]! / positives);
    increasing.push(thresholds[i]!);
  }
  precision.push(1);
  recall.push(0);
  return { precision, recall, thresholds: increasing };
}

/** `sklearn.metrics.precision_recall_curve(truth, scores)`. */
export function precisionRecallCurve(scores: ArrayLike<number>, positive: ArrayLike<number | boolean>): PrCurve {
  return prFromCounts(thresholdCounts(scores, positive));
}

/**
 * Average precision of a PR curve: Σ (R_i − R_{i+1}) · P_i over its points, the step-wise sum of
 * `average_precision_score` (no interpolation, no trapezoids), clipped at 0 like sklearn. With no
 * positives this is 0: the only recall step is the final 1 → 0, at the precision of the highest
 * threshold, which is 0.
 */
export function averagePrecisionOfCurve(curve: PrCurve): number {
  const { precision, recall } = curve;
  let sum = 0;
  for (let i = 0; i + 1 < recall.length; i++) sum += (recall[i]! - recall[i + 1]!) * precision[i]!;
  return Math.max(0, sum);
}

/** `sklearn.metrics.average_precision_score(truth, scores)` for a binary problem. */
export function averagePrecision(scores: ArrayLike<number>, positive: ArrayLike<number | boolean>): number {
  return averagePrecisionOfCurve(precisionRecallCurve(scores, positive));
}

/**
 * The training objective, as Keras computes it for `categorical_crossentropy` on softmax
 * outputs: each row renormalized to sum 1 and clipped to [ε, 1−ε], targets smoothed to
 * (1 − s)·onehot + s/k, per-sample weights (class weights, training only) averaged over the
 * batch size, plus the layers' weight penalties. `loss` and `val_loss` in the history are this
 * objective (validation without class weights), so the two curves compare like with like.
 */
import * as tf from '@tensorflow/tfjs';
import { EPSILON } from '../analysis/metrics/classification.ts';

/** Smoothed one-hot targets for `labels`, into the front of `out` (row-major n × k). */
export function smoothedTargets(labels: ArrayLike<number>, n: number, k: number, smoothing: number, out: Float32Array): Float32Array {
  const off = smoothing / k;
  out.fill(off, 0, n * k);
  for (let i = 0; i < n; i++) out[i * k + labels[i]!] = 1 - smoothing + off;
  return out;
}

/** Mean over the batch of w_i · CE(targets_i, probs_i) (w = 1 when `weights` is omitted). */
export function objective(probs: tf.Tensor2D, targets: tf.Tensor2D, weights?: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => {
    const normalized = tf.div(probs, tf.sum(probs, -1, true));
    const clipped = tf.clipByValue(normalized, EPSILON, 1 - EPSILON);
    let perSample = tf.neg(tf.sum(tf.mul(targets, tf.log(clipped)), -1));
    if (weights) perSample = tf.mul(perSample, weights);
    return tf.mean(perSample) as tf.Scalar;
  });
}

/** The objective on plain arrays (validation): same definition, float64 accumulation. */
export function objectiveOnArrays(probs: ArrayLike<number>, labels: ArrayLike<number>, k: number, smoothing: number): number {
  const n = labels.length;
  if (n === 0) return Number.NaN;
  const off = smoothing / k;
  let total = 0;
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let j = 0; j < k; j++) sum += probs[i * k + j]!;
    for (let j = 0; j < k; j++) {
      const t = j === labels[i] ? 1 - smoothing + off : off;
      if (t === 0) continue;
      const p = Math.min(Math.max(Math.fround(probs[i * k + j]! / sum), EPSILON), 1 - EPSILON);
      total -= t * Math.log(p);
    }
  }
  return total / n;
}

/** Sum of every layer's weight penalty (kernel regularizers), as a scalar tensor; 0 when none. */
export function penalty(model: tf.LayersModel): tf.Scalar {
  return tf.tidy(() => {
    const losses = model.calculateLosses() as tf.Scalar[];
    return losses.length === 0 ? tf.scalar(0) : (tf.addN(losses) as tf.Scalar);
  });
}

/**
 * Integrated Gradients (Sundararajan et al. 2017): for image x, baseline x' and class score F,
 *
 *   IG_i(x) = (x_i − x'_i) · ∫₀¹ ∂F(x' + α (x − x')) / ∂x_i dα
 *
 * approximated with the trapezoid rule on `steps` equal intervals: the gradient at
 * α_k = k/steps, k = 0..steps (steps + 1 evaluations), weights 1/(2·steps) at both ends and
 * 1/steps between. The trapezoid's error falls as 1/steps² on smooth stretches (a right or left
 * Riemann sum's as 1/steps), which is what makes completeness — Σ_i IG_i = F(x) − F(x') — hold
 * to well under 1 % at the default 50 steps on small CNNs (tests check it).
 *
 * F is the class probability by default, as in the paper's experiments and SHAP: attributions
 * then add up to the change in probability from the baseline, a number readers can interpret.
 * The per-pixel map is the sum over channels (it keeps completeness); it is signed.
 *
 * Batched: the (image, step) pairs are rows, `rowsPerPass` per pass; the interpolated inputs are
 * built in tensor code from the images and α, and summed back per image with the trapezoid
 * weights as a matrix product.
 */
import * as tf from '@tensorflow/tfjs';
import { inputGradient, targetTensor } from './gradients.ts';
import { resolveScore, scores, type ScoreKind } from './graph.ts';
import { checkInputs, imageSize, imagesTensor, passes, type ImageBatch } from './images.ts';
import { accumulate, attributionMaps, reducePixels, weightedRowSum, type AttributionMaps } from './maps.ts';

export interface IntegratedGradientsOptions {
  steps: number;
  /** One image (h × w × c, model units), e.g. `baselineImage('black', space, shape)`. */
  baseline: Float32Array;
  /** Name of the baseline, for the caption (e.g. "black"). */
  baselineName?: string;
  /** Class score (default: the probability). */
  score?: ScoreKind;
  /** Rows (interpolation points) per pass (default 64). */
  rowsPerPass?: number;
}

/** Trapezoid weight of point k of `steps` intervals. */
export const trapezoidWeight = (k: number, steps: number) => (k === 0 || k === steps ? 0.5 : 1) / steps;

/** score[i, target_i] for each row of x. */
export function targetScores(model: tf.LayersModel, x: tf.Tensor4D, targets: ArrayLike<number>, kind: ScoreKind): Float32Array {
  return tf.tidy(() => {
    const s = scores(model, x, kind);
    return tf.sum(tf.mul(s, tf.oneHot(targetTensor(targets), s.shape[1])), 1).dataSync() as Float32Array;
  });
}

/** Integrated Gradients of `targets` for each image; `channels` holds the per-channel attributions. */
export function integratedGradients(model: tf.LayersModel, images: ImageBatch, targets: ArrayLike<number>, options: IntegratedGradientsOptions): AttributionMaps {
  checkInputs(model, images, targets);
  const score = resolveScore(model, options.score ?? 'probability');
  const [h, w, c] = images.shape;
  const size = imageSize(images.shape);
  if (options.baseline.length !== size) throw new Error(`The baseline has ${options.baseline.length} floats; one ${images.shape.join('×')} image has ${size}.`);
  const steps = options.steps;
  const points = steps + 1;
  const sums = Array.from({ length: images.count }, () => new Float32Array(size));
  for (const [r0, r1] of passes(images.count * points, options.rowsPerPass ?? 64)) {
    const rows = r1 - r0;
    const rowImage = Int32Array.from({ length: rows }, (_, r) => Math.floor((r0 + r) / points));
    const alpha = Float32Array.from({ length: rows }, (_, r) => ((r0 + r) % points) / steps);
    const weight = Float32Array.from({ length: rows }, (_, r) => trapezoidWeight((r0 + r) % points, steps));
    const first = rowImage[0]!;
    const count = rowImage[rows - 1]! - first + 1;
    const sum = tf.tidy(() => {
      const x = imagesTensor(images, first, first + count);
      const baseline = tf.tensor4d(options.baseline, [1, h, w, c]);
      const picked = tf.gather(x, tf.tensor1d(Int32Array.from(rowImage, (i) => i - first), 'int32'));
      const interpolated = tf.add(baseline, tf.mul(tf.tensor4d(alpha, [rows, 1, 1, 1]), tf.sub(picked, baseline))) as tf.Tensor4D;
      const g = inputGradient(model, interpolated, Array.from(rowImage, (i) => targets[i]!), score);
      // (x − x') ⊙ Σ_k w_k g_k: the difference is the same for every row of an image.
      return tf.mul(tf.sub(x, baseline), weightedRowSum(g, rowImage, weight, first, count));
    });
    accumulate(sums, first, sum.dataSync() as Float32Array, size);
    sum.dispose();
  }
  // Completeness, for the report and the tests: Σ IG against F(x) − F(x').
  const [fx, fBase] =
    images.count === 0
      ? [new Float32Array(0), new Float32Array(0)]
      : tf.tidy(() => {
          const x = imagesTensor(images);
          const base = tf.tile(tf.tensor4d(options.baseline, [1, h, w, c]), [images.count, 1, 1, 1]) as tf.Tensor4D;
          return [targetScores(model, x, targets, score), targetScores(model, base, targets, score)];
        });
  return attributionMaps({
    method: 'integratedGradients',
    height: h,
    width: w,
    maps: sums.map((a) => reducePixels(a, c, 'sum')),
    channels: sums,
    targets,
    score,
    signed: true,
    completeness: { delta: fx!.map((v, i) => v - fBase![i]!), sum: Float32Array.from(sums, (a) => a.reduce((s, v) => s + v, 0)) },
    settings: { steps, baseline: options.baselineName ?? 'custom', rule: 'trapezoid', score },
  });
}

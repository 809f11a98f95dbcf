/**
 * Expected Gradients (Erion et al. 2021), the estimator behind SHAP's GradientExplainer:
 * Integrated Gradients averaged over baselines drawn from the data, with the path integral
 * sampled instead of summed:
 *
 *   EG_i(x) = E_{x' ~ background, α ~ U(0, 1)} [ (x_i − x'_i) · ∂F(x' + α (x − x')) / ∂x_i ]
 *
 * estimated with `samples` draws of (background image, α) per explained image, each draw one row.
 * Completeness holds in expectation: Σ_i EG_i ≈ F(x) − E_{x'}[F(x')], the difference from the
 * mean score over the background (SHAP's "expected value"); the Monte Carlo error shrinks as
 * 1/√samples. F is the class probability by default, as SHAP explains a Keras model's outputs.
 * SHAP's optional local smoothing (noise on x) is not applied.
 *
 * Draws are seeded per image (random.ts). Rows are batched `rowsPerPass` at a time and summed
 * back per image as a matrix product.
 */
import * as tf from '@tensorflow/tfjs';
import { inputGradient } from './gradients.ts';
import { resolveScore, scores, type ScoreKind } from './graph.ts';
import { checkInputs, imageOf, imageSize, imagesTensor, passes, type ImageBatch } from './images.ts';
import { targetScores } from './integrated-gradients.ts';
import { accumulate, attributionMaps, reducePixels, weightedRowSum, type AttributionMaps } from './maps.ts';
import { idsFor, streamFor } from './random.ts';

export interface ExpectedGradientsOptions {
  /** Training images in model units (the report takes `background` of them, seeded). */
  background: ImageBatch;
  samples: number;
  seed: number;
  /** Per image, a stable id (e.g. its test-set index); default its position in the batch. */
  ids?: ArrayLike<number>;
  /** Class score (default: the probability). */
  score?: ScoreKind;
  /** Rows per pass (default 64). */
  rowsPerPass?: number;
}

/** Mean class scores over a batch of images, [classes]. */
function meanScores(model: tf.LayersModel, batch: ImageBatch, kind: ScoreKind, batchSize = 64): Float32Array {
  const classes = model.outputs[0]!.shape[1] as number;
  const total = new Float64Array(classes);
  for (const [start, end] of passes(batch.count, batchSize)) {
    const sum = tf.tidy(() => tf.sum(scores(model, imagesTensor(batch, start, end), kind), 0).dataSync() as Float32Array);
    sum.forEach((v, k) => (total[k]! += v));
  }
  return Float32Array.from(total, (v) => v / Math.max(1, batch.count));
}

/** Expected Gradients of `targets` for each image; `channels` holds the per-channel attributions. */
export function expectedGradients(model: tf.LayersModel, images: ImageBatch, targets: ArrayLike<number>, options: ExpectedGradientsOptions): AttributionMaps {
  checkInputs(model, images, targets);
  checkInputs(model, options.background);
  if (options.background.count === 0) throw new Error('Expected Gradients needs at least one background image.');
  const score = resolveScore(model, options.score ?? 'probability');
  const [h, w, c] = images.shape;
  const size = imageSize(images.shape);
  const samples = options.samples;
  const streams = idsFor(images.count, options.ids).map((id) => streamFor(options.seed, 'expectedGradients', id));
  const sums = Array.from({ length: images.count }, () => new Float32Array(size));
  for (const [r0, r1] of passes(images.count * samples, options.rowsPerPass ?? 64)) {
    const rows = r1 - r0;
    const rowImage = new Int32Array(rows);
    const alpha = new Float32Array(rows);
    const base = new Float32Array(rows * size);
    for (let r = 0; r < rows; r++) {
      const i = Math.floor((r0 + r) / samples);
      rowImage[r] = i;
      const random = streams[i]!;
      base.set(imageOf(options.background, Math.floor(random() * options.background.count)), r * size);
      alpha[r] = random();
    }
    const first = rowImage[0]!;
    const count = rowImage[rows - 1]! - first + 1;
    const sum = tf.tidy(() => {
      const x = tf.gather(imagesTensor(images, first, first + count), tf.tensor1d(Int32Array.from(rowImage, (i) => i - first), 'int32'));
      const baseline = tf.tensor4d(base, [rows, h, w, c]);
      const difference = tf.sub(x, baseline);
      const interpolated = tf.add(baseline, tf.mul(tf.tensor4d(alpha, [rows, 1, 1, 1]), difference)) as tf.Tensor4D;
      const g = inputGradient(model, interpolated, Array.from(rowImage, (i) => targets[i]!), score);
      return weightedRowSum(tf.mul(g, difference), rowImage, new Float32Array(rows).fill(1 / samples), first, count);
    });
    accumulate(sums, first, sum.dataSync() as Float32Array, size);
    sum.dispose();
  }
  const expected = meanScores(model, options.background, score);
  const fx = images.count > 0 ? tf.tidy(() => targetScores(model, imagesTensor(images), targets, score)) : new Float32Array(0);
  return attributionMaps({
    method: 'expectedGradients',
    height: h,
    width: w,
    maps: sums.map((a) => reducePixels(a, c, 'sum')),
    channels: sums,
    targets,
    score,
    signed: true,
    completeness: { delta: fx.map((v, i) => v - expected[targets[i]!]!), sum: Float32Array.from(sums, (a) => a.reduce((s, v) => s + v, 0)) },
    settings: { samples, background: options.background.count, score },
  });
}

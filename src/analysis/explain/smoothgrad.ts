/**
 * SmoothGrad (Smilkov et al. 2017): the saliency gradient averaged over `samples` noisy copies
 * x + ε, ε ~ N(0, σ²), σ = noise · (x_max − x_min) with x_max, x_min the image's own largest and
 * smallest value (the paper's noise level σ / (x_max − x_min); 10–20 % is its recommendation).
 * The averaged signed gradient is reduced per pixel as vanilla saliency (largest |·| over
 * channels), so the two maps compare directly.
 *
 * Batched: the (image, sample) pairs are rows, `rowsPerPass` rows per forward/backward pass,
 * summed back per image with weight 1/samples as a matrix product. Noise is seeded per image
 * (random.ts), so an image's map does not depend on the batch it is explained in.
 */
import * as tf from '@tensorflow/tfjs';
import { inputGradient } from './gradients.ts';
import { resolveScore, type ScoreKind } from './graph.ts';
import { checkInputs, imageOf, imageSize, passes, type ImageBatch } from './images.ts';
import { accumulate, attributionMaps, rangeOf, reducePixels, weightedRowSum, type AttributionMaps } from './maps.ts';
import { fillNormal, idsFor, streamFor } from './random.ts';

export interface SmoothGradOptions {
  samples: number;
  /** σ as a fraction of each image's value range. */
  noise: number;
  /** The report seed; with `ids`, names each image's noise stream. */
  seed: number;
  /** Per image, a stable id (e.g. its test-set index); default its position in the batch. */
  ids?: ArrayLike<number>;
  score?: ScoreKind;
  /** Rows (noisy copies) per pass (default 64). */
  rowsPerPass?: number;
}

/** SmoothGrad maps of `targets` for each image; `channels` holds the averaged signed gradients. */
export function smoothGrad(model: tf.LayersModel, images: ImageBatch, targets: ArrayLike<number>, options: SmoothGradOptions): AttributionMaps {
  checkInputs(model, images, targets);
  const score = resolveScore(model, options.score ?? 'logit');
  const [h, w, c] = images.shape;
  const size = imageSize(images.shape);
  const samples = options.samples;
  const ids = idsFor(images.count, options.ids);
  const streams = ids.map((id) => streamFor(options.seed, 'smoothgrad', id));
  const sigmas = Array.from({ length: images.count }, (_, i) => {
    const r = rangeOf(imageOf(images, i));
    return options.noise * (r.max - r.min);
  });
  const sums = Array.from({ length: images.count }, () => new Float32Array(size));
  const rowsPerPass = options.rowsPerPass ?? 64;
  for (const [r0, r1] of passes(images.count * samples, rowsPerPass)) {
    const rows = r1 - r0;
    // Rows in order (image, sample): each image's stream is consumed sample by sample.
    const x = new Float32Array(rows * size);
    const rowImage = new Int32Array(rows);
    for (let r = 0; r < rows; r++) {
      const i = Math.floor((r0 + r) / samples);
      rowImage[r] = i;
      fillNormal(streams[i]!, x, r * size, (r + 1) * size);
      const image = imageOf(images, i);
      const sigma = sigmas[i]!;
      for (let j = 0; j < size; j++) x[r * size + j] = image[j]! + sigma * x[r * size + j]!;
    }
    const first = rowImage[0]!;
    const count = rowImage[rows - 1]! - first + 1;
    const sum = tf.tidy(() => {
      const g = inputGradient(model, tf.tensor4d(x, [rows, h, w, c]), Array.from(rowImage, (i) => targets[i]!), score);
      return weightedRowSum(g, rowImage, new Float32Array(rows).fill(1 / samples), first, count);
    });
    accumulate(sums, first, sum.dataSync() as Float32Array, size);
    sum.dispose();
  }
  return attributionMaps({
    method: 'smoothgrad',
    height: h,
    width: w,
    maps: sums.map((g) => reducePixels(g, c, 'maxAbs')),
    channels: sums,
    targets,
    score,
    signed: false,
    settings: { samples, noise: options.noise, score },
  });
}

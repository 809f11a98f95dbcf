/**
 * Faithfulness of an attribution map: deletion and insertion curves (Petsiuk et al. 2018, RISE).
 *
 * Pixels are ranked by the map, most important first (ties by position, row-major). After step
 * k of `steps` the first round(k · pixels / steps) of them are changed, all channels at once:
 *
 *   deletion   they are replaced by the fill (the baseline): a faithful map makes the class
 *              probability fall fast — low area under the curve is good;
 *   insertion  they are copied from the image onto a canvas (a blurred copy of the image, as in
 *              the paper, or the fill): a faithful map makes it rise fast — high area is good.
 *
 * Each curve has steps + 1 points (the fraction changed 0, 1/steps, …, 1), its area is the
 * trapezoid rule over that fraction. Curves and areas are per image, and averaged over images.
 * Signed maps rank by their signed value (evidence for the class first).
 *
 * Batched: (image, curve, step) rows, `rowsPerPass` per forward pass; the masks are built in
 * tensor code by comparing each pixel's rank with the step's count.
 */
import * as tf from '@tensorflow/tfjs';
import { checkInputs, imageSize, imagesTensor, passes, type ImageBatch } from './images.ts';
import { targetScores } from './integrated-gradients.ts';

export interface FaithfulnessOptions {
  steps: number;
  /** One image (h × w × c, model units) deleted pixels become, e.g. `baselineImage('black', …)`. */
  fill: Float32Array;
  /** Insertion's starting canvas (default `blur`). */
  canvas?: 'blur' | 'fill';
  /** Blur σ in pixels (default max(1, max(h, w) / 16)). */
  blurSigma?: number;
  rowsPerPass?: number;
}

/** Deletion and insertion curves of one method. */
export interface FaithfulnessCurves {
  /** Per image: class probability after each step, steps + 1 values. */
  deletion: Float32Array[];
  insertion: Float32Array[];
  /** Per image: areas under the curves. */
  deletionAuc: Float32Array;
  insertionAuc: Float32Array;
  /** Averaged over images. */
  mean: { deletion: Float32Array; insertion: Float32Array; deletionAuc: number; insertionAuc: number };
}

/** Rank of each pixel when sorted by value, largest first; ties keep pixel order. */
export function pixelRanks(map: Float32Array): Int32Array {
  const order = Array.from({ length: map.length }, (_, i) => i);
  order.sort((a, b) => map[b]! - map[a]! || a - b);
  const ranks = new Int32Array(map.length);
  order.forEach((p, r) => (ranks[p] = r));
  return ranks;
}

/** Area under a curve sampled at steps + 1 equally spaced points of [0, 1] (trapezoid rule). */
export function curveArea(curve: ArrayLike<number>): number {
  const steps = curve.length - 1;
  let area = 0;
  for (let k = 0; k < steps; k++) area += (curve[k]! + curve[k + 1]!) / 2;
  return steps > 0 ? area / steps : 0;
}

/** A Gaussian blur of each channel ([n, h, w, c]); edges normalized by the kernel mass inside the image. */
export function gaussianBlur(x: tf.Tensor4D, sigma: number): tf.Tensor4D {
  const radius = Math.max(1, Math.ceil(3 * sigma));
  const taps = Array.from({ length: 2 * radius + 1 }, (_, i) => Math.exp(-((i - radius) ** 2) / (2 * sigma * sigma)));
  const total = taps.reduce((a, b) => a + b, 0);
  const kernel = taps.map((t) => t / total);
  const c = x.shape[3];
  const blur = (t: tf.Tensor4D, channels: number) => {
    const rows = tf.tile(tf.tensor4d(kernel, [2 * radius + 1, 1, 1, 1]), [1, 1, channels, 1]) as tf.Tensor4D;
    const cols = tf.tile(tf.tensor4d(kernel, [1, 2 * radius + 1, 1, 1]), [1, 1, channels, 1]) as tf.Tensor4D;
    return tf.depthwiseConv2d(tf.depthwiseConv2d(t, rows, 1, 'same'), cols, 1, 'same');
  };
  const mass = blur(tf.ones([1, x.shape[1], x.shape[2], 1]), 1);
  return tf.div(blur(x, c), mass);
}

/** Deletion and insertion curves of `maps` (one per image, h × w) for the images' `targets`. */
export function faithfulness(model: tf.LayersModel, images: ImageBatch, targets: ArrayLike<number>, maps: readonly Float32Array[], options: FaithfulnessOptions): FaithfulnessCurves {
  checkInputs(model, images, targets);
  const [h, w, c] = images.shape;
  const pixels = h * w;
  if (maps.length !== images.count || maps.some((m) => m.length !== pixels)) throw new Error(`Faithfulness needs one ${h}×${w} map per image.`);
  if (options.fill.length !== imageSize(images.shape)) throw new Error(`The fill is not one ${images.shape.join('×')} image.`);
  const steps = options.steps;
  const points = steps + 1;
  const counts = Array.from({ length: points }, (_, k) => Math.round((k * pixels) / steps));
  const ranks = maps.map(pixelRanks);
  const canvas = options.canvas ?? 'blur';
  const sigma = options.blurSigma ?? Math.max(1, Math.max(h, w) / 16);
  // Rows: image-major, then deletion points, then insertion points.
  const perImage = 2 * points;
  const curves = Array.from({ length: images.count }, () => new Float32Array(perImage));
  for (const [r0, r1] of passes(images.count * perImage, options.rowsPerPass ?? 64)) {
    const rows = r1 - r0;
    const rowImage = Int32Array.from({ length: rows }, (_, r) => Math.floor((r0 + r) / perImage));
    const first = rowImage[0]!;
    const count = rowImage[rows - 1]! - first + 1;
    const rankRows = new Int32Array(rows * pixels);
    const rowCount = new Int32Array(rows);
    const insertion = new Float32Array(rows);
    for (let r = 0; r < rows; r++) {
      const j = (r0 + r) % perImage;
      rankRows.set(ranks[rowImage[r]!]!, r * pixels);
      rowCount[r] = counts[j % points]!;
      insertion[r] = j >= points ? 1 : 0;
    }
    const probabilities = tf.tidy(() => {
      const own = imagesTensor(images, first, first + count);
      const pick = tf.tensor1d(Int32Array.from(rowImage, (i) => i - first), 'int32');
      const x = tf.gather(own, pick);
      const fill = tf.tensor4d(options.fill, [1, h, w, c]);
      const start = canvas === 'blur' ? tf.gather(gaussianBlur(own, sigma), pick) : fill;
      // Changed pixels: rank below the step's count.
      const changed = tf.cast(tf.less(tf.tensor4d(rankRows, [rows, h, w, 1], 'int32'), tf.tensor4d(rowCount, [rows, 1, 1, 1], 'int32')), 'float32');
      const isInsertion = tf.tensor4d(insertion, [rows, 1, 1, 1]);
      const deleted = tf.add(tf.mul(x, tf.sub(1, changed)), tf.mul(fill, changed));
      const inserted = tf.add(tf.mul(start, tf.sub(1, changed)), tf.mul(x, changed));
      const input = tf.add(tf.mul(deleted, tf.sub(1, isInsertion)), tf.mul(inserted, isInsertion)) as tf.Tensor4D;
      return targetScores(model, input, Array.from(rowImage, (i) => targets[i]!), 'probability');
    });
    for (let r = 0; r < rows; r++) curves[rowImage[r]!]![(r0 + r) % perImage] = probabilities[r]!;
  }
  const deletion = curves.map((v) => v.slice(0, points));
  const insertionCurves = curves.map((v) => v.slice(points));
  const deletionAuc = Float32Array.from(deletion, curveArea);
  const insertionAuc = Float32Array.from(insertionCurves, curveArea);
  const average = (list: Float32Array[]) => Float32Array.from({ length: points }, (_, k) => list.reduce((s, v) => s + v[k]!, 0) / Math.max(1, list.length));
  const meanOf = (a: Float32Array) => a.reduce((s, v) => s + v, 0) / Math.max(1, a.length);
  return {
    deletion,
    insertion: insertionCurves,
    deletionAuc,
    insertionAuc,
    mean: { deletion: average(deletion), insertion: average(insertionCurves), deletionAuc: meanOf(deletionAuc), insertionAuc: meanOf(insertionAuc) },
  };
}

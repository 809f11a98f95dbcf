/**
 * Occlusion sensitivity (Zeiler & Fergus 2014): a `size`×`size` patch filled with the baseline
 * slides over the image by `stride` pixels; each position's value is the drop in the class
 * probability, p(x) − p(x with the patch covered). A pixel's map value is the mean drop over the
 * positions whose patch covers it. Positions start at 0 and step by `stride`; one more is added
 * flush with the far edge when the steps miss it, so every pixel is covered. Signed: a negative
 * value means covering the region made the class more likely.
 *
 * Batched: the (image, position) pairs are rows, `rowsPerPass` masked copies per forward pass,
 * built in tensor code as x·(1 − m) + baseline·m.
 */
import * as tf from '@tensorflow/tfjs';
import { checkInputs, imageSize, imagesTensor, passes, type ImageBatch } from './images.ts';
import { targetScores } from './integrated-gradients.ts';
import { attributionMaps, type AttributionMaps } from './maps.ts';

export interface OcclusionOptions {
  /** Patch side in pixels (clamped to the image). */
  size: number;
  stride: number;
  /** One image (h × w × c, model units) the patch shows, e.g. `baselineImage('black', space, shape)`. */
  fill: Float32Array;
  /** Name of the fill, for the caption. */
  fillName?: string;
  /** Masked copies per pass (default 64). */
  rowsPerPass?: number;
}

/** Patch start offsets along one axis of `length` pixels. */
export function patchStarts(length: number, size: number, stride: number): number[] {
  const last = Math.max(0, length - size);
  const starts: number[] = [];
  for (let s = 0; s <= last; s += stride) starts.push(s);
  if (starts[starts.length - 1] !== last) starts.push(last);
  return starts;
}

/** Occlusion maps of `targets` for each image. */
export function occlusion(model: tf.LayersModel, images: ImageBatch, targets: ArrayLike<number>, options: OcclusionOptions): AttributionMaps {
  checkInputs(model, images, targets);
  const [h, w, c] = images.shape;
  const size = imageSize(images.shape);
  if (options.fill.length !== size) throw new Error(`The fill has ${options.fill.length} floats; one ${images.shape.join('×')} image has ${size}.`);
  const ph = Math.min(options.size, h);
  const pw = Math.min(options.size, w);
  const positions = patchStarts(h, ph, options.stride).flatMap((y) => patchStarts(w, pw, options.stride).map((x) => [y, x] as const));
  const coverage = new Float32Array(h * w);
  for (const [y, x] of positions) for (let i = y; i < y + ph; i++) for (let j = x; j < x + pw; j++) coverage[i * w + j]! += 1;
  const original = images.count > 0 ? tf.tidy(() => targetScores(model, imagesTensor(images), targets, 'probability')) : new Float32Array(0);
  const sums = Array.from({ length: images.count }, () => new Float32Array(h * w));
  const P = positions.length;
  for (const [r0, r1] of passes(images.count * P, options.rowsPerPass ?? 64)) {
    const rows = r1 - r0;
    const rowImage = Int32Array.from({ length: rows }, (_, r) => Math.floor((r0 + r) / P));
    const masks = new Float32Array(rows * h * w);
    for (let r = 0; r < rows; r++) {
      const [y, x] = positions[(r0 + r) % P]!;
      for (let i = y; i < y + ph; i++) masks.fill(1, r * h * w + i * w + x, r * h * w + i * w + x + pw);
    }
    const first = rowImage[0]!;
    const count = rowImage[rows - 1]! - first + 1;
    const probabilities = tf.tidy(() => {
      const x = tf.gather(imagesTensor(images, first, first + count), tf.tensor1d(Int32Array.from(rowImage, (i) => i - first), 'int32'));
      const m = tf.tensor4d(masks, [rows, h, w, 1]);
      const masked = tf.add(tf.mul(x, tf.sub(1, m)), tf.mul(tf.tensor4d(options.fill, [1, h, w, c]), m)) as tf.Tensor4D;
      return targetScores(model, masked, Array.from(rowImage, (i) => targets[i]!), 'probability');
    });
    for (let r = 0; r < rows; r++) {
      const i = rowImage[r]!;
      const drop = original[i]! - probabilities[r]!;
      const [y, x] = positions[(r0 + r) % P]!;
      const sum = sums[i]!;
      for (let a = y; a < y + ph; a++) for (let b = x; b < x + pw; b++) sum[a * w + b]! += drop;
    }
  }
  for (const sum of sums) for (let p = 0; p < h * w; p++) sum[p]! /= coverage[p]!;
  return attributionMaps({
    method: 'occlusion',
    height: h,
    width: w,
    maps: sums,
    targets,
    score: 'probability',
    signed: true,
    settings: { size: ph, stride: options.stride, fill: options.fillName ?? 'custom', positions: P },
  });
}

/**
 * Models with known answers for the explanation tests, seeded images, and the leak check.
 * Hand-built models set every weight; the random ones come from model/build.ts like real runs.
 */
import * as tf from '@tensorflow/tfjs';
import { buildLayersModel } from '../../../../src/model/build.ts';
import { mulberry32 } from '../../../../src/lib/rng.ts';
import { imageBatch, type ImageBatch } from '../../../../src/analysis/explain/images.ts';
import { conv, avgPool, gap, softmax, maxPool, batchNorm, activation } from '../../model/specs.ts';

export { useCpu, useWasm } from '../../engine/kernels/helpers.ts';

/** Set a layer's weights from plain arrays (shapes from the layer's own weights). */
export function setWeights(layer: tf.layers.Layer, ...values: ArrayLike<number>[]): void {
  const shapes = layer.getWeights().map((w) => w.shape);
  const tensors = values.map((v, i) => tf.tensor(Array.from(v), shapes[i]));
  layer.setWeights(tensors);
  tf.dispose(tensors);
}

/**
 * Two objects, two classes, Grad-CAM's textbook case: input 8×8×2 (object A drawn in channel 0,
 * object B in channel 1) → conv "features" 1×1 (identity kernel, relu; `stride` 1 or 2) →
 * global average pooling → dense "logits" W = [[3, −1], [−1, 3]] with softmax. Class 0 is the
 * evidence of A minus a third of B's, class 1 the reverse.
 */
export function twoObjectModel(stride = 1): tf.LayersModel {
  const input = tf.input({ shape: [8, 8, 2], name: 'image' });
  const features = tf.layers.conv2d({ name: 'features', filters: 2, kernelSize: 1, strides: stride, activation: 'relu' });
  const pooled = tf.layers.globalAveragePooling2d({ name: 'pool' });
  const logits = tf.layers.dense({ name: 'logits', units: 2, activation: 'softmax' });
  const output = logits.apply(pooled.apply(features.apply(input))) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: output });
  setWeights(features, [1, 0, 0, 1], [0, 0]);
  setWeights(logits, [3, -1, -1, 3], [0, 0]);
  return model;
}

/** 8×8×2 image: object A (channel 0) fills the top-left quadrant, object B (channel 1) the bottom-right. */
export function twoObjectImage(): ImageBatch {
  const data = new Float32Array(8 * 8 * 2);
  for (let y = 0; y < 8; y++) {
    for (let x = 0; x < 8; x++) {
      if (y < 4 && x < 4) data[(y * 8 + x) * 2] = 1;
      if (y >= 4 && x >= 4) data[(y * 8 + x) * 2 + 1] = 1;
    }
  }
  return imageBatch(data, [8, 8, 2]);
}

/** Whether pixel (y, x) of an 8×8 image lies in the rectangle rows y0..y1, columns x0..x1 (inclusive). */
export const inRect = (p: number, [y0, x0, y1, x1]: readonly [number, number, number, number], width = 8) => {
  const y = Math.floor(p / width);
  const x = p % width;
  return y >= y0 && y <= y1 && x >= x0 && x <= x1;
};

/**
 * A model that reads only the rectangle `rect` of an 8×8×1 image: flatten → dense(2, softmax)
 * whose class-0 weights are seeded values in [0.5, 1.5] inside the rectangle and 0 elsewhere;
 * class 1 has all-zero weights (its logit is the constant bias 0).
 */
export function regionModel(rect: readonly [number, number, number, number], seed = 5): tf.LayersModel {
  const random = mulberry32(seed);
  const input = tf.input({ shape: [8, 8, 1], name: 'image' });
  const flat = tf.layers.flatten({ name: 'flat' });
  const dense = tf.layers.dense({ name: 'logits', units: 2, activation: 'softmax' });
  const model = tf.model({ inputs: input, outputs: dense.apply(flat.apply(input)) as tf.SymbolicTensor });
  const kernel = new Float32Array(64 * 2);
  for (let p = 0; p < 64; p++) if (inRect(p, rect)) kernel[p * 2] = 0.5 + random();
  setWeights(dense, kernel, [0, 0]);
  return model;
}

/** A small random CNN from the model builder: conv 3×3 (activation `act`) → avg pool → conv → batch norm → relu → GAP → softmax(3). */
export function smallCnn(shape: [number, number, number] = [8, 8, 2], act: 'relu' | 'tanh' = 'relu', seed = 7): tf.LayersModel {
  const layers = [conv(4, { activation: act }), avgPool(2), conv(6, { activation: act === 'relu' ? 'linear' : act }), batchNorm(), activation(act), gap, softmax(3)];
  return buildLayersModel(layers, { inputShape: shape, numClasses: 3, seeds: { init: seed, dropout: 1 } });
}

/**
 * Give every bias (and batch-norm shift/statistics) of `model` seeded values, as training would:
 * untrained biases are 0, which puts every ReLU exactly at its kink for a black image.
 */
export function perturbBiases(model: tf.LayersModel, seed = 3, scale = 0.2): tf.LayersModel {
  const random = mulberry32(seed);
  for (const w of model.weights) {
    if (!/bias|beta|moving_mean/.test(w.originalName)) continue;
    const value = tf.tensor(Float32Array.from({ length: w.shape.reduce((a, b) => a! * b!, 1)! }, () => (random() * 2 - 1) * scale), w.shape as number[]);
    w.write(value);
    value.dispose();
  }
  return model;
}

/** A chain with max pooling, for discovery. */
export function chainCnn(): tf.LayersModel {
  const layers = [conv(4, { activation: 'relu' }), batchNorm(), maxPool(2), conv(8), batchNorm(), activation('relu'), gap, softmax(3)];
  return buildLayersModel(layers, { inputShape: [8, 8, 1], numClasses: 3, seeds: { init: 3, dropout: 1 } });
}

/** `count` seeded images with values uniform in [lo, hi). */
export function randomImages(count: number, shape: [number, number, number], seed = 1, lo = 0, hi = 1): ImageBatch {
  const random = mulberry32(seed);
  const size = shape[0] * shape[1] * shape[2];
  return imageBatch(Float32Array.from({ length: count * size }, () => lo + (hi - lo) * random()), shape);
}

/** Images i..j of a batch as a batch of their own (copies). */
export function sub(batch: ImageBatch, i: number, j = i + 1): ImageBatch {
  const size = batch.shape[0] * batch.shape[1] * batch.shape[2];
  return imageBatch(batch.data.slice(i * size, j * size), batch.shape);
}

/** Class probabilities from tfjs's own predict (the independent oracle), row-major. */
export function predict(model: tf.LayersModel, batch: ImageBatch): Float32Array {
  return tf.tidy(() => (model.predict(tf.tensor4d(batch.data, [batch.count, ...batch.shape])) as tf.Tensor).dataSync() as Float32Array);
}

/** Largest |a − b|. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} ≠ ${b.length}`);
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    if (!(d <= worst)) worst = d;
  }
  return worst;
}

/** Largest |v|. */
export function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  return m;
}

/** Run `fn` and return the change in live tensors it left behind. */
export function leaked(fn: () => unknown): number {
  const before = tf.memory().numTensors;
  fn();
  return tf.memory().numTensors - before;
}

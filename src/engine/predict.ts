/**
 * Batched inference: a split's uint8 pixels → class probabilities as a plain Float32Array, with
 * the same input normalization the model was trained with.
 * The tensor boundary: everything downstream (metrics, rendering) sees arrays only.
 */
import * as tf from '@tensorflow/tfjs';
import { gatherBatch } from '../data/preprocess.ts';
import { normalizeInputs, type InputNormalization } from './batch.ts';

export interface ImageSplit {
  pixels: Uint8Array;
  count: number;
}

/** Probabilities [count × numClasses], row-major, computed `batchSize` images at a time. */
export function predictProbabilities(
  model: tf.LayersModel,
  split: ImageSplit,
  shape: [number, number, number],
  batchSize = 256,
  normalization?: InputNormalization,
): Float32Array {
  const perImage = shape[0] * shape[1] * shape[2];
  const numClasses = model.outputs[0]!.shape[1] as number;
  const out = new Float32Array(split.count * numClasses);
  const buffer = new Float32Array(batchSize * perImage);
  const indices = Int32Array.from({ length: split.count }, (_, i) => i);
  for (let start = 0; start < split.count; start += batchSize) {
    const end = Math.min(start + batchSize, split.count);
    const n = end - start;
    gatherBatch(split.pixels, indices, start, end, perImage, buffer);
    normalizeInputs(buffer, normalization, n * perImage);
    const probs = tf.tidy(() => model.predict(tf.tensor4d(buffer.subarray(0, n * perImage), [n, ...shape])) as tf.Tensor);
    out.set(probs.dataSync() as Float32Array, start * numClasses);
    probs.dispose();
  }
  return out;
}

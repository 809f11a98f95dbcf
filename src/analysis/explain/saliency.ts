/**
 * Vanilla gradient saliency (Simonyan et al. 2013): the gradient of the class score with respect
 * to the input pixels; per pixel the largest absolute value over the channels.
 *
 * The score is the pre-softmax logit (Simonyan et al.'s choice): the probability's gradient also
 * moves with every other class's logit (∂p_c = p_c (∂z_c − Σ_j p_j ∂z_j)), so it shows what
 * separates the class from the rest rather than what makes it. The softmax is bypassed without
 * touching the model: for a final Dense layer with a softmax activation the logits are
 * x·kernel + bias from that layer's own weights; for a final Activation/Softmax layer they are
 * its input (graph.ts `scoreSource`). Models ending otherwise fall back to the probability, and
 * the result says which was used.
 */
import * as tf from '@tensorflow/tfjs';
import { inputGradient } from './gradients.ts';
import { resolveScore, type ScoreKind } from './graph.ts';
import { checkInputs, imagesTensor, passes, type ImageBatch } from './images.ts';
import { attributionMaps, reducePixels, splitImages, type AttributionMaps } from './maps.ts';

export interface SaliencyOptions {
  /** Class score to differentiate (default: the logit). */
  score?: ScoreKind;
  /** Images per pass (default 32). */
  batchSize?: number;
}

/** Gradient saliency maps of `targets` for each image; `channels` holds the signed gradients. */
export function saliency(model: tf.LayersModel, images: ImageBatch, targets: ArrayLike<number>, options: SaliencyOptions = {}): AttributionMaps {
  checkInputs(model, images, targets);
  const score = resolveScore(model, options.score ?? 'logit');
  const [h, w, c] = images.shape;
  const gradients = new Float32Array(images.data.length);
  for (const [start, end] of passes(images.count, options.batchSize ?? 32)) {
    const g = tf.tidy(() => inputGradient(model, imagesTensor(images, start, end), Array.prototype.slice.call(targets, start, end), score));
    gradients.set(g.dataSync() as Float32Array, start * h * w * c);
    g.dispose();
  }
  const channels = splitImages(gradients, images.count);
  return attributionMaps({
    method: 'saliency',
    height: h,
    width: w,
    maps: channels.map((g) => reducePixels(g, c, 'maxAbs')),
    channels,
    targets,
    score,
    signed: false,
    settings: { score },
  });
}

/**
 * Grad-CAM (Selvaraju et al. 2017) and Grad-CAM++ (Chattopadhay et al. 2018).
 *
 * With A the chosen layer's output (k channels, h'×w') and g = ∂y/∂A the gradient of the class
 * score y (the pre-softmax logit when the softmax can be bypassed, as both papers use):
 *
 *   Grad-CAM     w_k = mean_ij g_ij^k
 *   Grad-CAM++   w_k = Σ_ij α_ij^k · relu(g_ij^k),
 *                α_ij^k = (g_ij^k)² / (2 (g_ij^k)² + Σ_ab A_ab^k · (g_ij^k)³)   (0 where the denominator is 0)
 *
 * The Grad-CAM++ weights are the paper's closed form for the class score S = exp(y) (its eq. 19):
 * with the exponential, the second and third derivatives of S are powers of the first, given
 * that y is piecewise linear in A (ReLU networks). The common factor exp(y) of every weight is
 * dropped: it scales the map, not its shape.
 *
 *   map = relu(Σ_k w_k A^k), upsampled bilinearly (half-pixel centres, as tf.image.resize) to
 *   the input size.
 *
 * A batch of images takes one forward pass to A and one backward pass from the score to A per
 * `batchSize` images; the layers before A are never differentiated.
 */
import * as tf from '@tensorflow/tfjs';
import { layerGradient } from './gradients.ts';
import { resolveScore, type ScoreKind } from './graph.ts';
import { checkInputs, imagesTensor, passes, type ImageBatch } from './images.ts';
import { gradCamLayer, type ExplainLayer } from './layers.ts';
import { attributionMaps, splitImages, type AttributionMaps } from './maps.ts';

export interface GradCamOptions {
  /** The layer (default: `gradCamLayer(model)`, the last convolutional block's output). */
  layer?: ExplainLayer;
  /** `gradcam` (default) or `gradcamPlusPlus`. */
  variant?: 'gradcam' | 'gradcamPlusPlus';
  /** Class score to differentiate (default: the logit). */
  score?: ScoreKind;
  /** Images per pass (default 32). */
  batchSize?: number;
}

/** Channel weights [n, k] from activations and gradients [n, h, w, k]. */
function channelWeights(a: tf.Tensor4D, g: tf.Tensor4D, variant: 'gradcam' | 'gradcamPlusPlus'): tf.Tensor2D {
  if (variant === 'gradcam') return tf.mean(g, [1, 2]) as tf.Tensor2D;
  const g2 = tf.square(g);
  const g3 = tf.mul(g2, g);
  const sumA = tf.sum(a, [1, 2], true);
  const denominator = tf.add(tf.mul(g2, 2), tf.mul(sumA, g3));
  const nonzero = tf.notEqual(denominator, 0);
  const alpha = tf.where(nonzero, tf.div(g2, tf.where(nonzero, denominator, tf.onesLike(denominator))), tf.zerosLike(g2));
  return tf.sum(tf.mul(alpha, tf.relu(g)), [1, 2]) as tf.Tensor2D;
}

/** Class activation maps [n, H, W] at input size for a batch of images. */
export function camTensor(a: tf.Tensor4D, g: tf.Tensor4D, variant: 'gradcam' | 'gradcamPlusPlus', size: [number, number]): tf.Tensor3D {
  const [n, , , k] = a.shape;
  const w = tf.reshape(channelWeights(a, g, variant), [n, 1, 1, k]);
  const cam = tf.relu(tf.sum(tf.mul(a, w), 3, true)) as tf.Tensor4D;
  return tf.squeeze(tf.image.resizeBilinear(cam, size, false, true), [3]) as tf.Tensor3D;
}

/** Grad-CAM (or Grad-CAM++) maps of `targets` for each image, at the input's height × width. */
export function gradCam(model: tf.LayersModel, images: ImageBatch, targets: ArrayLike<number>, options: GradCamOptions = {}): AttributionMaps {
  checkInputs(model, images, targets);
  const layer = options.layer ?? gradCamLayer(model);
  const variant = options.variant ?? 'gradcam';
  const score = resolveScore(model, options.score ?? 'logit');
  const [h, w] = images.shape;
  const out = new Float32Array(images.count * h * w);
  for (const [start, end] of passes(images.count, options.batchSize ?? 32)) {
    const maps = tf.tidy(() => {
      const x = imagesTensor(images, start, end);
      const { activation, gradient } = layerGradient(model, x, layer.path, Array.prototype.slice.call(targets, start, end), score);
      return camTensor(activation, gradient, variant, [h, w]);
    });
    out.set(maps.dataSync() as Float32Array, start * h * w);
    maps.dispose();
  }
  return attributionMaps({
    method: variant,
    height: h,
    width: w,
    maps: splitImages(out, images.count),
    targets,
    score,
    signed: false,
    layer: layer.name,
    settings: { layer: layer.name },
  });
}

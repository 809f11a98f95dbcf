/**
 * The gradient CAM family: Grad-CAM (Selvaraju et al. 2017), Grad-CAM++ (Chattopadhay et al.
 * 2018), HiResCAM (Draelos & Carin 2020), XGrad-CAM (Fu et al. 2020) and Layer-CAM (Jiang et al.
 * 2021). All five read the same two tensors: A, the chosen layer's output (k channels, h'×w'),
 * and g = ∂y/∂A, the gradient of the class score y (the pre-softmax logit when the softmax can be
 * bypassed, as the papers use). They differ only in what multiplies A before the channel sum:
 *
 *   Grad-CAM     w_k = mean_ij g_ij^k                                       (one weight per channel)
 *   Grad-CAM++   w_k = Σ_ij α_ij^k · relu(g_ij^k),
 *                α_ij^k = (g_ij^k)² / (2 (g_ij^k)² + Σ_ab A_ab^k · (g_ij^k)³)   (0 where the denominator is 0)
 *   XGrad-CAM    w_k = Σ_ij (A_ij^k / Σ_ab A_ab^k) · g_ij^k                  (0 where Σ_ab A_ab^k is 0)
 *   HiResCAM     w_ij^k = g_ij^k                                            (one weight per position)
 *   Layer-CAM    w_ij^k = relu(g_ij^k)
 *
 *   map = relu(Σ_k w^k ⊙ A^k), upsampled bilinearly (half-pixel centres, as tf.image.resize) to
 *   the input size.
 *
 * The Grad-CAM++ weights are the paper's closed form for the class score S = exp(y) (its eq. 19):
 * with the exponential, the second and third derivatives of S are powers of the first, given
 * that y is piecewise linear in A (ReLU networks). The common factor exp(y) of every weight is
 * dropped: it scales the map, not its shape.
 *
 * HiResCAM keeps the gradient's spatial detail that Grad-CAM averages away: Σ_k g ⊙ A is the
 * first-order contribution of each position, exact for a head that is linear in A (Flatten +
 * Dense); with a global-average-pooling head g is constant over positions and HiResCAM equals
 * Grad-CAM. XGrad-CAM's weights are the gradient averaged with the activations as the weights
 * (the paper's sensitivity and conservation axioms); for a spatially uniform channel they equal
 * Grad-CAM's. Layer-CAM drops negative gradients position by position, which keeps shallow
 * layers' maps from cancelling out; `layerCam` runs it on several layers (`layerCamLayers`).
 *
 * A batch of images takes one forward pass to A and one backward pass from the score to A per
 * `batchSize` images; the layers before A are never differentiated. Layer-CAM on L layers takes
 * L such pairs of passes.
 */
import * as tf from '@tensorflow/tfjs';
import type { ExplainMethod } from '../../config/spec.ts';
import { layerGradient } from './gradients.ts';
import { resolveScore, type ScoreKind } from './graph.ts';
import { checkInputs, imagesTensor, passes, type ImageBatch } from './images.ts';
import { gradCamLayer, layerCamLayers, type ExplainLayer } from './layers.ts';
import { attributionMaps, splitImages, type AttributionMaps } from './maps.ts';

/** The gradient CAM methods, by their method ids. */
export type CamVariant = Extract<ExplainMethod, 'gradcam' | 'gradcamPlusPlus' | 'hiresCam' | 'xgradCam' | 'layerCam'>;

export interface GradCamOptions {
  /** The layer (default: `gradCamLayer(model)`, the last convolutional block's output). */
  layer?: ExplainLayer;
  /** `gradcam` (default), `gradcamPlusPlus`, `hiresCam`, `xgradCam` or `layerCam`. */
  variant?: CamVariant;
  /** Class score to differentiate (default: the logit). */
  score?: ScoreKind;
  /** Images per pass (default 32). */
  batchSize?: number;
}

/** Channel weights [n, k] broadcast over positions: [n, 1, 1, k]. */
function perChannel(w: tf.Tensor2D): tf.Tensor4D {
  const [n, k] = w.shape;
  return tf.reshape(w, [n, 1, 1, k]);
}

/** Grad-CAM++'s closed-form channel weights [n, k]. */
function plusPlusWeights(a: tf.Tensor4D, g: tf.Tensor4D): tf.Tensor2D {
  const g2 = tf.square(g);
  const g3 = tf.mul(g2, g);
  const sumA = tf.sum(a, [1, 2], true);
  const denominator = tf.add(tf.mul(g2, 2), tf.mul(sumA, g3));
  const nonzero = tf.notEqual(denominator, 0);
  const alpha = tf.where(nonzero, tf.div(g2, tf.where(nonzero, denominator, tf.onesLike(denominator))), tf.zerosLike(g2));
  return tf.sum(tf.mul(alpha, tf.relu(g)), [1, 2]) as tf.Tensor2D;
}

/** XGrad-CAM's channel weights [n, k]: the gradient's mean weighted by the activations (0 for a channel summing to 0). */
function xgradWeights(a: tf.Tensor4D, g: tf.Tensor4D): tf.Tensor2D {
  const sumA = tf.sum(a, [1, 2]) as tf.Tensor2D;
  const weighted = tf.sum(tf.mul(a, g), [1, 2]) as tf.Tensor2D;
  const nonzero = tf.notEqual(sumA, 0);
  return tf.where(nonzero, tf.div(weighted, tf.where(nonzero, sumA, tf.onesLike(sumA))), tf.zerosLike(weighted)) as tf.Tensor2D;
}

/** What multiplies A before the channel sum, per variant: channel weights [n, 1, 1, k] or position weights [n, h, w, k]. */
const WEIGHTINGS: Record<CamVariant, (a: tf.Tensor4D, g: tf.Tensor4D) => tf.Tensor4D> = {
  gradcam: (_a, g) => perChannel(tf.mean(g, [1, 2]) as tf.Tensor2D),
  gradcamPlusPlus: (a, g) => perChannel(plusPlusWeights(a, g)),
  xgradCam: (a, g) => perChannel(xgradWeights(a, g)),
  hiresCam: (_a, g) => g,
  layerCam: (_a, g) => tf.relu(g),
};

/** Low-resolution maps [n, h, w, 1] to the input's height × width [n, H, W]: bilinear, half-pixel centres (tf.image.resize). */
export function upsampleCam(cam: tf.Tensor4D, size: [number, number]): tf.Tensor3D {
  return tf.squeeze(tf.image.resizeBilinear(cam, size, false, true), [3]) as tf.Tensor3D;
}

/** relu(Σ_k w^k ⊙ A^k) at the input size [n, H, W], for weights [n, 1, 1, k] (per channel) or [n, h, w, k] (per position). */
export function weightedCam(a: tf.Tensor4D, weights: tf.Tensor4D, size: [number, number]): tf.Tensor3D {
  return upsampleCam(tf.relu(tf.sum(tf.mul(a, weights), 3, true)) as tf.Tensor4D, size);
}

/** Class activation maps [n, H, W] at input size for a batch of images. */
export function camTensor(a: tf.Tensor4D, g: tf.Tensor4D, variant: CamVariant, size: [number, number]): tf.Tensor3D {
  return weightedCam(a, WEIGHTINGS[variant](a, g), size);
}

/** Maps of one gradient CAM variant (Grad-CAM by default) of `targets` for each image, at the input's height × width. */
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

export interface LayerCamOptions {
  /** The layers, deepest first (default: `layerCamLayers(model, auto)`: Grad-CAM's layer and up to two earlier block outputs). */
  layers?: readonly ExplainLayer[];
  /** Class score to differentiate (default: the logit). */
  score?: ScoreKind;
  /** Images per pass (default 32). */
  batchSize?: number;
}

/** Layer-CAM maps of `targets` at each layer (one AttributionMaps per layer, in the order of `layers`). */
export function layerCam(model: tf.LayersModel, images: ImageBatch, targets: ArrayLike<number>, options: LayerCamOptions = {}): AttributionMaps[] {
  const layers = options.layers ?? layerCamLayers(model, { type: 'auto' });
  return layers.map((layer) => gradCam(model, images, targets, { layer, variant: 'layerCam', ...(options.score && { score: options.score }), ...(options.batchSize && { batchSize: options.batchSize }) }));
}

/**
 * Score-CAM (Wang et al. 2020): channel weights from forward passes only. For each channel k of
 * the layer's output A (k = 1..K, h'×w'):
 *
 *   M_k = s(Up(A^k))            upsampled to the input size (bilinear, half-pixel centres, as the
 *                               maps), min-max normalized to [0, 1]
 *   x_k = x_b + M_k ⊙ (x − x_b) the image where the mask is 1, the baseline x_b where it is 0
 *   s_k = f_c(x_k)              the class score of the masked image (default: the probability)
 *   α_k = s_k − f_c(x_b)        the paper's "channel-wise increase of confidence" (Def. 5, eq. 10)
 *     or softmax_k(s_k)         `weighting: 'softmax'` (the paper's Algorithm 1; pytorch-grad-cam)
 *   map = relu(Σ_k α_k A^k), upsampled like Grad-CAM's.
 *
 * Which weights. The paper is not consistent with itself: its definition and its §3.2 weight each
 * channel by the increase of the post-softmax score ("we adopt post-softmax value in all other
 * section"), which is what the authors' released code and tf-keras-vis compute (they take the
 * masked probability itself, i.e. a black baseline's score left out); its Algorithm 1 takes the
 * increase of the logit and a softmax over channels, which is pytorch-grad-cam's ScoreCAM (the
 * softmax over channels of the model output, the logit for torchvision models). Under a softmax
 * over channels the baseline's score cancels (softmax is shift-invariant), so Algorithm 1 and
 * pytorch-grad-cam agree exactly. The default follows the definition and the experiments (§3.2
 * and Fig. 5 argue that the class probability, not the logit, makes the map class-discriminative);
 * `weighting: 'softmax'` with `score: 'logit'` reproduces pytorch-grad-cam, and its weights sum to 1.
 *
 * Masking. The paper multiplies the input by the mask, x ⊙ M: "absent" is 0 in whatever units
 * the model reads. For x/255 that is black; for standardized inputs it is the training mean
 * colour; so the meaning of a masked-out pixel would change with the normalization. Blending
 * towards an explicit baseline (given in model units, e.g. `baselineImage('black', space,
 * shape)`) keeps it fixed, and lets the report use the same "absent" as Integrated Gradients,
 * occlusion and the deletion curves. With x/255 inputs and a black baseline this is x ⊙ M
 * exactly; the paper's own setting (ImageNet-standardized inputs, x ⊙ M) is the `mean` baseline.
 *
 * A channel that is constant over the image has no mask (the normalization divides by zero): its
 * mask is taken as 0, its masked image is the baseline and its score the baseline's, exactly,
 * so its forward pass is skipped (the authors' code skips such channels too; dead ReLU channels
 * are common).
 *
 * Cost per image: one forward pass to the layer, then one full forward pass per non-constant
 * channel (at most K rows: 64 for a 64-channel layer), plus one pass for the baseline shared by
 * all images; no backward pass. Rows are (image, channel) pairs, image-major, `rowsPerPass` per
 * pass; passes may split an image, which never changes a result.
 */
import * as tf from '@tensorflow/tfjs';
import { upsampleCam, weightedCam } from './grad-cam.ts';
import { Evaluation, resolveScore, scores, type ScoreKind } from './graph.ts';
import { checkInputs, imageSize, imagesTensor, passes, type ImageBatch } from './images.ts';
import { targetScores } from './integrated-gradients.ts';
import { gradCamLayer, type ExplainLayer } from './layers.ts';
import { attributionMaps, splitImages, type AttributionMaps } from './maps.ts';

/** How channel scores become weights: the increase over the baseline's score, or a softmax over channels. */
export type ScoreCamWeighting = 'increase' | 'softmax';

export interface ScoreCamOptions {
  /** The layer (default: `gradCamLayer(model)`). */
  layer?: ExplainLayer;
  /** One image (h × w × c, model units) that masked-out pixels blend towards, e.g. `baselineImage('black', space, shape)`. */
  baseline: Float32Array;
  /** Name of the baseline, for the caption. */
  baselineName?: string;
  /** Class score of the masked images (default: the probability). */
  score?: ScoreKind;
  /** `increase` (default): α_k = s_k − s(baseline); `softmax`: α = softmax over channels of s. */
  weighting?: ScoreCamWeighting;
  /** Images per pass to the layer (default 32). */
  batchSize?: number;
  /** Masked images per forward pass (default 64). */
  rowsPerPass?: number;
}

/** Channel weights from the masked images' scores and the baseline's score (float64). */
export function scoreCamWeights(channelScores: ArrayLike<number>, baselineScore: number, weighting: ScoreCamWeighting): Float64Array {
  const k = channelScores.length;
  const out = new Float64Array(k);
  if (weighting === 'increase') {
    for (let i = 0; i < k; i++) out[i] = channelScores[i]! - baselineScore;
    return out;
  }
  // Shift by the largest score before exponentiating (logits can be large); the shift cancels.
  let top = -Infinity;
  for (let i = 0; i < k; i++) top = Math.max(top, channelScores[i]!);
  let total = 0;
  for (let i = 0; i < k; i++) total += out[i] = Math.exp(channelScores[i]! - top);
  for (let i = 0; i < k; i++) out[i]! /= total;
  return out;
}

/** Whether channel `c` of one image's activations (h'w' × K, channels last) holds a single value. */
function isConstant(a: Float32Array, offset: number, positions: number, channels: number, c: number): boolean {
  const first = a[offset + c]!;
  for (let p = 1; p < positions; p++) if (a[offset + p * channels + c] !== first) return false;
  return true;
}

/** Score-CAM maps of `targets` for each image, at the input's height × width. */
export function scoreCam(model: tf.LayersModel, images: ImageBatch, targets: ArrayLike<number>, options: ScoreCamOptions): AttributionMaps {
  checkInputs(model, images, targets);
  const size = imageSize(images.shape);
  if (options.baseline.length !== size) throw new Error(`The baseline has ${options.baseline.length} floats; one ${images.shape.join('×')} image has ${size}.`);
  const layer = options.layer ?? gradCamLayer(model);
  const score = resolveScore(model, options.score ?? 'probability');
  const weighting = options.weighting ?? 'increase';
  const batchSize = options.batchSize ?? 32;
  const [H, W, C] = images.shape;

  // 1. Activations A of every image, kept as floats (h'w'K per image: small next to the image rows).
  const chunks: Float32Array[] = [];
  let lowShape: [number, number, number] = [layer.shape[0] ?? 0, layer.shape[1] ?? 0, layer.shape[2] ?? 0];
  for (const [start, end] of passes(images.count, batchSize)) {
    const a = tf.tidy(() => new Evaluation(model, [imagesTensor(images, start, end)]).layerOutput(layer.path) as tf.Tensor4D);
    lowShape = a.shape.slice(1) as [number, number, number];
    chunks.push(a.dataSync() as Float32Array);
    a.dispose();
  }
  const [h, w, K] = lowShape;
  const positions = h * w;
  const perImage = positions * K;
  const activations = new Float32Array(images.count * perImage);
  chunks.reduce((at, chunk) => (activations.set(chunk, at), at + chunk.length), 0);

  // 2. The baseline's score for every class (one pass), and the rows: the (image, channel) pairs with a mask.
  const baselineScores = images.count > 0 ? tf.tidy(() => scores(model, tf.tensor4d(options.baseline, [1, H, W, C]), score).dataSync() as Float32Array) : new Float32Array(0);
  const channelScores = Array.from({ length: images.count }, (_, i) => new Float64Array(K).fill(baselineScores[targets[i]!]!));
  const rowImage: number[] = [];
  const rowChannel: number[] = [];
  for (let i = 0; i < images.count; i++) {
    for (let c = 0; c < K; c++) {
      if (isConstant(activations, i * perImage, positions, K, c)) continue;
      rowImage.push(i);
      rowChannel.push(c);
    }
  }

  // 3. Masked images, `rowsPerPass` per forward pass.
  for (const [r0, r1] of passes(rowImage.length, options.rowsPerPass ?? 64)) {
    const rows = r1 - r0;
    const channelMaps = new Float32Array(rows * positions);
    for (let r = 0; r < rows; r++) {
      const offset = rowImage[r0 + r]! * perImage;
      const c = rowChannel[r0 + r]!;
      for (let p = 0; p < positions; p++) channelMaps[r * positions + p] = activations[offset + p * K + c]!;
    }
    const first = rowImage[r0]!;
    const count = rowImage[r1 - 1]! - first + 1;
    const rowTargets = rowImage.slice(r0, r1).map((i) => targets[i]!);
    const rowScores = tf.tidy(() => {
      const up = upsampleCam(tf.tensor4d(channelMaps, [rows, h, w, 1]), [H, W]);
      const lo = tf.min(up, [1, 2], true);
      const range = tf.sub(tf.max(up, [1, 2], true), lo);
      // A constant upsampled map (never reached: constant channels have no row) gets the mask 0, not 0/0.
      const mask = tf.expandDims(tf.div(tf.sub(up, lo), tf.where(tf.greater(range, 0), range, tf.onesLike(range))), 3);
      const x = tf.gather(imagesTensor(images, first, first + count), tf.tensor1d(Int32Array.from(rowImage.slice(r0, r1), (i) => i - first), 'int32'));
      const b = tf.tensor4d(options.baseline, [1, H, W, C]);
      const masked = tf.add(b, tf.mul(mask, tf.sub(x, b))) as tf.Tensor4D;
      return targetScores(model, masked, rowTargets, score);
    });
    for (let r = 0; r < rows; r++) channelScores[rowImage[r0 + r]!]![rowChannel[r0 + r]!] = rowScores[r]!;
  }

  // 4. Weights per image, then relu(Σ α_k A^k) upsampled.
  const weights = new Float32Array(images.count * K);
  for (let i = 0; i < images.count; i++) weights.set(scoreCamWeights(channelScores[i]!, baselineScores[targets[i]!]!, weighting), i * K);
  const out = new Float32Array(images.count * H * W);
  for (const [start, end] of passes(images.count, batchSize)) {
    const maps = tf.tidy(() => {
      const n = end - start;
      const a = tf.tensor4d(activations.subarray(start * perImage, end * perImage), [n, h, w, K]);
      return weightedCam(a, tf.tensor4d(weights.subarray(start * K, end * K), [n, 1, 1, K]), [H, W]);
    });
    out.set(maps.dataSync() as Float32Array, start * H * W);
    maps.dispose();
  }
  return attributionMaps({
    method: 'scoreCam',
    height: H,
    width: W,
    maps: splitImages(out, images.count),
    targets,
    score,
    signed: false,
    layer: layer.name,
    settings: { layer: layer.name, baseline: options.baselineName ?? 'custom', weighting, masks: rowImage.length },
  });
}

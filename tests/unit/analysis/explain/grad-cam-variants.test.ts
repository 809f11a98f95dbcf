/**
 * HiResCAM, XGrad-CAM and Layer-CAM (and Grad-CAM, Grad-CAM++ on the same example) against
 * values computed here in float64 from a model whose layer activations and gradients are known
 * in closed form: a 1×1 convolution with fixed weights, then Flatten + Dense, so the gradient of
 * logit c with respect to A at position p, channel k is the dense weight W[p·K + k][c]
 * (different at every position). Then the axioms that tie the variants together, on random
 * models: HiResCAM = Grad-CAM behind global average pooling; Layer-CAM = HiResCAM when every
 * gradient is ≥ 0; XGrad-CAM = Grad-CAM for uniform channels and behind global average pooling.
 * Grad-CAM and Grad-CAM++ stay bit-identical to their formula before the variants were added.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gradCam, type CamVariant } from '../../../../src/analysis/explain/grad-cam.ts';
import { layerGradient } from '../../../../src/analysis/explain/gradients.ts';
import { imageBatch, imagesTensor, type ImageBatch } from '../../../../src/analysis/explain/images.ts';
import { gradCamLayer } from '../../../../src/analysis/explain/layers.ts';
import { mulberry32 } from '../../../../src/lib/rng.ts';
import { buildModel } from '../../../../src/model/build.ts';
import { leaked, maxAbs, maxAbsDiff, perturbBiases, randomImages, setWeights, smallCnn, sub, twoObjectImage, twoObjectModel, useCpu, useWasm } from './helpers.ts';

beforeAll(useCpu);
afterAll(useCpu);

const VARIANTS: CamVariant[] = ['gradcam', 'gradcamPlusPlus', 'hiresCam', 'xgradCam', 'layerCam'];

/** conv "features" 1×1 (2 → 3 channels, relu): A0 = relu(x0), A1 = relu(x1 + 0.1), A2 = relu(0.5·x0 − x1). */
const CONV_KERNEL = [1, 0, 0.5, 0, 1, -1];
const CONV_BIAS = [0, 0.1, 0];

/**
 * input 4×4×2 → features → flatten → dense "logits" (2 classes, softmax) with seeded weights in
 * [lo, hi). Returns the model and the dense kernel (48 × 2, row-major).
 */
function flattenHeadModel(seed = 3, lo = -1, hi = 1): { model: tf.LayersModel; dense: Float64Array } {
  const input = tf.input({ shape: [4, 4, 2], name: 'image' });
  const features = tf.layers.conv2d({ name: 'features', filters: 3, kernelSize: 1, activation: 'relu' });
  const head = tf.layers.dense({ name: 'logits', units: 2, activation: 'softmax' });
  const model = tf.model({ inputs: input, outputs: head.apply(tf.layers.flatten().apply(features.apply(input))) as tf.SymbolicTensor });
  const random = mulberry32(seed);
  const dense = Float64Array.from({ length: 48 * 2 }, () => lo + (hi - lo) * random());
  setWeights(features, CONV_KERNEL, CONV_BIAS);
  setWeights(head, dense, [0.1, -0.2]);
  return { model, dense };
}

/** The features layer's output for one image, in float64: A[p·3 + k]. */
function activationsOf(image: ArrayLike<number>): Float64Array {
  const a = new Float64Array(16 * 3);
  for (let p = 0; p < 16; p++) {
    for (let k = 0; k < 3; k++) a[p * 3 + k] = Math.max(0, image[p * 2]! * CONV_KERNEL[k]! + image[p * 2 + 1]! * CONV_KERNEL[3 + k]! + CONV_BIAS[k]!);
  }
  return a;
}

/** A variant's 4×4 map from A and g (both [position · K + channel]), in float64 loops. */
function camByHand(variant: CamVariant, a: Float64Array, g: Float64Array, positions: number, channels: number): Float64Array {
  const relu = (v: number) => Math.max(0, v);
  const at = (p: number, k: number) => p * channels + k;
  const channelWeight = (k: number): number => {
    let sumA = 0;
    let sumG = 0;
    let sumAG = 0;
    for (let p = 0; p < positions; p++) [sumA, sumG, sumAG] = [sumA + a[at(p, k)]!, sumG + g[at(p, k)]!, sumAG + a[at(p, k)]! * g[at(p, k)]!];
    if (variant === 'gradcam') return sumG / positions;
    if (variant === 'xgradCam') return sumA === 0 ? 0 : sumAG / sumA;
    // Grad-CAM++: α = g² / (2g² + ΣA·g³), w = Σ α·relu(g).
    let w = 0;
    for (let p = 0; p < positions; p++) {
      const gi = g[at(p, k)]!;
      const d = 2 * gi * gi + sumA * gi * gi * gi;
      w += d === 0 ? 0 : ((gi * gi) / d) * relu(gi);
    }
    return w;
  };
  const weights = Array.from({ length: channels }, (_, k) => (variant === 'hiresCam' || variant === 'layerCam' ? 0 : channelWeight(k)));
  return Float64Array.from({ length: positions }, (_, p) => {
    let sum = 0;
    for (let k = 0; k < channels; k++) {
      const gi = g[at(p, k)]!;
      const w = variant === 'hiresCam' ? gi : variant === 'layerCam' ? relu(gi) : weights[k]!;
      sum += w * a[at(p, k)]!;
    }
    return relu(sum);
  });
}

describe('HiResCAM, XGrad-CAM, Layer-CAM: hand-worked', () => {
  it.each(VARIANTS)('%s on a Flatten + Dense head (a different gradient at every position) equals the float64 computation', (variant) => {
    const { model, dense } = flattenHeadModel();
    const images = randomImages(2, [4, 4, 2], 5);
    const targets = [0, 1];
    const result = gradCam(model, images, targets, { variant });
    expect(result.method).toBe(variant);
    expect([result.layer, result.signed, result.score, result.settings]).toEqual(['features', false, 'logit', { layer: 'features' }]);
    for (let i = 0; i < 2; i++) {
      const a = activationsOf(images.data.subarray(i * 32, (i + 1) * 32));
      // ∂ logit_c / ∂ A[p, k] = W[p·3 + k][c]: the head is linear in A.
      const g = Float64Array.from({ length: 48 }, (_, j) => dense[j * 2 + targets[i]!]!);
      const expected = camByHand(variant, a, g, 16, 3);
      expect(maxAbs(expected), `image ${i}`).toBeGreaterThan(0.05);
      expect(maxAbsDiff(result.maps[i]!, expected), `image ${i}`).toBeLessThan(1e-5);
    }
    model.dispose();
  });

  it('the variants differ on this example (each test above checks its own formula)', () => {
    const { model } = flattenHeadModel();
    const images = randomImages(1, [4, 4, 2], 5);
    const maps = VARIANTS.map((variant) => gradCam(model, images, [0], { variant }).maps[0]!);
    for (let i = 0; i < maps.length; i++) for (let j = i + 1; j < maps.length; j++) expect(maxAbsDiff(maps[i]!, maps[j]!), `${VARIANTS[i]} vs ${VARIANTS[j]}`).toBeGreaterThan(1e-3);
    model.dispose();
  });

  it('XGrad-CAM gives 0 weight to a channel that sums to 0 (a dead ReLU channel), not 0/0', () => {
    const { model, dense } = flattenHeadModel();
    // x1 > 0.5·x0 everywhere: channel 2 is relu of a negative number at every position.
    const data = new Float32Array(32);
    for (let p = 0; p < 16; p++) [data[p * 2], data[p * 2 + 1]] = [0.2 + 0.01 * p, 0.5];
    const image = imageBatch(data, [4, 4, 2]);
    const a = activationsOf(data);
    expect([0, 1, 2].map((k) => a.filter((_, j) => j % 3 === k).reduce((s, v) => s + v, 0) > 0)).toEqual([true, true, false]);
    const g = Float64Array.from({ length: 48 }, (_, j) => dense[j * 2]!);
    const result = gradCam(model, image, [0], { variant: 'xgradCam' }).maps[0]!;
    expect(result.every(Number.isFinite)).toBe(true);
    expect(maxAbsDiff(result, camByHand('xgradCam', a, g, 16, 3))).toBeLessThan(1e-5);
    model.dispose();
  });
});

describe('axioms', () => {
  it('HiResCAM = Grad-CAM behind global average pooling (the gradient is the same at every position)', () => {
    const model = smallCnn([8, 8, 2], 'relu', 12);
    const images = randomImages(3, [8, 8, 2], 13);
    const targets = [0, 1, 2];
    const hires = gradCam(model, images, targets, { variant: 'hiresCam' });
    const grad = gradCam(model, images, targets);
    for (let i = 0; i < 3; i++) {
      const scale = maxAbs(grad.maps[i]!);
      if (scale === 0) continue;
      expect(maxAbsDiff(hires.maps[i]!, grad.maps[i]!) / scale, `image ${i}`).toBeLessThan(1e-5);
    }
    expect(grad.range.max).toBeGreaterThan(0);
    model.dispose();
  });

  it('Layer-CAM = HiResCAM when every gradient is ≥ 0; they part where some are negative', () => {
    const positive = flattenHeadModel(3, 0, 1).model;
    const images = randomImages(2, [4, 4, 2], 6);
    const layer = gradCam(positive, images, [0, 0], { variant: 'layerCam' });
    const hires = gradCam(positive, images, [0, 0], { variant: 'hiresCam' });
    for (let i = 0; i < 2; i++) expect(maxAbsDiff(layer.maps[i]!, hires.maps[i]!)).toBeLessThan(1e-7);
    positive.dispose();
    const mixed = flattenHeadModel(3, -1, 1).model;
    expect(maxAbsDiff(gradCam(mixed, images, [0, 0], { variant: 'layerCam' }).maps[0]!, gradCam(mixed, images, [0, 0], { variant: 'hiresCam' }).maps[0]!)).toBeGreaterThan(1e-3);
    mixed.dispose();
  });

  it('XGrad-CAM = Grad-CAM when each channel is uniform over positions, though the gradient is not', () => {
    const { model } = flattenHeadModel();
    // A uniform image: a 1×1 convolution keeps every channel uniform.
    const uniform = imageBatch(Float32Array.from({ length: 32 }, (_, j) => (j % 2 === 0 ? 0.9 : 0.2)), [4, 4, 2]);
    for (const target of [0, 1]) {
      const x = gradCam(model, uniform, [target], { variant: 'xgradCam' }).maps[0]!;
      const g = gradCam(model, uniform, [target]).maps[0]!;
      expect(maxAbsDiff(x, g)).toBeLessThan(1e-6);
    }
    // Not a trivial equality: HiResCAM, which keeps the gradient's detail, differs here.
    expect(maxAbsDiff(gradCam(model, uniform, [0], { variant: 'hiresCam' }).maps[0]!, gradCam(model, uniform, [0]).maps[0]!)).toBeGreaterThan(1e-3);
    model.dispose();
  });

  it('XGrad-CAM = Grad-CAM behind global average pooling (hand-worked two-object model: 3/64 on the evidence)', () => {
    const model = twoObjectModel();
    const image = twoObjectImage();
    const both = imageBatch(new Float32Array([...image.data, ...image.data]), [8, 8, 2]);
    const result = gradCam(model, both, [0, 1], { variant: 'xgradCam' });
    const grad = gradCam(model, both, [0, 1]);
    for (let i = 0; i < 2; i++) {
      expect(maxAbsDiff(result.maps[i]!, grad.maps[i]!)).toBeLessThan(1e-7);
      expect(maxAbs(result.maps[i]!)).toBeCloseTo(3 / 64, 7);
    }
    model.dispose();
  });

  it('every variant gives non-negative maps on a random residual network, and none leaks a tensor', async () => {
    const { model } = await buildModel({ kind: 'preset', preset: 'resnet', width: 0.125 }, { inputShape: [8, 8, 3], numClasses: 4, seeds: { init: 6, dropout: 7 } });
    perturbBiases(model, 8, 0.1);
    const images = randomImages(3, [8, 8, 3], 14);
    for (const variant of VARIANTS) {
      let result: ReturnType<typeof gradCam> | undefined;
      expect(leaked(() => (result = gradCam(model, images, [0, 3, 1], { variant, batchSize: 2 }))), variant).toBe(0);
      expect(result!.range.min, variant).toBeGreaterThanOrEqual(0);
      expect(result!.range.max, variant).toBeGreaterThan(0);
      for (let i = 0; i < 3; i++) {
        const alone = gradCam(model, sub(images, i), [[0, 3, 1][i]!], { variant });
        const scale = Math.max(1e-12, maxAbs(result!.maps[i]!));
        expect(maxAbsDiff(alone.maps[0]!, result!.maps[i]!) / scale, `${variant}, image ${i}`).toBeLessThan(1e-5);
      }
    }
    model.dispose();
  });
});

describe('Grad-CAM and Grad-CAM++ are unchanged', () => {
  /** The formula as it stood before the variants: channel weights [n, k], reshaped, multiplied, summed, rectified, resized. */
  function before(a: tf.Tensor4D, g: tf.Tensor4D, plusPlus: boolean, size: [number, number]): tf.Tensor3D {
    const [n, , , k] = a.shape;
    let weights: tf.Tensor;
    if (!plusPlus) weights = tf.mean(g, [1, 2]);
    else {
      const g2 = tf.square(g);
      const g3 = tf.mul(g2, g);
      const sumA = tf.sum(a, [1, 2], true);
      const denominator = tf.add(tf.mul(g2, 2), tf.mul(sumA, g3));
      const nonzero = tf.notEqual(denominator, 0);
      const alpha = tf.where(nonzero, tf.div(g2, tf.where(nonzero, denominator, tf.onesLike(denominator))), tf.zerosLike(g2));
      weights = tf.sum(tf.mul(alpha, tf.relu(g)), [1, 2]);
    }
    const cam = tf.relu(tf.sum(tf.mul(a, tf.reshape(weights, [n, 1, 1, k])), 3, true)) as tf.Tensor4D;
    return tf.squeeze(tf.image.resizeBilinear(cam, size, false, true), [3]) as tf.Tensor3D;
  }

  it.each([false, true])('bit for bit (Grad-CAM++: %s)', async (plusPlus) => {
    const { model } = await buildModel({ kind: 'preset', preset: 'resnet', width: 0.125 }, { inputShape: [16, 16, 3], numClasses: 4, seeds: { init: 4, dropout: 5 } });
    const images: ImageBatch = randomImages(3, [16, 16, 3], 3);
    const targets = [0, 1, 3];
    const layer = gradCamLayer(model);
    const result = gradCam(model, images, targets, { variant: plusPlus ? 'gradcamPlusPlus' : 'gradcam' });
    const expected = tf.tidy(() => {
      const { activation, gradient } = layerGradient(model, imagesTensor(images), layer.path, targets, 'logit');
      return before(activation, gradient, plusPlus, [16, 16]).dataSync();
    });
    expect(maxAbs(expected)).toBeGreaterThan(0);
    expect(Float32Array.from(result.maps.flatMap((m) => Array.from(m)))).toEqual(expected);
    model.dispose();
  });
});

describe('on wasm', () => {
  it.each(['hiresCam', 'xgradCam', 'layerCam'] as const)('%s matches the cpu backend and frees every tensor', async (variant) => {
    await useCpu();
    const model = perturbBiases(smallCnn([8, 8, 2], 'relu', 23));
    const images = randomImages(3, [8, 8, 2], 61);
    const expected = gradCam(model, images, [2, 0, 1], { variant });
    await useWasm();
    let actual: ReturnType<typeof gradCam> | undefined;
    expect(leaked(() => (actual = gradCam(model, images, [2, 0, 1], { variant })))).toBe(0);
    await useCpu();
    for (let i = 0; i < 3; i++) expect(maxAbsDiff(actual!.maps[i]!, expected.maps[i]!) / Math.max(1e-12, maxAbs(expected.maps[i]!)), `image ${i}`).toBeLessThan(1e-4);
    expect(expected.range.max).toBeGreaterThan(0);
    model.dispose();
  });
});

/**
 * Grad-CAM and Grad-CAM++ against answers worked out by hand on the two-object model
 * (helpers.ts): with global average pooling over 8×8 and a dense layer W, the gradient of logit c
 * with respect to feature map k is W[k][c] / 64 everywhere, so
 *   Grad-CAM    cam = relu(Σ_k W[k][c] / 64 · A_k)
 *   Grad-CAM++  α = g² / (2g² + ΣA_k · g³) = 1 / (2 + ΣA_k · g), w_k = 64 · α · relu(g).
 * Also through a residual network and a nested base, against an independently computed CAM.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { gradCam } from '../../../../src/analysis/explain/grad-cam.ts';
import { gradCamLayer, layerByName } from '../../../../src/analysis/explain/layers.ts';
import { saliency } from '../../../../src/analysis/explain/saliency.ts';
import { imageBatch } from '../../../../src/analysis/explain/images.ts';
import { buildModel } from '../../../../src/model/build.ts';
import { inRect, leaked, maxAbs, maxAbsDiff, predict, randomImages, setWeights, twoObjectImage, twoObjectModel, useCpu } from './helpers.ts';

beforeAll(useCpu);

const TL = [0, 0, 3, 3] as const;
const BR = [4, 4, 7, 7] as const;

/** Bilinear resize with half-pixel centres (TensorFlow's tf.image.resize), written out by hand. */
function bilinear(src: Float32Array, h: number, w: number, H: number, W: number): Float32Array {
  const out = new Float32Array(H * W);
  const at = (y: number, x: number) => src[Math.min(h - 1, Math.max(0, y)) * w + Math.min(w - 1, Math.max(0, x))]!;
  for (let Y = 0; Y < H; Y++) {
    for (let X = 0; X < W; X++) {
      const sy = Math.max(0, ((Y + 0.5) * h) / H - 0.5);
      const sx = Math.max(0, ((X + 0.5) * w) / W - 0.5);
      const y0 = Math.floor(sy);
      const x0 = Math.floor(sx);
      const fy = sy - y0;
      const fx = sx - x0;
      out[Y * W + X] = (1 - fy) * ((1 - fx) * at(y0, x0) + fx * at(y0, x0 + 1)) + fy * ((1 - fx) * at(y0 + 1, x0) + fx * at(y0 + 1, x0 + 1));
    }
  }
  return out;
}

describe('Grad-CAM', () => {
  it('lights up exactly the quadrant holding the evidence for the class asked about (hand-worked values)', () => {
    const model = twoObjectModel();
    const image = twoObjectImage();
    const both = imageBatch(new Float32Array([...image.data, ...image.data]), [8, 8, 2]);
    const result = gradCam(model, both, [0, 1]);
    expect(result.layer).toBe('features');
    expect(result.score).toBe('logit');
    const [cls0, cls1] = result.maps;
    for (let p = 0; p < 64; p++) {
      // Class 0: 3/64 on A (top-left); on B the weight is −1/64 and the ReLU removes it.
      expect(cls0![p]).toBeCloseTo(inRect(p, TL) ? 3 / 64 : 0, 7);
      expect(cls1![p]).toBeCloseTo(inRect(p, BR) ? 3 / 64 : 0, 7);
    }
    expect(result.ranges[0]).toEqual({ min: 0, max: cls0![0] });
    model.dispose();
  });

  it('pools gradients per channel: a head reading only the top-left quadrant of a uniform feature map still gets a uniform map (why the test above puts the evidence in one quadrant)', () => {
    // One identity channel; the dense head weighs only the top-left 4×4 cells. Saliency is zero
    // elsewhere; Grad-CAM's channel weight is the mean gradient, spread over the whole channel.
    const input = tf.input({ shape: [8, 8, 1] });
    const features = tf.layers.conv2d({ name: 'features', filters: 1, kernelSize: 1, activation: 'relu' });
    const head = tf.layers.dense({ name: 'logits', units: 2, activation: 'softmax' });
    const model = tf.model({ inputs: input, outputs: head.apply(tf.layers.flatten().apply(features.apply(input))) as tf.SymbolicTensor });
    setWeights(features, [1], [0]);
    setWeights(head, Array.from({ length: 128 }, (_, j) => (j % 2 === 0 && inRect(j >> 1, TL) ? 1 : 0)), [0, 0]);
    const uniform = imageBatch(new Float32Array(64).fill(1), [8, 8, 1]);
    const cam = gradCam(model, uniform, [0]).maps[0]!;
    for (let p = 0; p < 64; p++) expect(cam[p]).toBeCloseTo(16 / 64, 6);
    const grad = saliency(model, uniform, [0]).maps[0]!;
    for (let p = 0; p < 64; p++) expect(grad[p]).toBe(inRect(p, TL) ? 1 : 0);
    model.dispose();
  });

  it('Grad-CAM++ uses the closed-form weights of the exponential score', () => {
    const model = twoObjectModel();
    const result = gradCam(model, twoObjectImage(), [0], { variant: 'gradcamPlusPlus' });
    expect(result.method).toBe('gradcamPlusPlus');
    // g = 3/64 on channel 0, ΣA_0 = 16: α = 1 / (2 + 16·3/64), w_0 = 64·α·g; channel 1 has g < 0 → w_1 = 0.
    const w0 = (64 * (3 / 64)) / (2 + (16 * 3) / 64);
    for (let p = 0; p < 64; p++) expect(result.maps[0]![p]).toBeCloseTo(inRect(p, TL) ? w0 : 0, 6);
    model.dispose();
  });

  it('upsamples a coarser layer bilinearly with half-pixel centres', () => {
    const model = twoObjectModel(2);
    const result = gradCam(model, twoObjectImage(), [0]);
    // Stride 2 samples even pixels: the 4×4 map has A in its top-left 2×2 block.
    const low = new Float32Array(16);
    for (let y = 0; y < 2; y++) for (let x = 0; x < 2; x++) low[y * 4 + x] = 3 / 16;
    const expected = bilinear(low, 4, 4, 8, 8);
    expect(maxAbsDiff(result.maps[0]!, expected)).toBeLessThan(1e-6);
    // Nothing leaks into the far quadrant.
    for (let p = 0; p < 64; p++) if (inRect(p, [5, 0, 7, 7]) || inRect(p, [0, 5, 7, 7])) expect(result.maps[0]![p]).toBe(0);
    model.dispose();
  });

  it('differentiates the probability when asked (same map up to the softmax factor)', () => {
    const model = twoObjectModel();
    const result = gradCam(model, twoObjectImage(), [0], { score: 'probability' });
    expect(result.score).toBe('probability');
    const p = (model.predict(tf.tensor4d(twoObjectImage().data, [1, 8, 8, 2])) as tf.Tensor).dataSync();
    // ∂p0/∂A = p0 (∂z0 − p0 ∂z0 − p1 ∂z1) = p0 p1 (∂z0 − ∂z1): weights p0·p1·(W[k][0] − W[k][1]) / 64.
    const w0 = (p[0]! * p[1]! * 4) / 64;
    for (let q = 0; q < 64; q++) expect(result.maps[0]![q]).toBeCloseTo(inRect(q, TL) ? w0 : 0, 7);
    model.dispose();
  });

  it('through a residual network and a nested base equals a CAM computed from the layer output and the head directly', async () => {
    const inner = await buildModel({ kind: 'preset', preset: 'resnet', width: 0.125 }, { inputShape: [16, 16, 3], numClasses: 4, seeds: { init: 4, dropout: 5 } });
    // A nested model: the residual network's feature extractor used as one layer of an outer model.
    const extractor = tf.model({ inputs: inner.model.inputs, outputs: inner.model.getLayer('residual_6_out').output as tf.SymbolicTensor, name: 'extractor' });
    const input = tf.input({ shape: [16, 16, 3], name: 'image' });
    const pool = tf.layers.globalAveragePooling2d({ name: 'outer_pool' });
    const dense = tf.layers.dense({ name: 'outer_dense', units: 4, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 9 }) });
    const model = tf.model({ inputs: input, outputs: dense.apply(pool.apply(extractor.apply(input))) as tf.SymbolicTensor });
    const layer = gradCamLayer(model);
    expect(layer.name).toBe('extractor/residual_6_out');
    const images = randomImages(2, [16, 16, 3], 3);
    // The predicted classes: their maps are not all rectified away.
    const probs = predict(model, images);
    const targets = [0, 1].map((i) => Array.from(probs.subarray(i * 4, i * 4 + 4)).indexOf(Math.max(...probs.subarray(i * 4, i * 4 + 4))));
    const result = gradCam(model, images, targets);
    // Oracle: A from the extractor's own predict; the head's logits by hand; tf.grad through them.
    const expected = tf.tidy(() => {
      const a = extractor.predict(tf.tensor4d(images.data, [2, 16, 16, 3])) as tf.Tensor4D;
      const [kernel, bias] = dense.getWeights();
      const logits = (t: tf.Tensor) => tf.add(tf.matMul(tf.mean(t, [1, 2]), kernel!), bias!);
      const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(logits(t), tf.oneHot(tf.tensor1d(targets, 'int32'), 4))))(a);
      const cam = tf.relu(tf.sum(tf.mul(a, tf.mean(g, [1, 2], true)), 3, true)) as tf.Tensor4D;
      return tf.image.resizeBilinear(cam, [16, 16], false, true).dataSync();
    });
    // Relative to the map's scale: random weights give small values.
    expect(maxAbs(expected)).toBeGreaterThan(0);
    expect(maxAbsDiff(new Float32Array([...result.maps[0]!, ...result.maps[1]!]), expected) / maxAbs(expected)).toBeLessThan(1e-4);
    // Naming a layer inside the base works too, and frees what it made.
    const named = layerByName(model, 'extractor/residual_5_out', 'report.explain.layer');
    expect(leaked(() => gradCam(model, images, [0, 0], { layer: named, variant: 'gradcamPlusPlus' }))).toBe(0);
    model.dispose();
  });
});

/**
 * Saliency against central finite differences of independently computed scores (the logit from
 * the model's own penultimate output and dense weights; the probability from predict), and
 * SmoothGrad against the average of saliency maps of the same noisy copies made here.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { saliency } from '../../../../src/analysis/explain/saliency.ts';
import { smoothGrad } from '../../../../src/analysis/explain/smoothgrad.ts';
import { imageBatch, type ImageBatch } from '../../../../src/analysis/explain/images.ts';
import { fillNormal, streamFor } from '../../../../src/analysis/explain/random.ts';
import { inRect, maxAbs, maxAbsDiff, predict, randomImages, regionModel, smallCnn, useCpu } from './helpers.ts';

beforeAll(useCpu);

/** Logits by hand: the penultimate layer's output (tfjs predict) times the last dense layer's weights, in float64. */
function logitsOracle(model: tf.LayersModel, batch: ImageBatch): Float64Array {
  const last = model.layers[model.layers.length - 1]!;
  const features = tf.model({ inputs: model.inputs, outputs: last.input as tf.SymbolicTensor });
  const f = tf.tidy(() => (features.predict(tf.tensor4d(batch.data, [batch.count, ...batch.shape])) as tf.Tensor).dataSync());
  const [kernel, bias] = last.getWeights().map((w) => w.dataSync());
  const [k, classes] = last.getWeights()[0]!.shape as [number, number];
  const out = new Float64Array(batch.count * classes);
  for (let i = 0; i < batch.count; i++) for (let c = 0; c < classes; c++) {
    let z = bias![c]!;
    for (let j = 0; j < k; j++) z += f[i * k + j]! * kernel![j * classes + c]!;
    out[i * classes + c] = z;
  }
  return out;
}

/** Central differences of score(target) at image 0 of `batch`, every input value perturbed by ±eps in one batch. */
function finiteDifferences(score: (b: ImageBatch) => ArrayLike<number>, batch: ImageBatch, target: number, classes: number, eps: number): Float64Array {
  const size = batch.data.length;
  const rows = new Float32Array(2 * size * size);
  for (let j = 0; j < size; j++) {
    rows.set(batch.data, 2 * j * size);
    rows.set(batch.data, (2 * j + 1) * size);
    rows[2 * j * size + j]! += eps;
    rows[(2 * j + 1) * size + j]! -= eps;
  }
  const s = score(imageBatch(rows, batch.shape));
  return Float64Array.from({ length: size }, (_, j) => (s[2 * j * classes + target]! - s[(2 * j + 1) * classes + target]!) / (2 * eps));
}

describe('saliency', () => {
  let model: tf.LayersModel;
  const image = randomImages(1, [6, 6, 2], 11);
  beforeAll(() => {
    model = smallCnn([6, 6, 2], 'tanh');
  });

  it('equals the finite-difference gradient of the logit (softmax bypassed)', () => {
    const result = saliency(model, image, [2]);
    expect(result.score).toBe('logit');
    const fd = finiteDifferences((b) => logitsOracle(model, b), image, 2, 3, 1e-2);
    const g = result.channels![0]!;
    expect(maxAbs(fd)).toBeGreaterThan(1e-3);
    expect(maxAbsDiff(g, fd) / maxAbs(fd)).toBeLessThan(5e-4);
    // The map: per pixel, the largest |gradient| over the two channels.
    for (let p = 0; p < 36; p++) expect(result.maps[0]![p]).toBe(Math.max(Math.abs(g[2 * p]!), Math.abs(g[2 * p + 1]!)));
  });

  it('equals the finite-difference gradient of the probability when asked', () => {
    const result = saliency(model, image, [0], { score: 'probability' });
    expect(result.score).toBe('probability');
    const fd = finiteDifferences((b) => predict(model, b), image, 0, 3, 1e-2);
    // Probabilities are differenced in float32 by predict: a looser bound than for the float64 logits.
    expect(maxAbsDiff(result.channels![0]!, fd) / maxAbs(fd)).toBeLessThan(2e-3);
    // And the logit's gradient is a different thing.
    expect(maxAbsDiff(saliency(model, image, [0]).channels![0]!, fd) / maxAbs(fd)).toBeGreaterThan(0.1);
  });

  it('is zero outside the only region the model reads, and the weight magnitude inside', () => {
    const rect = [2, 4, 3, 5] as const;
    const region = regionModel(rect);
    const result = saliency(region, randomImages(1, [8, 8, 1], 2), [0]);
    const kernel = region.getLayer('logits').getWeights()[0]!.dataSync();
    for (let p = 0; p < 64; p++) expect(result.maps[0]![p]).toBeCloseTo(inRect(p, rect) ? Math.abs(kernel[p * 2]!) : 0, 6);
    region.dispose();
  });
});

describe('SmoothGrad', () => {
  let model: tf.LayersModel;
  beforeAll(() => {
    model = smallCnn([6, 6, 2], 'relu');
  });
  const images = randomImages(2, [6, 6, 2], 12);

  it('is the mean of the saliency gradients of the same noisy copies, σ = noise × the image’s value range', () => {
    const samples = 5;
    const noise = 0.2;
    const result = smoothGrad(model, images, [1, 2], { samples, noise, seed: 42, ids: [7, 9], rowsPerPass: 4 });
    expect(result.settings).toMatchObject({ samples, noise });
    [7, 9].forEach((id, i) => {
      const x = images.data.subarray(i * 72, (i + 1) * 72);
      const sigma = noise * (Math.max(...x) - Math.min(...x));
      const random = streamFor(42, 'smoothgrad', id);
      const noisy = new Float32Array(samples * 72);
      for (let s = 0; s < samples; s++) {
        fillNormal(random, noisy, s * 72, (s + 1) * 72);
        for (let j = 0; j < 72; j++) noisy[s * 72 + j] = x[j]! + sigma * noisy[s * 72 + j]!;
      }
      const each = saliency(model, imageBatch(noisy, [6, 6, 2]), Array(samples).fill([1, 2][i]));
      const mean = Float32Array.from({ length: 72 }, (_, j) => each.channels!.reduce((acc, g) => acc + g[j]!, 0) / samples);
      expect(maxAbsDiff(result.channels![i]!, mean) / maxAbs(mean)).toBeLessThan(1e-5);
    });
  });

  it('equals vanilla saliency on a model whose gradient is constant, and depends on the seed otherwise', () => {
    const region = regionModel([0, 0, 7, 7]);
    const image = randomImages(1, [8, 8, 1], 3);
    const smooth = smoothGrad(region, image, [0], { samples: 7, noise: 0.5, seed: 1 });
    expect(maxAbsDiff(smooth.maps[0]!, saliency(region, image, [0]).maps[0]!)).toBeLessThan(1e-6);
    region.dispose();
    const a = smoothGrad(model, images, [0, 0], { samples: 4, noise: 0.3, seed: 1 });
    const b = smoothGrad(model, images, [0, 0], { samples: 4, noise: 0.3, seed: 1 });
    const c = smoothGrad(model, images, [0, 0], { samples: 4, noise: 0.3, seed: 2 });
    expect(a.maps).toEqual(b.maps);
    expect(maxAbsDiff(a.maps[0]!, c.maps[0]!)).toBeGreaterThan(0);
  });
});

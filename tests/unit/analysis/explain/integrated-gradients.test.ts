/**
 * Integrated Gradients: completeness (Σ attributions = F(x) − F(baseline), F from tfjs's own
 * predict) within 1 % at 50 steps on a model with trained-like biases, and at 100 steps on an
 * untrained one whose ReLUs all sit at their kink for a black image (error 1/(2·steps) there:
 * the trapezoid counts the zero gradient at α = 0); the trapezoid rule pinned by hand at 1 and 2 steps;
 * exact answers on a linear model. Expected Gradients: the same draws replayed here by hand,
 * completeness in expectation, exact on a linear model.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { integratedGradients } from '../../../../src/analysis/explain/integrated-gradients.ts';
import { expectedGradients } from '../../../../src/analysis/explain/expected-gradients.ts';
import { saliency } from '../../../../src/analysis/explain/saliency.ts';
import { baselineImage, imageBatch, rescaleSpace, standardizeSpace } from '../../../../src/analysis/explain/images.ts';
import { streamFor } from '../../../../src/analysis/explain/random.ts';
import { inRect, maxAbs, maxAbsDiff, perturbBiases, predict, randomImages, regionModel, smallCnn, useCpu } from './helpers.ts';

beforeAll(useCpu);

const SHAPE: [number, number, number] = [8, 8, 2];
const SIZE = 128;
const sum = (a: ArrayLike<number>) => Array.prototype.reduce.call(a, (s, v) => (s as number) + (v as number), 0) as number;

describe('Integrated Gradients', () => {
  let model: tf.LayersModel;
  beforeAll(() => {
    model = perturbBiases(smallCnn(SHAPE, 'relu', 21));
  });
  const images = randomImages(3, SHAPE, 31);
  const targets = [0, 1, 2];

  it.each([
    ['probability', 50],
    ['logit', 50],
    ['probability', 20],
  ] as const)('is complete: Σ attributions = F(x) − F(black) within 1 percent (%s, %i steps)', (score, steps) => {
    const baseline = baselineImage('black', rescaleSpace(2), SHAPE);
    const result = integratedGradients(model, images, targets, { steps, baseline, score });
    expect(result.score).toBe(score);
    expect(result.signed).toBe(true);
    // F from predict (probability) or from the logit the method reports, checked against predict's softmax below.
    const p = predict(model, images);
    const p0 = predict(model, imageBatch(new Float32Array([...baseline, ...baseline, ...baseline]), SHAPE));
    targets.forEach((t, i) => {
      const delta = score === 'probability' ? p[i * 3 + t]! - p0[i * 3 + t]! : result.completeness!.delta[i]!;
      expect(Math.abs(delta)).toBeGreaterThan(1e-3);
      expect(Math.abs(sum(result.channels![i]!) - delta) / Math.abs(delta)).toBeLessThan(0.01);
      // The map is the per-pixel channel sum, so it sums to the same.
      expect(sum(result.maps[i]!)).toBeCloseTo(sum(result.channels![i]!), 4);
      expect(result.completeness!.sum[i]).toBeCloseTo(sum(result.channels![i]!), 5);
    });
    if (score === 'probability') targets.forEach((t, i) => expect(result.completeness!.delta[i]).toBeCloseTo(p[i * 3 + t]! - p0[i * 3 + t]!, 6));
  });

  it('on an untrained model (zero biases) at a black baseline: error 1/(2·steps) for the logit, under 1 % from 100 steps', () => {
    const untrained = smallCnn(SHAPE, 'relu', 21);
    const baseline = baselineImage('black', rescaleSpace(2), SHAPE);
    for (const steps of [20, 100]) {
      const result = integratedGradients(untrained, images, targets, { steps, baseline, score: 'logit' });
      const errors = targets.map((_, i) => Math.abs(result.completeness!.sum[i]! - result.completeness!.delta[i]!) / Math.abs(result.completeness!.delta[i]!));
      for (const e of errors) expect(e).toBeCloseTo(1 / (2 * steps), 4);
    }
    untrained.dispose();
  });

  it('uses the trapezoid rule: 1 step averages the end gradients, 2 steps weigh ¼ ½ ¼', () => {
    const x = images.data.subarray(0, SIZE);
    const baseline = baselineImage('mean', standardizeSpace([0.3, 0.6], [0.2, 0.25]), SHAPE);
    const path = (alphas: number[]) => imageBatch(Float32Array.from(alphas.flatMap((a) => Array.from(x, (v, j) => baseline[j]! + a * (v - baseline[j]!)))), SHAPE);
    const grads = (alphas: number[]) => saliency(model, path(alphas), alphas.map(() => 1), { score: 'probability' }).channels!;
    const one = integratedGradients(model, imageBatch(Float32Array.from(x), SHAPE), [1], { steps: 1, baseline });
    const [g0, g1] = grads([0, 1]);
    const expectedOne = Float32Array.from(x, (v, j) => (v - baseline[j]!) * (g0![j]! + g1![j]!) / 2);
    expect(maxAbsDiff(one.channels![0]!, expectedOne) / maxAbs(expectedOne)).toBeLessThan(1e-5);
    const two = integratedGradients(model, imageBatch(Float32Array.from(x), SHAPE), [1], { steps: 2, baseline, rowsPerPass: 2 });
    const [h0, h1, h2] = grads([0, 0.5, 1]);
    const expectedTwo = Float32Array.from(x, (v, j) => (v - baseline[j]!) * (h0![j]! / 4 + h1![j]! / 2 + h2![j]! / 4));
    expect(maxAbsDiff(two.channels![0]!, expectedTwo) / maxAbs(expectedTwo)).toBeLessThan(1e-5);
  });

  it('on a linear logit is exactly (x − baseline) · weight, zero outside the region the model reads', () => {
    const rect = [1, 1, 4, 3] as const;
    const region = regionModel(rect);
    const image = randomImages(1, [8, 8, 1], 4);
    const baseline = baselineImage('white', rescaleSpace(1), [8, 8, 1]);
    const result = integratedGradients(region, image, [0], { steps: 3, baseline, score: 'logit' });
    const kernel = region.getLayer('logits').getWeights()[0]!.dataSync();
    for (let p = 0; p < 64; p++) expect(result.maps[0]![p]).toBeCloseTo(inRect(p, rect) ? (image.data[p]! - 1) * kernel[p * 2]! : 0, 6);
    region.dispose();
  });
});

describe('Expected Gradients', () => {
  let model: tf.LayersModel;
  beforeAll(() => {
    model = perturbBiases(smallCnn(SHAPE, 'relu', 22), 5, 0.5);
  });
  // Brighter images than the background, so F(x) and the background's mean F differ clearly.
  const images = randomImages(2, SHAPE, 41, 0.5, 1.5);
  const background = randomImages(5, SHAPE, 42, 0, 0.5);

  it('averages (x − x′) · ∇F(x′ + α(x − x′)) over the seeded draws of background image and α', () => {
    const samples = 6;
    const result = expectedGradients(model, images, [2, 0], { background, samples, seed: 3, ids: [10, 20], rowsPerPass: 5 });
    [10, 20].forEach((id, i) => {
      const x = images.data.subarray(i * SIZE, (i + 1) * SIZE);
      const random = streamFor(3, 'expectedGradients', id);
      const draws = Array.from({ length: samples }, () => ({ b: Math.floor(random() * 5), alpha: random() }));
      const bases = draws.map(({ b }) => background.data.subarray(b * SIZE, (b + 1) * SIZE));
      const points = Float32Array.from(draws.flatMap(({ alpha }, s) => Array.from(x, (v, j) => bases[s]![j]! + alpha * (v - bases[s]![j]!))));
      const g = saliency(model, imageBatch(points, SHAPE), Array(samples).fill([2, 0][i]), { score: 'probability' }).channels!;
      const expected = Float32Array.from(x, (v, j) => draws.reduce((acc, _, s) => acc + (v - bases[s]![j]!) * g[s]![j]!, 0) / samples);
      expect(maxAbsDiff(result.channels![i]!, expected) / maxAbs(expected)).toBeLessThan(1e-5);
    });
  });

  it('is complete in expectation: Σ attributions ≈ F(x) − mean F(background) (2000 draws, within 5 %)', () => {
    const result = expectedGradients(model, images, [2, 0], { background, samples: 2000, seed: 4, rowsPerPass: 256 });
    const p = predict(model, images);
    const pb = predict(model, background);
    [2, 0].forEach((t, i) => {
      const delta = p[i * 3 + t]! - [0, 1, 2, 3, 4].reduce((s, b) => s + pb[b * 3 + t]!, 0) / 5;
      expect(result.completeness!.delta[i]).toBeCloseTo(delta, 6);
      expect(Math.abs(delta)).toBeGreaterThan(1e-3);
      expect(Math.abs(sum(result.channels![i]!) - delta) / Math.abs(delta)).toBeLessThan(0.05);
    });
  });

  it('with one background image on a linear logit is exactly (x − x′) · weight', () => {
    const region = regionModel([0, 0, 7, 7]);
    const image = randomImages(1, [8, 8, 1], 5);
    const only = randomImages(1, [8, 8, 1], 6);
    const result = expectedGradients(region, image, [0], { background: only, samples: 3, seed: 1, score: 'logit' });
    const kernel = region.getLayer('logits').getWeights()[0]!.dataSync();
    for (let p = 0; p < 64; p++) expect(result.maps[0]![p]).toBeCloseTo((image.data[p]! - only.data[p]!) * kernel[p * 2]!, 6);
    region.dispose();
  });
});

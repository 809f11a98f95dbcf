/**
 * Integrated Gradients: the quadratures pinned by hand (trapezoid at 1 and 2 steps, Gauss–Legendre
 * at 2 nodes); completeness (Σ attributions = F(x) − F(baseline), F from tfjs's own predict) at
 * fixed counts on a model with trained-like biases; an untrained model (zero biases) at a black
 * baseline, where every ReLU sits at its kink at α = 0: the trapezoid's error is exactly
 * 1/(2·steps) (it counts the zero gradient there), Gauss–Legendre (no end points) is exact, and
 * the trapezoid hits any cap below 1/(2·tolerance). The adaptive loop: every image within the
 * tolerance, counts that double, each image's result equal to a direct run at its final count,
 * batching invariance, no leaks. The float64 NumPy reference is in integrated-gradients-reference.test.ts.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { COMPLETENESS_FLOOR, completenessError, integratedGradients } from '../../../../src/analysis/explain/integrated-gradients.ts';
import { saliency } from '../../../../src/analysis/explain/saliency.ts';
import { baselineImage, imageBatch, rescaleSpace, standardizeSpace } from '../../../../src/analysis/explain/images.ts';
import type { AttributionMaps } from '../../../../src/analysis/explain/maps.ts';
import { inRect, leaked, maxAbs, maxAbsDiff, perturbBiases, predict, randomImages, regionModel, smallCnn, sub, useCpu } from './helpers.ts';

beforeAll(useCpu);

const SHAPE: [number, number, number] = [8, 8, 2];
const SIZE = 128;
const sum = (a: ArrayLike<number>) => Array.prototype.reduce.call(a, (s, v) => (s as number) + (v as number), 0) as number;
const black = baselineImage('black', rescaleSpace(2), SHAPE);
const errors = (result: AttributionMaps) => Array.from(result.completeness!.sum, (s, i) => completenessError(s, result.completeness!.delta[i]!));

describe('completenessError', () => {
  it('is relative to |Δ|, and to the floor when |Δ| is below it', () => {
    expect(completenessError(0.45, 0.5)).toBeCloseTo(0.1, 12);
    expect(completenessError(-0.45, -0.5)).toBeCloseTo(0.1, 12);
    expect(COMPLETENESS_FLOOR).toBe(1e-3);
    expect(completenessError(3e-5, 1e-5)).toBeCloseTo(2e-5 / 1e-3, 12);
    expect(completenessError(0, 0)).toBe(0);
  });
});

describe('Integrated Gradients at a fixed count', () => {
  let model: tf.LayersModel;
  beforeAll(() => {
    model = perturbBiases(smallCnn(SHAPE, 'relu', 21));
  });
  const images = randomImages(3, SHAPE, 31);
  const targets = [0, 1, 2];

  it.each([
    ['probability', 'trapezoid', 50],
    ['logit', 'trapezoid', 50],
    ['probability', 'trapezoid', 20],
    ['probability', 'gaussLegendre', 20],
    ['logit', 'gaussLegendre', 20],
  ] as const)('is complete: Σ attributions = F(x) − F(black) within 1 percent (%s, %s, %i points)', (score, rule, steps) => {
    const result = integratedGradients(model, images, targets, { steps, rule, baseline: black, score });
    expect(result.score).toBe(score);
    expect(result.signed).toBe(true);
    expect(result.settings).toMatchObject({ steps, rule, baseline: 'custom', score });
    expect(Array.from(result.completeness!.evaluations!)).toEqual([0, 1, 2].map(() => (rule === 'trapezoid' ? steps + 1 : steps)));
    // F from predict (probability) or from the logit the method reports.
    const p = predict(model, images);
    const p0 = predict(model, imageBatch(new Float32Array([...black, ...black, ...black]), SHAPE));
    targets.forEach((t, i) => {
      const delta = score === 'probability' ? p[i * 3 + t]! - p0[i * 3 + t]! : result.completeness!.delta[i]!;
      if (score === 'probability') expect(result.completeness!.delta[i]).toBeCloseTo(delta, 6);
      expect(Math.abs(delta)).toBeGreaterThan(1e-3);
      expect(Math.abs(sum(result.channels![i]!) - delta) / Math.abs(delta)).toBeLessThan(0.01);
      // The map is the per-pixel channel sum, so it sums to the same.
      expect(sum(result.maps[i]!)).toBeCloseTo(sum(result.channels![i]!), 4);
      expect(result.completeness!.sum[i]).toBeCloseTo(sum(result.channels![i]!), 5);
    });
  });

  it('uses the trapezoid rule: 1 step averages the end gradients, 2 steps weigh ¼ ½ ¼', () => {
    const x = images.data.subarray(0, SIZE);
    const baseline = baselineImage('mean', standardizeSpace([0.3, 0.6], [0.2, 0.25]), SHAPE);
    const path = (alphas: number[]) => imageBatch(Float32Array.from(alphas.flatMap((a) => Array.from(x, (v, j) => baseline[j]! + a * (v - baseline[j]!)))), SHAPE);
    const grads = (alphas: number[]) => saliency(model, path(alphas), alphas.map(() => 1), { score: 'probability' }).channels!;
    const one = integratedGradients(model, imageBatch(Float32Array.from(x), SHAPE), [1], { steps: 1, rule: 'trapezoid', baseline });
    const [g0, g1] = grads([0, 1]);
    const expectedOne = Float32Array.from(x, (v, j) => ((v - baseline[j]!) * (g0![j]! + g1![j]!)) / 2);
    expect(maxAbsDiff(one.channels![0]!, expectedOne) / maxAbs(expectedOne)).toBeLessThan(1e-5);
    const two = integratedGradients(model, imageBatch(Float32Array.from(x), SHAPE), [1], { steps: 2, rule: 'trapezoid', baseline, rowsPerPass: 2 });
    const [h0, h1, h2] = grads([0, 0.5, 1]);
    const expectedTwo = Float32Array.from(x, (v, j) => (v - baseline[j]!) * (h0![j]! / 4 + h1![j]! / 2 + h2![j]! / 4));
    expect(maxAbsDiff(two.channels![0]!, expectedTwo) / maxAbs(expectedTwo)).toBeLessThan(1e-5);
  });

  it('uses Gauss–Legendre: 2 nodes at (1 ∓ 1/√3)/2, weight ½ each', () => {
    const x = images.data.subarray(SIZE, 2 * SIZE);
    const alphas = [(1 - 1 / Math.sqrt(3)) / 2, (1 + 1 / Math.sqrt(3)) / 2];
    const points = imageBatch(Float32Array.from(alphas.flatMap((a) => Array.from(x, (v) => a * v))), SHAPE);
    const [g0, g1] = saliency(model, points, [2, 2], { score: 'probability' }).channels!;
    const result = integratedGradients(model, imageBatch(Float32Array.from(x), SHAPE), [2], { steps: 2, rule: 'gaussLegendre', baseline: black });
    const expected = Float32Array.from(x, (v, j) => (v * (g0![j]! + g1![j]!)) / 2);
    expect(maxAbsDiff(result.channels![0]!, expected) / maxAbs(expected)).toBeLessThan(1e-5);
  });

  it('on a linear logit is exactly (x − baseline) · weight, zero outside the region the model reads (either rule)', () => {
    const rect = [1, 1, 4, 3] as const;
    const region = regionModel(rect);
    const image = randomImages(1, [8, 8, 1], 4);
    const baseline = baselineImage('white', rescaleSpace(1), [8, 8, 1]);
    const kernel = region.getLayer('logits').getWeights()[0]!.dataSync();
    for (const rule of ['trapezoid', 'gaussLegendre'] as const) {
      const result = integratedGradients(region, image, [0], { steps: 3, rule, baseline, score: 'logit' });
      for (let p = 0; p < 64; p++) expect(result.maps[0]![p]).toBeCloseTo(inRect(p, rect) ? (image.data[p]! - 1) * kernel[p * 2]! : 0, 6);
    }
    region.dispose();
  });
});

describe('Integrated Gradients on an untrained model (zero biases) at a black baseline', () => {
  let untrained: tf.LayersModel;
  beforeAll(() => {
    untrained = smallCnn(SHAPE, 'relu', 21);
  });
  const images = randomImages(3, SHAPE, 31);
  const targets = [0, 1, 2];

  it('trapezoid: the error is exactly 1/(2·steps) for the logit; Gauss–Legendre, without end points, is exact', () => {
    for (const steps of [20, 100]) {
      const trapezoid = integratedGradients(untrained, images, targets, { steps, rule: 'trapezoid', baseline: black, score: 'logit' });
      for (const e of errors(trapezoid)) expect(e).toBeCloseTo(1 / (2 * steps), 4);
    }
    const gauss = integratedGradients(untrained, images, targets, { steps: 2, rule: 'gaussLegendre', baseline: black, score: 'logit' });
    for (const e of errors(gauss)) expect(e).toBeLessThan(1e-5);
  });

  it('the cap: the trapezoid doubles 4 → 64 steps, still misses a tolerance of 0.001, and says so with the error it reached', () => {
    const result = integratedGradients(untrained, images, targets, { steps: 4, maxSteps: 100, tolerance: 0.001, rule: 'trapezoid', baseline: black, score: 'logit' });
    expect(Array.from(result.completeness!.capped!)).toEqual([1, 1, 1]);
    // Nested doubling: 65 gradients for 64 intervals, the earlier rounds' points reused.
    expect(Array.from(result.completeness!.evaluations!)).toEqual([65, 65, 65]);
    expect(result.completeness!.tolerance).toBe(0.001);
    for (const e of errors(result)) expect(e).toBeCloseTo(1 / 128, 4);
    expect(result.settings).toMatchObject({ steps: 64, maxSteps: 100, rule: 'trapezoid', tolerance: 0.001, gradients: 3 * 65 });
    // Gauss–Legendre meets it at once.
    const gauss = integratedGradients(untrained, images, targets, { steps: 4, maxSteps: 100, tolerance: 0.001, rule: 'gaussLegendre', baseline: black, score: 'logit' });
    expect([Array.from(gauss.completeness!.capped!), Array.from(gauss.completeness!.evaluations!)]).toEqual([
      [0, 0, 0],
      [4, 4, 4],
    ]);
  });
});

describe('Integrated Gradients, adaptive', () => {
  let model: tf.LayersModel;
  beforeAll(() => {
    model = perturbBiases(smallCnn(SHAPE, 'relu', 21));
  });
  const images = randomImages(4, SHAPE, 33);
  const targets = [0, 1, 2, 1];
  const options = { steps: 2, maxSteps: 1024, tolerance: 0.002, baseline: black };

  it.each(['trapezoid', 'gaussLegendre'] as const)('%s: every image within the tolerance, counts doubled from 2, each equal to a direct run at its final count', (rule) => {
    let result: AttributionMaps | undefined;
    expect(leaked(() => (result = integratedGradients(model, images, targets, { ...options, rule, rowsPerPass: 7 })))).toBe(0);
    const { capped, evaluations } = result!.completeness!;
    expect(Array.from(capped!)).toEqual([0, 0, 0, 0]);
    for (const e of errors(result!)) expect(e).toBeLessThanOrEqual(0.002);
    // The points of the final rule: n + 1 for the trapezoid, n for Gauss–Legendre.
    const counts = Array.from(evaluations!, (e) => (rule === 'trapezoid' ? e - 1 : e));
    for (const n of counts) expect(Math.log2(n) % 1).toBe(0);
    expect(new Set(counts).size).toBeGreaterThan(1);
    expect(result!.settings['steps']).toBe(`${Math.min(...counts)}–${Math.max(...counts)}`);
    // What it cost: the trapezoid reuses every earlier point; Gauss–Legendre evaluates 2 + 4 + … + n = 2n − 2.
    expect(result!.settings['gradients']).toBe(sum(counts.map((n) => (rule === 'trapezoid' ? n + 1 : 2 * n - 2))));
    counts.forEach((n, i) => {
      const direct = integratedGradients(model, sub(images, i), [targets[i]!], { steps: n, rule, baseline: black });
      expect(maxAbsDiff(direct.channels![0]!, result!.channels![i]!) / maxAbs(direct.channels![0]!), `image ${i}`).toBeLessThan(1e-5);
      // Half as many points was not enough: that is why it doubled.
      if (n > 2) expect(errors(integratedGradients(model, sub(images, i), [targets[i]!], { steps: n / 2, rule, baseline: black }))[0]).toBeGreaterThan(0.002);
    });
  });

  it('gives each image the same result in a batch as alone', () => {
    const batched = integratedGradients(model, images, targets, { ...options, rowsPerPass: 5 });
    for (let i = 0; i < 4; i++) {
      const alone = integratedGradients(model, sub(images, i), [targets[i]!], { ...options, rowsPerPass: 64 });
      expect(alone.completeness!.evaluations![0]).toBe(batched.completeness!.evaluations![i]);
      expect(maxAbsDiff(alone.maps[0]!, batched.maps[i]!) / maxAbs(alone.maps[0]!)).toBeLessThan(1e-5);
    }
  });

  it('of no images: empty results', () => {
    const result = integratedGradients(model, sub(images, 0, 0), [], options);
    expect([result.maps.length, result.completeness!.evaluations!.length, result.settings['steps']]).toEqual([0, 0, 0]);
  });
});

/**
 * Expected Gradients: the balanced draws (every reference once per cycle, α spread evenly in every
 * prefix and along every reference, each draw still uniform), the attributions replayed by hand
 * from those draws, completeness against the references actually drawn (= the whole background's
 * mean at a multiple of its size), an error that falls about as 1/samples, the adaptive loop
 * (tolerance, doubling, the cap), batching invariance, no leaks; exact on a linear model.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectedGradients, referenceDraws } from '../../../../src/analysis/explain/expected-gradients.ts';
import { completenessError } from '../../../../src/analysis/explain/integrated-gradients.ts';
import { saliency } from '../../../../src/analysis/explain/saliency.ts';
import { imageBatch } from '../../../../src/analysis/explain/images.ts';
import type { AttributionMaps } from '../../../../src/analysis/explain/maps.ts';
import { leaked, maxAbs, maxAbsDiff, perturbBiases, predict, randomImages, regionModel, smallCnn, sub, useCpu } from './helpers.ts';

beforeAll(useCpu);

const SHAPE: [number, number, number] = [8, 8, 2];
const SIZE = 128;
const sum = (a: ArrayLike<number>) => Array.prototype.reduce.call(a, (s, v) => (s as number) + (v as number), 0) as number;
const errors = (result: AttributionMaps) => Array.from(result.completeness!.sum, (s, i) => completenessError(s, result.completeness!.delta[i]!));
const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
/** The largest gap between neighbours of points on the circle [0, 1). */
function largestGap(points: number[]): number {
  const sorted = [...points].sort((a, b) => a - b);
  let gap = sorted[0]! + 1 - sorted[sorted.length - 1]!;
  for (let k = 1; k < sorted.length; k++) gap = Math.max(gap, sorted[k]! - sorted[k - 1]!);
  return gap;
}

describe('referenceDraws', () => {
  it('cycles through one seeded permutation of the background', () => {
    for (const count of [1, 5, 100]) {
      const draws = referenceDraws(3, 17, count);
      const cycle = Array.from({ length: count }, (_, s) => draws.reference(s));
      expect([...cycle].sort((a, b) => a - b)).toEqual(Array.from({ length: count }, (_, b) => b));
      expect(Array.from({ length: count }, (_, s) => draws.reference(s + 2 * count))).toEqual(cycle);
    }
    expect(Array.from({ length: 100 }, (_, s) => referenceDraws(3, 18, 100).reference(s))).not.toEqual(Array.from({ length: 100 }, (_, s) => referenceDraws(3, 17, 100).reference(s)));
  });

  it('spreads α evenly: the largest gap of any prefix of n draws is under 4.5/n (independent draws: about ln(n)/n), along one reference under 2/k', () => {
    for (const count of [1, 7, 89, 100]) {
      for (const id of [0, 1, 2, 3]) {
        const draws = referenceDraws(5, id, count);
        for (const n of [8, 64, 1024]) expect(largestGap(Array.from({ length: n }, (_, s) => draws.alpha(s))) * n).toBeLessThan(4.5);
        for (const k of [8, 32]) expect(largestGap(Array.from({ length: k }, (_, c) => draws.alpha(c * count))) * k).toBeLessThan(2);
      }
    }
  });

  it('leaves each draw uniform over images: the first reference and α of 5000 images fill 10 bins evenly (within 5 σ)', () => {
    const references = new Array<number>(10).fill(0);
    const alphas = new Array<number>(10).fill(0);
    for (let id = 0; id < 5000; id++) {
      const draws = referenceDraws(9, id, 10);
      references[draws.reference(0)]!++;
      alphas[Math.floor(draws.alpha(0) * 10)]!++;
    }
    const sigma = Math.sqrt(5000 * 0.1 * 0.9);
    for (const count of [...references, ...alphas]) expect(Math.abs(count - 500)).toBeLessThan(5 * sigma);
  });
});

describe('Expected Gradients', () => {
  let model: tf.LayersModel;
  beforeAll(() => {
    model = perturbBiases(smallCnn(SHAPE, 'relu', 22), 5, 0.5);
  });
  // Brighter images than the background, so F(x) and the background's scores differ clearly.
  const images = randomImages(4, SHAPE, 41, 0.5, 1.5);
  const targets = [2, 0, 1, 2];
  const background = randomImages(8, SHAPE, 42, 0, 0.5);
  const backgroundScore = (b: number, t: number, p: Float32Array) => p[b * 3 + t]!;

  it('averages (x − x′) · ∇F(x′ + α(x − x′)) over the seeded draws, and Δ is F(x) minus the mean F of the references drawn', () => {
    const samples = 6;
    const result = expectedGradients(model, sub(images, 0, 2), [2, 0], { background, samples, seed: 3, ids: [10, 20], rowsPerPass: 5 });
    const p = predict(model, images);
    const pb = predict(model, background);
    [10, 20].forEach((id, i) => {
      const x = images.data.subarray(i * SIZE, (i + 1) * SIZE);
      const draws = referenceDraws(3, id, 8);
      const picks = Array.from({ length: samples }, (_, s) => ({ b: draws.reference(s), alpha: draws.alpha(s) }));
      const bases = picks.map(({ b }) => background.data.subarray(b * SIZE, (b + 1) * SIZE));
      const points = Float32Array.from(picks.flatMap(({ alpha }, s) => Array.from(x, (v, j) => bases[s]![j]! + alpha * (v - bases[s]![j]!))));
      const g = saliency(model, imageBatch(points, SHAPE), Array(samples).fill([2, 0][i]), { score: 'probability' }).channels!;
      const expected = Float32Array.from(x, (v, j) => picks.reduce((acc, _, s) => acc + (v - bases[s]![j]!) * g[s]![j]!, 0) / samples);
      expect(maxAbsDiff(result.channels![i]!, expected) / maxAbs(expected)).toBeLessThan(1e-5);
      const t = [2, 0][i]!;
      expect(result.completeness!.delta[i]).toBeCloseTo(p[i * 3 + t]! - mean(picks.map(({ b }) => backgroundScore(b, t, pb))), 6);
    });
    expect(Array.from(result.completeness!.evaluations!)).toEqual([6, 6]);
    expect(result.settings).toMatchObject({ samples: 6, background: 8, score: 'probability' });
  });

  it('at a multiple of the background size Δ is F(x) − the whole background mean, and completeness holds within 0.1 % at 1024 draws', () => {
    const result = expectedGradients(model, images, targets, { background, samples: 1024, seed: 4, rowsPerPass: 256 });
    const p = predict(model, images);
    const pb = predict(model, background);
    targets.forEach((t, i) => {
      const delta = p[i * 3 + t]! - mean([0, 1, 2, 3, 4, 5, 6, 7].map((b) => backgroundScore(b, t, pb)));
      expect(result.completeness!.delta[i]).toBeCloseTo(delta, 6);
      expect(Math.abs(delta)).toBeGreaterThan(0.01);
      expect(Math.abs(sum(result.channels![i]!) - delta) / Math.abs(delta)).toBeLessThan(1e-3);
    });
  });

  it('the completeness error falls about as 1/samples: 16 times the draws, at least 8 times smaller (independent draws: about 4)', () => {
    const at = (samples: number) => mean(errors(expectedGradients(model, images, targets, { background, samples, seed: 4, rowsPerPass: 256 })));
    const [e16, e64, e256, e1024] = [at(16), at(64), at(256), at(1024)];
    expect(e64).toBeLessThan(e16);
    expect(e256).toBeLessThan(e64);
    expect(e1024).toBeLessThan(e64 / 8);
    expect(e1024).toBeLessThan(1e-3);
  });

  it('adaptive: doubles the draws per image until within the tolerance; the same result in a batch as alone; no leaks', () => {
    const options = { background, samples: 4, maxSamples: 4096, tolerance: 0.005, seed: 6, rowsPerPass: 7 };
    const ids = [3, 1, 4, 1];
    let result: AttributionMaps | undefined;
    expect(leaked(() => (result = expectedGradients(model, images, targets, { ...options, ids })))).toBe(0);
    const { evaluations, capped } = result!.completeness!;
    expect(Array.from(capped!)).toEqual([0, 0, 0, 0]);
    for (const e of errors(result!)) expect(e).toBeLessThanOrEqual(0.005);
    for (const n of evaluations!) expect(Math.log2(n / 4) % 1).toBe(0);
    expect(new Set(evaluations).size).toBeGreaterThan(1);
    const counts = Array.from(evaluations!);
    expect(result!.settings['samples']).toBe(`${Math.min(...counts)}–${Math.max(...counts)}`);
    for (let i = 0; i < 4; i++) {
      const alone = expectedGradients(model, sub(images, i), [targets[i]!], { ...options, ids: [ids[i]!], rowsPerPass: 64 });
      expect(alone.completeness!.evaluations![0]).toBe(evaluations![i]);
      expect(maxAbsDiff(alone.maps[0]!, result!.maps[i]!) / maxAbs(alone.maps[0]!)).toBeLessThan(1e-5);
      // The same as a fixed count of that many draws, and half as many did not reach the tolerance.
      const fixed = expectedGradients(model, sub(images, i), [targets[i]!], { ...options, ids: [ids[i]!], samples: evaluations![i]!, maxSamples: evaluations![i]! });
      expect(maxAbsDiff(fixed.maps[0]!, result!.maps[i]!) / maxAbs(fixed.maps[0]!)).toBeLessThan(1e-5);
      if (evaluations![i]! > 4) expect(errors(expectedGradients(model, sub(images, i), [targets[i]!], { ...options, ids: [ids[i]!], samples: evaluations![i]! / 2, maxSamples: evaluations![i]! / 2 }))[0]).toBeGreaterThan(0.005);
    }
  });

  it('the cap: a tolerance out of reach stops at maxSamples, flagged, with the error reached', () => {
    const result = expectedGradients(model, images, targets, { background, samples: 4, maxSamples: 24, tolerance: 1e-6, seed: 6 });
    expect(Array.from(result.completeness!.capped!)).toEqual([1, 1, 1, 1]);
    // 4 → 8 → 16 → 24: the last round ends on the cap itself.
    expect(Array.from(result.completeness!.evaluations!)).toEqual([24, 24, 24, 24]);
    for (const e of errors(result)) expect(e).toBeGreaterThan(1e-6);
    expect(result.completeness!.tolerance).toBe(1e-6);
    expect(result.settings).toMatchObject({ samples: 24, maxSamples: 24, tolerance: 1e-6, gradients: 4 * 24 });
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

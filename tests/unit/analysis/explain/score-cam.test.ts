/**
 * Score-CAM against a float64 computation of the whole method on a model small enough to run by
 * hand (a 1×1 convolution with fixed weights, Flatten + Dense): masks from the activations,
 * masked images blended towards the baseline, their forward passes, the weights, the map. Then
 * the weights' axioms (the softmax weights sum to 1 and do not depend on the baseline's score),
 * batching invariance on a residual network with a coarser layer, no leaks.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scoreCam, scoreCamWeights, type ScoreCamWeighting } from '../../../../src/analysis/explain/score-cam.ts';
import { baselineImage, imageBatch, rescaleSpace, standardizeSpace } from '../../../../src/analysis/explain/images.ts';
import type { ScoreKind } from '../../../../src/analysis/explain/graph.ts';
import { mulberry32 } from '../../../../src/lib/rng.ts';
import { buildModel } from '../../../../src/model/build.ts';
import { leaked, maxAbs, maxAbsDiff, perturbBiases, randomImages, setWeights, smallCnn, sub, useCpu, useWasm } from './helpers.ts';

beforeAll(useCpu);
afterAll(useCpu);

/** conv "features" 1×1 (1 → 3 channels, relu): A0 = relu(x), A1 = relu(−x − 0.1) (dead for x ≥ 0: constant 0), A2 = relu(0.5·x + 0.2). */
const KERNEL = [1, -1, 0.5];
const BIAS = [0, -0.1, 0.2];

/** input 4×4×1 → features → flatten → dense "logits" (3 classes, softmax) with seeded weights in [−2, 2). */
function handModel(): { model: tf.LayersModel; dense: Float64Array; bias: number[] } {
  const input = tf.input({ shape: [4, 4, 1], name: 'image' });
  const features = tf.layers.conv2d({ name: 'features', filters: 3, kernelSize: 1, activation: 'relu' });
  const head = tf.layers.dense({ name: 'logits', units: 3, activation: 'softmax' });
  const model = tf.model({ inputs: input, outputs: head.apply(tf.layers.flatten().apply(features.apply(input))) as tf.SymbolicTensor });
  const random = mulberry32(31);
  const dense = Float64Array.from({ length: 48 * 3 }, () => 4 * random() - 2);
  const bias = [0.3, -0.1, 0];
  setWeights(features, KERNEL, BIAS);
  setWeights(head, dense, bias);
  return { model, dense, bias };
}

/** The hand model in float64: activations A[p·3 + k] and class scores of one 4×4 image. */
function forward(x: ArrayLike<number>, dense: Float64Array, bias: number[]): { a: Float64Array; logits: number[]; probabilities: number[] } {
  const a = Float64Array.from({ length: 48 }, (_, j) => Math.max(0, x[Math.floor(j / 3)]! * KERNEL[j % 3]! + BIAS[j % 3]!));
  const logits = [0, 1, 2].map((c) => a.reduce((s, v, j) => s + v * dense[j * 3 + c]!, bias[c]!));
  const top = Math.max(...logits);
  const e = logits.map((z) => Math.exp(z - top));
  const total = e.reduce((s, v) => s + v, 0);
  return { a, logits, probabilities: e.map((v) => v / total) };
}

/** Score-CAM of one image by hand: the layer has the input's size, so each mask is the channel itself, min-max normalized. */
function scoreCamByHand(x: ArrayLike<number>, baseline: ArrayLike<number>, target: number, kind: ScoreKind, weighting: ScoreCamWeighting, dense: Float64Array, bias: number[]): Float64Array {
  const score = (image: ArrayLike<number>) => {
    const f = forward(image, dense, bias);
    return (kind === 'logit' ? f.logits : f.probabilities)[target]!;
  };
  const { a } = forward(x, dense, bias);
  const base = score(baseline);
  const s = [0, 1, 2].map((k) => {
    const channel = Array.from({ length: 16 }, (_, p) => a[p * 3 + k]!);
    const lo = Math.min(...channel);
    const hi = Math.max(...channel);
    // A constant channel has no mask: its "masked" image is the baseline.
    const mask = channel.map((v) => (hi > lo ? (v - lo) / (hi - lo) : 0));
    return score(mask.map((m, p) => baseline[p]! + m * (x[p]! - baseline[p]!)));
  });
  let alpha: number[];
  if (weighting === 'increase') alpha = s.map((v) => v - base);
  else {
    const e = s.map((v) => Math.exp(v));
    alpha = e.map((v) => v / e.reduce((t, u) => t + u, 0));
  }
  return Float64Array.from({ length: 16 }, (_, p) => Math.max(0, alpha.reduce((sum, w, k) => sum + w * a[p * 3 + k]!, 0)));
}

describe('Score-CAM: hand-worked', () => {
  const cases: [string, number, ScoreKind, ScoreCamWeighting][] = [
    ['the paper’s increase of the probability, black baseline (x ⊙ M)', 0, 'probability', 'increase'],
    ['the increase of the probability, grey baseline (blend towards it)', 0.4, 'probability', 'increase'],
    ['softmax over channels of the logit (Algorithm 1, pytorch-grad-cam)', 0.4, 'logit', 'softmax'],
    ['softmax over channels of the probability', 0, 'probability', 'softmax'],
  ];
  it.each(cases)('%s', (_name, grey, score, weighting) => {
    const { model, dense, bias } = handModel();
    const images = randomImages(3, [4, 4, 1], 41, 0, 1);
    // The predicted classes, as the report explains: their masks mostly raise the score.
    const targets = [0, 1, 2].map((i) => {
      const p = forward(images.data.subarray(i * 16, (i + 1) * 16), dense, bias).probabilities;
      return p.indexOf(Math.max(...p));
    });
    const baseline = new Float32Array(16).fill(grey);
    const result = scoreCam(model, images, targets, { baseline, baselineName: 'grey', score, weighting, rowsPerPass: 4 });
    expect([result.method, result.layer, result.score, result.signed]).toEqual(['scoreCam', 'features', score, false]);
    // Channel 1 is dead (constant 0) on every image: 2 masks per image run.
    expect(result.settings).toEqual({ layer: 'features', baseline: 'grey', weighting, masks: 6 });
    let nonzero = 0;
    for (let i = 0; i < 3; i++) {
      const expected = scoreCamByHand(images.data.subarray(i * 16, (i + 1) * 16), baseline, targets[i]!, score, weighting, dense, bias);
      if (maxAbs(expected) > 1e-3) nonzero++;
      expect(maxAbsDiff(result.maps[i]!, expected) / Math.max(1, maxAbs(expected)), `image ${i}`).toBeLessThan(1e-5);
    }
    expect(nonzero).toBeGreaterThanOrEqual(2);
    model.dispose();
  });

  it('standardized inputs: masks blend towards the baseline in model units (black = −m/s), not towards 0 (which would be the mean colour)', () => {
    const { model, dense, bias } = handModel();
    const space = standardizeSpace([0.3], [0.2]);
    const baseline = baselineImage('black', space, [4, 4, 1]);
    expect(baseline[0]).toBeCloseTo(-1.5, 6);
    const images = randomImages(2, [4, 4, 1], 42, -1.5, 3.5);
    const result = scoreCam(model, images, [2, 0], { baseline });
    for (let i = 0; i < 2; i++) {
      const expected = scoreCamByHand(images.data.subarray(i * 16, (i + 1) * 16), baseline, [2, 0][i]!, 'probability', 'increase', dense, bias);
      expect(maxAbsDiff(result.maps[i]!, expected) / Math.max(1, maxAbs(expected)), `image ${i}`).toBeLessThan(1e-5);
    }
    model.dispose();
  });
});

describe('Score-CAM weights', () => {
  it('softmax weights are positive and sum to 1; they do not depend on the baseline’s score', () => {
    const s = [2.5, -1, 0.3, 7, 7];
    const w = scoreCamWeights(s, 123, 'softmax');
    expect(w.every((v) => v > 0)).toBe(true);
    expect(w.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(Array.from(w)).toEqual(Array.from(scoreCamWeights(s, -5, 'softmax')));
    // Shift-invariant (why Algorithm 1's "minus the baseline" cancels), and stable for large logits.
    const shifted = scoreCamWeights(s.map((v) => v + 900), 0, 'softmax');
    expect(maxAbsDiff(shifted, w)).toBeLessThan(1e-12);
    expect(w[3]).toBeCloseTo(Math.exp(7) / (Math.exp(2.5) + Math.exp(-1) + Math.exp(0.3) + 2 * Math.exp(7)), 12);
  });

  it('increase weights are the score minus the baseline’s: 0 for a channel whose masked image is the baseline', () => {
    expect(Array.from(scoreCamWeights([0.9, 0.2, 0.5], 0.5, 'increase'))).toEqual([0.9 - 0.5, 0.2 - 0.5, 0]);
  });
});

describe('Score-CAM on a residual network', () => {
  const SHAPE: [number, number, number] = [8, 8, 3];
  const black = baselineImage('black', rescaleSpace(3), SHAPE);

  it('batches (rows and images per pass) never change a map; maps are non-negative; nothing leaks', async () => {
    const { model } = await buildModel({ kind: 'preset', preset: 'resnet', width: 0.125 }, { inputShape: SHAPE, numClasses: 4, seeds: { init: 6, dropout: 7 } });
    perturbBiases(model, 8, 0.1);
    const images = randomImages(3, SHAPE, 51);
    const targets = [0, 3, 1];
    for (const weighting of ['increase', 'softmax'] as const) {
      let batched: ReturnType<typeof scoreCam> | undefined;
      expect(leaked(() => (batched = scoreCam(model, images, targets, { baseline: black, weighting, rowsPerPass: 7, batchSize: 2 })))).toBe(0);
      expect(batched!.layer).toBe('residual_6_out');
      expect(batched!.range.min).toBeGreaterThanOrEqual(0);
      expect(batched!.range.max).toBeGreaterThan(0);
      const wide = scoreCam(model, images, targets, { baseline: black, weighting, rowsPerPass: 1000 });
      expect(maxAbsDiff(wide.maps.flatMap((m) => Array.from(m)), batched!.maps.flatMap((m) => Array.from(m))) / batched!.range.max).toBeLessThan(1e-6);
      for (let i = 0; i < 3; i++) {
        const alone = scoreCam(model, sub(images, i), [targets[i]!], { baseline: black, weighting, rowsPerPass: 1 });
        const scale = Math.max(1e-12, maxAbs(batched!.maps[i]!));
        expect(maxAbsDiff(alone.maps[0]!, batched!.maps[i]!) / scale, `${weighting}, image ${i}`).toBeLessThan(1e-5);
      }
    }
    model.dispose();
  });

  it('no images: empty maps; a baseline of the wrong size is an error', async () => {
    const { model } = await buildModel({ kind: 'preset', preset: 'resnet', width: 0.125 }, { inputShape: SHAPE, numClasses: 4, seeds: { init: 6, dropout: 7 } });
    const none = scoreCam(model, imageBatch(new Float32Array(0), SHAPE), [], { baseline: black });
    expect([none.maps.length, none.targets.length, none.range]).toEqual([0, 0, { min: 0, max: 0 }]);
    expect(() => scoreCam(model, randomImages(1, SHAPE, 1), [0], { baseline: new Float32Array(10) })).toThrow('The baseline has 10 floats; one 8×8×3 image has 192.');
    model.dispose();
  });
});

describe('on wasm', () => {
  it('matches the cpu backend and frees every tensor', async () => {
    await useCpu();
    const model = perturbBiases(smallCnn([8, 8, 2], 'relu', 23));
    const images = randomImages(3, [8, 8, 2], 61);
    const baseline = baselineImage('black', rescaleSpace(2), [8, 8, 2]);
    const expected = scoreCam(model, images, [2, 0, 1], { baseline, rowsPerPass: 5 });
    await useWasm();
    let actual: ReturnType<typeof scoreCam> | undefined;
    expect(leaked(() => (actual = scoreCam(model, images, [2, 0, 1], { baseline, rowsPerPass: 5 })))).toBe(0);
    await useCpu();
    for (let i = 0; i < 3; i++) expect(maxAbsDiff(actual!.maps[i]!, expected.maps[i]!) / Math.max(1e-12, maxAbs(expected.maps[i]!)), `image ${i}`).toBeLessThan(1e-4);
    expect(expected.range.max).toBeGreaterThan(0);
    model.dispose();
  });
});

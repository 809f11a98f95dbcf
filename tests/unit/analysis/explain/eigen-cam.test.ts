/**
 * Eigen-CAM: the Jacobi eigensolver against hand-worked matrices and a power iteration written
 * here; the map against closed forms (rank-1 activations A = x·wᵀ project to ‖w‖·x; two objects
 * of different strength give the stronger one's mask) and against an independent float64
 * computation on a random network (activations from tfjs's own sub-model predict, first
 * direction by power iteration). Class-agnostic: every target gets the same map. Upsampled as
 * Grad-CAM's (one channel: Eigen-CAM is Grad-CAM rescaled). Batching invariance, no leaks.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eigenCam, firstComponentMap, topEigenvector } from '../../../../src/analysis/explain/eigen-cam.ts';
import { gradCam } from '../../../../src/analysis/explain/grad-cam.ts';
import { imageBatch } from '../../../../src/analysis/explain/images.ts';
import { layerByName } from '../../../../src/analysis/explain/layers.ts';
import { mulberry32 } from '../../../../src/lib/rng.ts';
import { buildModel } from '../../../../src/model/build.ts';
import { inRect, leaked, maxAbs, maxAbsDiff, randomImages, setWeights, smallCnn, sub, twoObjectModel, useCpu, useWasm } from './helpers.ts';

beforeAll(useCpu);
afterAll(useCpu);

/** Power iteration on a symmetric positive semi-definite matrix, in float64 (the independent oracle). */
function powerIteration(g: ArrayLike<number>, n: number, iterations = 2000): { value: number; vector: Float64Array } {
  let v = new Float64Array(n).fill(1 / Math.sqrt(n));
  let value = 0;
  for (let t = 0; t < iterations; t++) {
    const next = Float64Array.from({ length: n }, (_, r) => v.reduce((s, x, c) => s + g[r * n + c]! * x, 0));
    value = Math.hypot(...next);
    if (value === 0) break;
    v = next.map((x) => x / value);
  }
  return { value, vector: v };
}

/** Eigen-CAM of one image's activations (m positions × k channels) by power iteration on AᵀA: relu of the signed projection. */
function eigenCamByHand(a: ArrayLike<number>, m: number, k: number, center: boolean): Float64Array {
  const x = Float64Array.from(a);
  if (center) {
    for (let c = 0; c < k; c++) {
      let mean = 0;
      for (let p = 0; p < m; p++) mean += x[p * k + c]! / m;
      for (let p = 0; p < m; p++) x[p * k + c]! -= mean;
    }
  }
  const gram = Float64Array.from({ length: k * k }, (_, j) => {
    let s = 0;
    for (let p = 0; p < m; p++) s += x[p * k + Math.floor(j / k)]! * x[p * k + (j % k)]!;
    return s;
  });
  const { vector } = powerIteration(gram, k);
  const projection = Float64Array.from({ length: m }, (_, p) => vector.reduce((s, v, c) => s + v * x[p * k + c]!, 0));
  const flip = center ? Math.abs(Math.min(...projection)) > Math.max(...projection) : projection.reduce((s, v) => s + v, 0) < 0;
  return projection.map((v) => Math.max(0, flip ? -v : v));
}

describe('the first principal direction', () => {
  it('Jacobi rotations: hand-worked 2×2 and diagonal matrices, a zero matrix', () => {
    const a = topEigenvector([2, 1, 1, 2], 2);
    expect(a.value).toBeCloseTo(3, 12);
    expect(Math.abs(a.vector[0]!)).toBeCloseTo(Math.SQRT1_2, 12);
    expect(a.vector[0]! * a.vector[1]!).toBeCloseTo(0.5, 12);
    const d = topEigenvector([1, 0, 0, 0, 5, 0, 0, 0, 3], 3);
    expect([d.value, Math.abs(d.vector[1]!)]).toEqual([5, 1]);
    const z = topEigenvector(new Float64Array(9), 3);
    expect(z.value).toBe(0);
    expect(z.vector.every(Number.isFinite)).toBe(true);
  });

  it('Jacobi rotations agree with power iteration on a 30×30 Gram matrix', () => {
    const random = mulberry32(4);
    const x = Float64Array.from({ length: 40 * 30 }, () => random());
    const g = Float64Array.from({ length: 900 }, (_, j) => {
      let s = 0;
      for (let p = 0; p < 40; p++) s += x[p * 30 + Math.floor(j / 30)]! * x[p * 30 + (j % 30)]!;
      return s;
    });
    const jacobi = topEigenvector(g, 30);
    const power = powerIteration(g, 30);
    expect(Math.abs(jacobi.value - power.value) / power.value).toBeLessThan(1e-10);
    expect(Math.abs(jacobi.vector.reduce((s, v, i) => s + v * power.vector[i]!, 0))).toBeCloseTo(1, 10);
  });

  it('random activations with fewer positions than channels (AAᵀ) and more (AᵀA) agree with power iteration on AᵀA', () => {
    const random = mulberry32(6);
    for (const [m, k] of [[4, 32], [49, 16]] as const) {
      for (const center of [false, true]) {
        const a = Float64Array.from({ length: m * k }, () => Math.max(0, random() - 0.3));
        const ours = firstComponentMap(a, m, k, center).map((v) => Math.max(0, v));
        const oracle = eigenCamByHand(a, m, k, center);
        expect(maxAbs(oracle)).toBeGreaterThan(0.1);
        expect(maxAbsDiff(ours, oracle), `${m}×${k}, centred: ${center}`).toBeLessThan(1e-9);
      }
    }
  });

  it('rank-1 activations A = x·wᵀ project to ‖w‖·x, from either Gram matrix (positions ≤ or > channels); centred: ±‖w‖·(x − mean)', () => {
    const w = [1, 2, 0.5];
    const norm = Math.hypot(...w);
    for (const x of [[0.2, 0.9], [0.1, 0.7, 0.4, 0.3, 0.8]]) {
      const a = x.flatMap((v) => w.map((u) => v * u));
      expect(maxAbsDiff(firstComponentMap(a, x.length, 3), x.map((v) => norm * v))).toBeLessThan(1e-12);
      // Negated activations: the sign is chosen by the map, so the projection is still positive.
      expect(maxAbsDiff(firstComponentMap(a.map((v) => -v), x.length, 3), x.map((v) => norm * v))).toBeLessThan(1e-12);
    }
    const x = [0.1, 0.7, 0.4, 0.3, 0.8];
    const mean = 0.46;
    // Deviations −0.36 … +0.34: the largest magnitude is negative, so the sign flips.
    const centred = firstComponentMap(x.flatMap((v) => w.map((u) => v * u)), 5, 3, true);
    expect(maxAbsDiff(centred, x.map((v) => -norm * (v - mean)))).toBeLessThan(1e-12);
    expect(centred.reduce((s, v) => s + v, 0)).toBeCloseTo(0, 12);
  });
});

describe('Eigen-CAM maps', () => {
  /** input 4×4×1 → 1×1 conv (3 channels, weights 1, 2, 0.5, relu) → global average pooling → dense (2, softmax); stride 2 for one channel. */
  function rankOneModel(filters = 3, stride = 1, inputSize = 4): tf.LayersModel {
    const input = tf.input({ shape: [inputSize, inputSize, 1], name: 'image' });
    const features = tf.layers.conv2d({ name: 'features', filters, kernelSize: 1, strides: stride, activation: 'relu' });
    const head = tf.layers.dense({ name: 'logits', units: 2, activation: 'softmax' });
    const model = tf.model({ inputs: input, outputs: head.apply(tf.layers.globalAveragePooling2d({}).apply(features.apply(input))) as tf.SymbolicTensor });
    setWeights(features, [1, 2, 0.5].slice(0, filters), new Array(filters).fill(0));
    setWeights(head, [2, -1, 1, 1, -1, 3].slice(0, filters * 2), [0, 0]);
    return model;
  }

  it('rank-1 activations: ‖w‖·x, the same for every class (class-agnostic, targets recorded)', () => {
    const model = rankOneModel();
    const image = randomImages(1, [4, 4, 1], 8, 0.1, 1);
    const both = imageBatch(new Float32Array([...image.data, ...image.data]), [4, 4, 1]);
    const result = eigenCam(model, both, [0, 1]);
    expect([result.method, result.layer, result.signed, Array.from(result.targets)]).toEqual(['eigenCam', 'features', false, [0, 1]]);
    expect(result.settings).toEqual({ layer: 'features', target: 'none (class-agnostic)', centred: 'no' });
    const expected = Array.from(image.data, (v) => Math.hypot(1, 2, 0.5) * v);
    expect(maxAbsDiff(result.maps[0]!, expected)).toBeLessThan(1e-5);
    expect(result.maps[1]).toEqual(result.maps[0]);
    // Centred: the deviations from the mean, the largest one positive, rectified.
    const centred = eigenCam(model, image, [0], { center: true });
    expect(centred.settings.centred).toBe('yes');
    expect(maxAbsDiff(centred.maps[0]!, eigenCamByHand(Array.from(image.data, (v) => [v, 2 * v, 0.5 * v]).flat(), 16, 3, true))).toBeLessThan(1e-5);
    model.dispose();
  });

  it('two objects of different strength: the stronger object’s mask (AᵀA = diag(16, 4): the first direction is its channel)', () => {
    const model = twoObjectModel();
    const data = new Float32Array(8 * 8 * 2);
    for (let p = 0; p < 64; p++) {
      if (inRect(p, [0, 0, 3, 3])) data[p * 2] = 1;
      if (inRect(p, [4, 4, 7, 7])) data[p * 2 + 1] = 0.5;
    }
    const result = eigenCam(model, imageBatch(new Float32Array([...data, ...data]), [8, 8, 2]), [0, 1]);
    for (const map of result.maps) for (let p = 0; p < 64; p++) expect(map[p]).toBeCloseTo(inRect(p, [0, 0, 3, 3]) ? 1 : 0, 6);
    model.dispose();
  });

  it.each([false, true])('a random network’s first layer equals the float64 computation from tfjs’s own activations (centred: %s)', (center) => {
    const model = smallCnn([8, 8, 2], 'relu', 19);
    const layer = layerByName(model, 'conv2d_1', 'test');
    const images = randomImages(2, [8, 8, 2], 20);
    const result = eigenCam(model, images, [0, 2], { layer, center });
    const extractor = tf.model({ inputs: model.inputs, outputs: model.getLayer('conv2d_1').output as tf.SymbolicTensor });
    const a = tf.tidy(() => (extractor.predict(tf.tensor4d(images.data, [2, 8, 8, 2])) as tf.Tensor).dataSync());
    const k = layer.shape[2]!;
    for (let i = 0; i < 2; i++) {
      const expected = eigenCamByHand(a.subarray(i * 64 * k, (i + 1) * 64 * k), 64, k, center);
      expect(maxAbs(expected)).toBeGreaterThan(0.01);
      expect(maxAbsDiff(result.maps[i]!, expected) / maxAbs(expected), `image ${i}`).toBeLessThan(1e-5);
    }
    model.dispose();
  });

  it('is upsampled as Grad-CAM is: with one channel behind average pooling, Eigen-CAM = Grad-CAM · h′w′ / W', () => {
    const model = rankOneModel(1, 2, 8);
    const images = randomImages(2, [8, 8, 1], 10, 0.1, 1);
    const eigen = eigenCam(model, images, [0, 1]);
    const grad = gradCam(model, images, [0, 0]);
    // Grad-CAM's weight for class 0 is 2 / 16 (dense weight over the 4×4 positions).
    for (let i = 0; i < 2; i++) expect(maxAbsDiff(eigen.maps[i]!, grad.maps[i]!.map((v) => 8 * v))).toBeLessThan(1e-5);
    expect(eigen.range.max).toBeGreaterThan(0.1);
    model.dispose();
  });

  it('batches never change a map; non-negative; nothing leaks; no images: empty maps', async () => {
    const { model } = await buildModel({ kind: 'preset', preset: 'resnet', width: 0.125 }, { inputShape: [8, 8, 3], numClasses: 4, seeds: { init: 6, dropout: 7 } });
    const images = randomImages(3, [8, 8, 3], 52);
    let batched: ReturnType<typeof eigenCam> | undefined;
    expect(leaked(() => (batched = eigenCam(model, images, [0, 3, 1], { batchSize: 2 })))).toBe(0);
    expect(batched!.range.min).toBeGreaterThanOrEqual(0);
    expect(batched!.range.max).toBeGreaterThan(0);
    for (let i = 0; i < 3; i++) expect(maxAbsDiff(eigenCam(model, sub(images, i), [2]).maps[0]!, batched!.maps[i]!) / maxAbs(batched!.maps[i]!)).toBeLessThan(1e-6);
    const none = eigenCam(model, imageBatch(new Float32Array(0), [8, 8, 3]), []);
    expect([none.maps.length, none.targets.length, none.range]).toEqual([0, 0, { min: 0, max: 0 }]);
    model.dispose();
  });
});

describe('on wasm', () => {
  it('matches the cpu backend and frees every tensor', async () => {
    await useCpu();
    const model = smallCnn([8, 8, 2], 'relu', 23);
    const images = randomImages(3, [8, 8, 2], 61);
    const expected = eigenCam(model, images, [2, 0, 1]);
    await useWasm();
    let actual: ReturnType<typeof eigenCam> | undefined;
    expect(leaked(() => (actual = eigenCam(model, images, [2, 0, 1])))).toBe(0);
    await useCpu();
    for (let i = 0; i < 3; i++) expect(maxAbsDiff(actual!.maps[i]!, expected.maps[i]!) / Math.max(1e-12, maxAbs(expected.maps[i]!)), `image ${i}`).toBeLessThan(1e-4);
    expect(expected.range.max).toBeGreaterThan(0);
    model.dispose();
  });
});

/**
 * Top-activating images: a conv whose filters sum fixed regions (the ranking computed here in
 * plain JS from the pixels), the interior border rule, pre-activation reading, ties to the lower
 * index, batching and source invariance, agreement with the filter patterns' own objective, and
 * no tensor left behind.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { topActivatingImages, type ImageSource } from '../../../../src/analysis/explain/top-images.ts';
import { filterPatterns } from '../../../../src/analysis/explain/filter-patterns.ts';
import { layerByName } from '../../../../src/analysis/explain/layers.ts';
import { imageBatch, rescaleSpace } from '../../../../src/analysis/explain/images.ts';
import { leaked, perturbBiases, randomImages, setWeights, smallCnn, useCpu } from './helpers.ts';

beforeAll(useCpu);

const H = 12;

/**
 * 12×12×1 → conv "sum" 3×3 same, relu, two filters: filter 0 sums the 3×3 window (+0.5 bias),
 * filter 1 is minus the centre pixel → flatten → dense softmax. Filter 1's pre-activation is
 * never positive on [0, 1] images, so after the relu every image would tie at 0: only a
 * pre-activation reading ranks them.
 */
function regionSumModel(): tf.LayersModel {
  const input = tf.input({ shape: [H, H, 1] });
  const sum = tf.layers.conv2d({ name: 'sum', filters: 2, kernelSize: 3, padding: 'same', activation: 'relu' });
  const out = tf.layers.dense({ units: 2, activation: 'softmax' }).apply(tf.layers.flatten().apply(sum.apply(input))) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: out });
  const kernel = new Float32Array(9 * 2);
  for (let p = 0; p < 9; p++) kernel[p * 2] = 1;
  kernel[4 * 2 + 1] = -1;
  setWeights(sum, kernel, [0.5, 0]);
  return model;
}

/** The interior means of the two filters by hand: 3×3 sums with zero padding over rows/columns 2..9 (the 2-pixel border left out). */
function handMeans(image: Float32Array): [number, number] {
  let a = 0;
  let b = 0;
  const at = (y: number, x: number) => (y < 0 || y >= H || x < 0 || x >= H ? 0 : image[y * H + x]!);
  for (let y = 2; y < H - 2; y++) {
    for (let x = 2; x < H - 2; x++) {
      let s = 0.5;
      for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) s += at(y + dy, x + dx);
      a += s;
      b -= at(y, x);
    }
  }
  const n = (H - 4) * (H - 4);
  return [a / n, b / n];
}

/** Positions sorted by value, larger first, lower position first among equals. */
const ranking = (values: number[]) => values.map((v, i) => [v, i] as const).sort((p, q) => q[0] - p[0] || p[1] - q[1]).map(([, i]) => i);

describe('top-activating images', () => {
  it('rank images by the filter’s interior mean before the activation, as computed by hand', () => {
    const model = regionSumModel();
    const images = randomImages(40, [H, H, 1], 11);
    const layer = layerByName(model, 'sum', 'k');
    const [result] = topActivatingImages(model, images, [layer], { count: 2, top: 7, batchSize: 16 });
    const hand = Array.from({ length: 40 }, (_, i) => handMeans(images.data.subarray(i * H * H, (i + 1) * H * H)));
    expect(result).toMatchObject({ layer: 'sum', filters: [0, 1], preActivation: true, images: 40 });
    for (const f of [0, 1]) {
      const expected = ranking(hand.map((m) => m[f]!)).slice(0, 7);
      expect(Array.from(result!.indices[f]!)).toEqual(expected);
      expected.forEach((i, r) => expect(result!.values[f]![r]).toBeCloseTo(hand[i]![f]!, 4));
      expect(result!.mean[f]).toBeCloseTo(hand.reduce((s, m) => s + m[f]!, 0) / 40, 4);
    }
    // Filter 1 is −(centre pixel): the darkest images rank first, which a post-relu reading (all 0) could not tell.
    expect(result!.values[1]![0]).toBeLessThan(0);
    model.dispose();
  });

  it('breaks ties by the lower index; batching and reading from a source change nothing', () => {
    const model = regionSumModel();
    const images = randomImages(30, [H, H, 1], 5);
    const size = H * H;
    // Images 4, 9 and 22 are one bright image: equal means, the largest of the set.
    const bright = Float32Array.from({ length: size }, (_, p) => 0.9 + 0.1 * ((p * 7) % 3) / 2);
    for (const i of [22, 9, 4]) images.data.set(bright, i * size);
    const layer = layerByName(model, 'sum', 'k');
    const runs = [1, 7, 30, 256].map((batchSize) => topActivatingImages(model, images, [layer], { count: 2, top: 5, batchSize })[0]!);
    expect(Array.from(runs[0]!.indices[0]!.slice(0, 3))).toEqual([4, 9, 22]);
    expect(runs[0]!.values[0]![0]).toBe(runs[0]!.values[0]![2]);
    for (const r of runs.slice(1)) {
      expect(r.indices).toEqual(runs[0]!.indices);
      expect(r.values).toEqual(runs[0]!.values);
    }
    const source: ImageSource = { count: 30, shape: [H, H, 1], read: (s, e) => images.data.slice(s * size, e * size) };
    expect(topActivatingImages(model, source, [layer], { count: 2, top: 5, batchSize: 4 })[0]!.indices).toEqual(runs[0]!.indices);
    // More places than images: every image, ranked.
    expect(topActivatingImages(model, imageBatch(images.data.slice(0, 3 * size), [H, H, 1]), [layer], { count: 1, top: 9 })[0]!.indices[0]!.length).toBe(3);
    model.dispose();
  });

  it('scores on the filter patterns’ scale: a pattern scanned as an image gets its own final objective; every layer in one pass', () => {
    const model = perturbBiases(smallCnn([16, 16, 3], 'relu', 8));
    const layers = [layerByName(model, 'conv2d_1', 'k'), layerByName(model, 'activation_1', 'k')];
    const space = rescaleSpace(3);
    const patterns = layers.map((layer) => filterPatterns(model, layer, { count: 3, steps: 20, seed: 2, space }));
    // The set: 20 random images with the three patterns of the deeper layer appended (model units = raw here).
    const random = randomImages(20, [16, 16, 3], 3);
    const data = new Float32Array((20 + 3) * 768);
    data.set(random.data);
    patterns[1]!.raw.forEach((raw, k) => data.set(raw, (20 + k) * 768));
    const result = topActivatingImages(model, imageBatch(data, [16, 16, 3]), layers, { count: 3, top: 4, batchSize: 8 });
    expect(result.map((r) => [r.layer, r.preActivation])).toEqual([
      ['conv2d_1', true],
      ['activation_1', true],
    ]);
    for (let k = 0; k < 3; k++) {
      // Filter k's own pattern is its top image, at the value the ascent reported.
      expect(result[1]!.indices[k]![0]).toBe(20 + k);
      expect(result[1]!.values[k]![0]).toBeCloseTo(patterns[1]!.activationEnd[k]!, 4);
    }
    model.dispose();
  });

  it('leaves no tensor behind (the linear copy of a layer with a built-in activation included)', () => {
    const model = perturbBiases(smallCnn([8, 8, 2], 'relu', 3));
    const layers = [layerByName(model, 'conv2d_1', 'k'), layerByName(model, 'batch_norm_1', 'k')];
    const images = randomImages(9, [8, 8, 2], 1);
    topActivatingImages(model, images, layers, { count: 2, top: 3 });
    expect(leaked(() => topActivatingImages(model, images, layers, { count: 4, top: 3, batchSize: 4 }))).toBe(0);
    model.dispose();
  });
});

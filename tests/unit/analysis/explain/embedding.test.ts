/**
 * The 2-D feature map: penultimate features against a hand-computed hidden layer, PCA against
 * numpy's float64 SVD (tests/fixtures/explain/pca.json, scripts/fixtures/pca_reference.py) with
 * the sign convention, UMAP's determinism and its separation of clear clusters, the stratified
 * subset, the neighbour agreement on a hand example, and no tensor left behind.
 */
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { embed2d, embeddingImages, embeddingPoints, mapAgreement, neighbourAgreement, penultimateFeatures, principalAxes } from '../../../../src/analysis/explain/embedding.ts';
import { mulberry32, sampleNormal } from '../../../../src/lib/rng.ts';
import { leaked, randomImages, setWeights, smallCnn, useCpu } from './helpers.ts';

beforeAll(useCpu);

interface PcaCase {
  name: string;
  n: number;
  d: number;
  x: number[];
  axes: number[][];
  variance: number[];
  ratio: number[];
  projected: number[];
}
const fixture = JSON.parse(readFileSync(new URL('../../../fixtures/explain/pca.json', import.meta.url), 'utf8')) as { cases: PcaCase[] };

/** 2×2×1 images → flatten → dense "hidden" (3, relu) → dropout → dense (2, softmax), every weight set. */
function hiddenModel(ending: 'dense' | 'activation'): tf.LayersModel {
  const input = tf.input({ shape: [2, 2, 1] });
  const hidden = tf.layers.dense({ name: 'hidden', units: 3, activation: 'relu' });
  const head = tf.layers.dense({ name: 'head', units: 2, activation: ending === 'dense' ? 'softmax' : 'linear' });
  let out = head.apply(tf.layers.dropout({ rate: 0.5 }).apply(hidden.apply(tf.layers.flatten().apply(input)))) as tf.SymbolicTensor;
  if (ending === 'activation') out = tf.layers.activation({ activation: 'softmax' }).apply(out) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: out });
  setWeights(hidden, [1, 0, -1, 0, 1, 2, -1, 1, 0, 0.5, 0.5, 1], [0.1, -0.2, 0]);
  setWeights(head, [1, 0, 0, 1, 1, 1], [0, 0]);
  return model;
}

/** `perClass` points around each of `centres` (d-dimensional), N(0, σ²) noise, labels in class order. */
function blobs(centres: number[][], perClass: number, sigma: number, seed: number): { features: Float32Array; labels: number[] } {
  const d = centres[0]!.length;
  const random = mulberry32(seed);
  const features = new Float32Array(centres.length * perClass * d);
  const labels: number[] = [];
  centres.forEach((c, k) => {
    for (let i = 0; i < perClass; i++) {
      const row = (k * perClass + i) * d;
      for (let j = 0; j < d; j++) features[row + j] = c[j]! + sigma * sampleNormal(random);
      labels.push(k);
    }
  });
  return { features, labels };
}

describe('penultimate features', () => {
  it('are the final Dense layer’s input, as computed by hand; an Activation(softmax) ending is walked past', () => {
    const images = randomImages(5, [2, 2, 1], 4, -1, 1);
    const W = [
      [1, 0, -1],
      [0, 1, 2],
      [-1, 1, 0],
      [0.5, 0.5, 1],
    ];
    const b = [0.1, -0.2, 0];
    for (const ending of ['dense', 'activation'] as const) {
      const model = hiddenModel(ending);
      const result = penultimateFeatures(model, images, { batchSize: 2 });
      expect(result).toMatchObject({ layer: 'head', count: 5, dims: 3 });
      for (let i = 0; i < 5; i++) {
        for (let u = 0; u < 3; u++) {
          const z = b[u]! + [0, 1, 2, 3].reduce((s, p) => s + images.data[i * 4 + p]! * W[p]![u]!, 0);
          expect(result.features[i * 3 + u]).toBeCloseTo(Math.max(0, z), 5);
        }
      }
      model.dispose();
    }
  });

  it('pooling → softmax maps the scores the softmax reads; a model ending in neither is an error that says so; no tensor leaks', () => {
    const input = tf.input({ shape: [4, 4, 1] });
    const pooled = tf.layers.globalAveragePooling2d({ name: 'gap' }).apply(tf.layers.conv2d({ filters: 3, kernelSize: 1 }).apply(input)) as tf.SymbolicTensor;
    const out = tf.layers.activation({ activation: 'softmax', name: 'probs' }).apply(pooled) as tf.SymbolicTensor;
    const noDense = tf.model({ inputs: input, outputs: out });
    const small = randomImages(2, [4, 4, 1], 1);
    const scores = penultimateFeatures(noDense, small);
    expect([scores.layer, scores.dims]).toEqual(['probs', 3]);
    const x = tf.tensor4d(small.data, [2, 4, 4, 1]);
    const expected = tf.model({ inputs: input, outputs: pooled }).predict(x) as tf.Tensor;
    expect(Array.from(scores.features)).toEqual(Array.from(expected.dataSync()));
    tf.dispose([x, expected]);
    const bare = tf.model({ inputs: input, outputs: pooled });
    expect(() => penultimateFeatures(bare, small)).toThrow('The model ends in GlobalAveragePooling2D "gap", neither a Dense layer nor an activation: the embedding reads the input of the final layer.');
    noDense.dispose();
    const model = smallCnn([8, 8, 2]);
    const images = randomImages(7, [8, 8, 2], 2);
    penultimateFeatures(model, images);
    expect(leaked(() => penultimateFeatures(model, images, { batchSize: 3 }))).toBe(0);
    expect(penultimateFeatures(model, images).dims).toBe(6); // global average pooling of 6 channels
    model.dispose();
  });
});

describe('PCA', () => {
  it.each(fixture.cases.map((c) => [c.name, c] as const))('matches numpy’s float64 SVD with the sign convention (%s)', (_, c) => {
    const features = Float32Array.from(c.x);
    const { axes, variance, total } = principalAxes(features, c.n, c.d);
    for (let k = 0; k < 2; k++) {
      for (let j = 0; j < c.d; j++) expect(axes[k]![j]).toBeCloseTo(c.axes[k]![j]!, 8);
      expect(variance[k]! / c.variance[k]!).toBeCloseTo(1, 10);
    }
    expect(variance[0] / total).toBeCloseTo(c.ratio[0]!, 10);
    const map = embed2d({ features, dims: c.d }, 'pca', { seed: 1 });
    expect(map.explainedVariance![1]).toBeCloseTo(c.ratio[1]!, 10);
    for (let i = 0; i < c.n; i++) {
      expect(map.x[i]).toBeCloseTo(c.projected[i * 2]!, 7);
      expect(map.y[i]).toBeCloseTo(c.projected[i * 2 + 1]!, 7);
    }
  });

  it('the sign convention holds whatever the data’s orientation: negating the data negates the map only through the axes', () => {
    const c = fixture.cases[0]!;
    const negated = Float32Array.from(c.x, (v) => -v);
    const { axes } = principalAxes(negated, c.n, c.d);
    for (let k = 0; k < 2; k++) {
      const big = axes[k]!.reduce((b, v, j) => (Math.abs(v) > Math.abs(axes[k]![b]!) ? j : b), 0);
      expect(axes[k]![big]).toBeGreaterThan(0);
    }
    const map = embed2d({ features: negated, dims: c.d }, 'pca', { seed: 1 });
    // Same axes (sign fixed by the loadings), negated centred data: every coordinate flips.
    for (let i = 0; i < c.n; i++) expect(map.x[i]).toBeCloseTo(-c.projected[i * 2]!, 6);
  });
});

describe('UMAP', () => {
  const centres = Array.from({ length: 4 }, (_, k) => Array.from({ length: 16 }, (_, j) => (j % 4 === k ? 12 : 0)));

  it('is deterministic for a seed, and another seed gives another layout', () => {
    const { features } = blobs(centres, 20, 1, 3);
    const a = embed2d({ features, dims: 16 }, 'umap', { seed: 7, neighbors: 10, epochs: 60 });
    const b = embed2d({ features, dims: 16 }, 'umap', { seed: 7, neighbors: 10, epochs: 60 });
    const c = embed2d({ features, dims: 16 }, 'umap', { seed: 8, neighbors: 10, epochs: 60 });
    expect(Array.from(a.x)).toEqual(Array.from(b.x));
    expect(Array.from(a.y)).toEqual(Array.from(b.y));
    expect(Array.from(c.x)).not.toEqual(Array.from(a.x));
    expect(a.settings).toEqual({ neighbors: 10, minDist: 0.1, epochs: 60 });
  });

  it('keeps clearly separated clusters apart: the nearest-neighbour agreement is ~1, against chance for shuffled labels', () => {
    const { features, labels } = blobs(centres, 40, 1, 5);
    const map = embed2d({ features, dims: 16 }, 'umap', { seed: 1, neighbors: 15 });
    const points = embeddingPoints(map, labels.map((_, i) => 1000 + i), labels, labels);
    expect(mapAgreement(points)).toBeGreaterThanOrEqual(0.98);
    // In the features themselves too; and the same points with shuffled labels sit near chance (1/4).
    expect(neighbourAgreement(features, 16, labels)).toBe(1);
    const shuffled = labels.map((_, i) => (i * 7) % 4);
    expect(neighbourAgreement(features, 16, shuffled)).toBeLessThan(0.5);
    expect(points[3]).toMatchObject({ index: 1003, true: 0, predicted: 0, correct: true });
  });

  it('a set smaller than the neighbourhood still maps', () => {
    const { features } = blobs(centres.slice(0, 2), 3, 1, 2);
    const map = embed2d({ features, dims: 16 }, 'umap', { seed: 1 });
    expect(map.x).toHaveLength(6);
    expect(map.settings['neighbors']).toBe(5);
    expect(embed2d({ features: features.slice(0, 32), dims: 16 }, 'umap', { seed: 1 }).x).toEqual(Float64Array.from([0, 1]));
  });
});

describe('which images, and agreement', () => {
  it('a stratified subset in proportion to the classes, seeded; every image when the set is small enough', () => {
    const labels = Array.from({ length: 1000 }, (_, i) => (i < 500 ? 0 : i < 800 ? 1 : 2));
    const chosen = embeddingImages(labels, 100, 42);
    expect(chosen).toHaveLength(100);
    expect([0, 1, 2].map((k) => Array.from(chosen).filter((i) => labels[i] === k).length)).toEqual([50, 30, 20]);
    expect(Array.from(chosen)).toEqual([...chosen].sort((a, b) => a - b));
    expect(embeddingImages(labels, 100, 42)).toEqual(chosen);
    expect(embeddingImages(labels, 100, 43)).not.toEqual(chosen);
    expect(embeddingImages(labels, 5000, 42)).toHaveLength(1000);
  });

  it('counts the points whose nearest other point shares the label (ties to the lower position)', () => {
    // 1-D: 0 and 1 pair up (same label), 5 is nearest to 6 (other label), 6 is equidistant from 5 and 7 → 5 (lower position).
    expect(neighbourAgreement([0, 1, 5, 6, 7], 1, [0, 0, 0, 1, 1])).toBeCloseTo(3 / 5, 12);
    expect(neighbourAgreement([], 2, [])).toBe(0);
  });
});

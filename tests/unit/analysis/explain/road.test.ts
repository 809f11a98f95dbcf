/**
 * ROAD: the noise-free imputation against SciPy's direct sparse solve (fixture) and a dense
 * Gaussian elimination written here, its residual in the stated equations, the border weights by
 * hand; the noise drawn from the image's stream; the curves of a one-Dense-layer model computed
 * here in float64 (imputation by the dense solve, softmax by hand); batching, ties, leaks.
 */
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { imageBatch, rescaleSpace, standardizeSpace } from '../../../../src/analysis/explain/images.ts';
import { fillNormal, streamFor } from '../../../../src/analysis/explain/random.ts';
import { linearImputation, noisyLinearImputation, removedCount, road, roadRanks } from '../../../../src/analysis/explain/road.ts';
import { mulberry32 } from '../../../../src/lib/rng.ts';
import { leaked, maxAbsDiff, randomImages, setWeights, sub, useCpu } from './helpers.ts';

beforeAll(useCpu);

interface Case {
  name: string;
  shape: [number, number, number];
  image: number[];
  removed: number[];
  values: number[];
}
const reference = JSON.parse(readFileSync(new URL('../../../fixtures/explain/road_reference.json', import.meta.url), 'utf8')) as { cases: Case[] };

/** The weight of neighbour (dy, dx): 1/6 direct, 1/12 diagonal. */
const weight = (dy: number, dx: number) => (dy === 0 || dx === 0 ? 1 / 6 : 1 / 12);

/** The imputed image (float64) by dense Gaussian elimination with partial pivoting on the stated equations. */
function denseImpute(image: ArrayLike<number>, [h, w, c]: readonly [number, number, number], removed: ArrayLike<number>): Float64Array {
  const unknowns: number[] = [];
  for (let p = 0; p < h * w; p++) if (removed[p]) unknowns.push(p);
  const n = unknowns.length;
  const at = new Map(unknowns.map((p, k) => [p, k]));
  const a = Array.from({ length: n }, () => new Float64Array(n + c));
  unknowns.forEach((p, k) => {
    const y = Math.floor(p / w);
    const x = p % w;
    for (let dy = -1; dy <= 1; dy++) {
      for (let dx = -1; dx <= 1; dx++) {
        const yy = y + dy;
        const xx = x + dx;
        if ((dy === 0 && dx === 0) || yy < 0 || yy >= h || xx < 0 || xx >= w) continue;
        const q = yy * w + xx;
        a[k]![k]! += weight(dy, dx);
        if (at.has(q)) a[k]![at.get(q)!]! -= weight(dy, dx);
        else for (let ch = 0; ch < c; ch++) a[k]![n + ch]! += weight(dy, dx) * image[q * c + ch]!;
      }
    }
  });
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(a[r]![col]!) > Math.abs(a[pivot]![col]!)) pivot = r;
    [a[col], a[pivot]] = [a[pivot]!, a[col]!];
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const f = a[r]![col]! / a[col]![col]!;
      for (let j = col; j < n + c; j++) a[r]![j]! -= f * a[col]![j]!;
    }
  }
  const out = Float64Array.from(image);
  unknowns.forEach((p, k) => {
    for (let ch = 0; ch < c; ch++) out[p * c + ch] = a[k]![n + ch]! / a[k]![k]!;
  });
  return out;
}

/** The imputed image (float64) from linearImputation's values. */
function filled(image: ArrayLike<number>, shape: readonly [number, number, number], removed: ArrayLike<number>): Float64Array {
  const c = shape[2];
  const { pixels, values } = linearImputation(image, shape, removed);
  const out = Float64Array.from(image);
  pixels.forEach((p, k) => {
    for (let ch = 0; ch < c; ch++) out[p * c + ch] = values[k * c + ch]!;
  });
  return out;
}

/** Largest |W_i x_i − Σ_j w_ij x_j| over removed pixels i (x the full image, removed values imputed). */
function residual(x: ArrayLike<number>, [h, w, c]: readonly [number, number, number], removed: ArrayLike<number>): number {
  let worst = 0;
  for (let p = 0; p < h * w; p++) {
    if (!removed[p]) continue;
    const y = Math.floor(p / w);
    const xx0 = p % w;
    for (let ch = 0; ch < c; ch++) {
      let total = 0;
      let r = 0;
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const yy = y + dy;
          const xx = xx0 + dx;
          if ((dy === 0 && dx === 0) || yy < 0 || yy >= h || xx < 0 || xx >= w) continue;
          total += weight(dy, dx);
          r -= weight(dy, dx) * x[(yy * w + xx) * c + ch]!;
        }
      }
      worst = Math.max(worst, Math.abs(r + total * x[p * c + ch]!));
    }
  }
  return worst;
}

describe('noisy linear imputation', () => {
  it('equals SciPy’s direct sparse solve and satisfies every equation (border weights renormalized)', () => {
    for (const k of reference.cases) {
      const { pixels, values } = linearImputation(k.image, k.shape, k.removed);
      expect(pixels.length, k.name).toBe(k.removed.filter((v) => v === 1).length);
      expect(maxAbsDiff(values, k.values), k.name).toBeLessThan(1e-7);
      expect(residual(filled(k.image, k.shape, k.removed), k.shape, k.removed), k.name).toBeLessThan(1e-8);
    }
  });

  it('equals a dense Gaussian elimination on a 5×5 image and on random masks', () => {
    const five = reference.cases[0]!;
    expect(maxAbsDiff(filled(five.image, five.shape, five.removed), denseImpute(five.image, five.shape, five.removed))).toBeLessThan(1e-7);
    const random = mulberry32(11);
    for (const shape of [[6, 6, 1], [7, 5, 3], [4, 9, 2]] as [number, number, number][]) {
      for (const share of [0.1, 0.5, 0.9]) {
        const image = Float32Array.from({ length: shape[0] * shape[1] * shape[2] }, () => random());
        const removed = Uint8Array.from({ length: shape[0] * shape[1] }, () => (random() < share ? 1 : 0));
        if (removed.every((v) => v === 1)) removed[0] = 0;
        expect(maxAbsDiff(filled(image, shape, removed), denseImpute(image, shape, removed))).toBeLessThan(1e-7);
      }
    }
  });

  it('converges in few iterations on a large hole (the multigrid preconditioner works) and to the stated equations', () => {
    const shape: [number, number, number] = [64, 64, 2];
    const image = randomImages(1, shape, 6).data;
    const removed = Uint8Array.from({ length: 64 * 64 }, (_, p) => (Math.floor(p / 64) < 56 && p % 64 < 60 ? 1 : 0));
    const { iterations } = linearImputation(image, shape, removed);
    expect(iterations).toBeLessThan(30);
    expect(residual(filled(image, shape, removed), shape, removed)).toBeLessThan(1e-7);
  });

  it('a lone corner is (a/6 + b/6 + d/12) / (5/12); a lone edge pixel averages its 5 neighbours; a lone interior pixel its 8', () => {
    const image = Float32Array.from({ length: 16 }, (_, p) => (p * 7) % 11);
    const v = (y: number, x: number) => image[y * 4 + x]!;
    const one = (p: number) => Uint8Array.from({ length: 16 }, (_, q) => (q === p ? 1 : 0));
    expect(filled(image, [4, 4, 1], one(0))[0]).toBeCloseTo((v(0, 1) / 6 + v(1, 0) / 6 + v(1, 1) / 12) / (5 / 12), 12);
    expect(filled(image, [4, 4, 1], one(2))[2]).toBeCloseTo((v(0, 1) / 6 + v(0, 3) / 6 + v(1, 2) / 6 + v(1, 1) / 12 + v(1, 3) / 12) / (2 / 3), 12);
    const centre = (v(0, 1) + v(1, 0) + v(1, 2) + v(2, 1)) / 6 + (v(0, 0) + v(0, 2) + v(2, 0) + v(2, 2)) / 12;
    expect(filled(image, [4, 4, 1], one(5))[5]).toBeCloseTo(centre, 12);
  });

  it('adds N(0, σ_c²) to removed values only, drawn pixel-major from the stream', () => {
    const shape: [number, number, number] = [5, 6, 2];
    const image = randomImages(1, shape, 4).data;
    const removed = Uint8Array.from({ length: 30 }, (_, p) => (p % 3 === 0 ? 1 : 0));
    const plain = filled(image, shape, removed);
    const noisy = noisyLinearImputation(image, shape, removed, [0.5, 2], mulberry32(9));
    const draws = fillNormal(mulberry32(9), new Float32Array(20));
    let k = 0;
    for (let p = 0; p < 30; p++) {
      for (let ch = 0; ch < 2; ch++) {
        const i = p * 2 + ch;
        if (removed[p]) expect(noisy[i]).toBeCloseTo(plain[i]! + [0.5, 2][ch]! * draws[k++]!, 5);
        else expect(noisy[i]).toBe(image[i]);
      }
    }
    expect(k).toBe(20);
    expect(() => noisyLinearImputation(image, shape, removed, [0.5, 2])).toThrow(/random stream/);
  });

  it('ranks ties in a seeded random order, distinct values by value', () => {
    const ranks = roadRanks(new Float32Array([0.5, 2, 0.5, -1]), mulberry32(1));
    expect(ranks[1]).toBe(0);
    expect(ranks[3]).toBe(3);
    expect([ranks[0], ranks[2]].sort()).toEqual([1, 2]);
    const flat = new Float32Array(64);
    const a = roadRanks(flat, mulberry32(3));
    expect(Array.from(a)).toEqual(Array.from(roadRanks(flat, mulberry32(3))));
    expect([...a].sort((x, y) => x - y)).toEqual(Array.from({ length: 64 }, (_, i) => i));
    expect(Array.from(a)).not.toEqual(Array.from({ length: 64 }, (_, i) => i));
    expect([removedCount(0.1, 36), removedCount(0.5, 36), removedCount(0.99, 36), removedCount(0.9, 4)]).toEqual([4, 18, 35, 3]);
  });
});

/** 6×6×1 → flatten → dense(2, softmax): class 0 weights seeded in [−1, 1], class 1 zero; biases 0.1, 0. */
function linearModel(kernel0: Float32Array): tf.LayersModel {
  const input = tf.input({ shape: [6, 6, 1] });
  const dense = tf.layers.dense({ units: 2, activation: 'softmax' });
  const model = tf.model({ inputs: input, outputs: dense.apply(tf.layers.flatten().apply(input)) as tf.SymbolicTensor });
  setWeights(dense, Float32Array.from({ length: 72 }, (_, j) => (j % 2 === 0 ? kernel0[j / 2]! : 0)), [0.1, 0]);
  return model;
}

describe('road', () => {
  const random = mulberry32(21);
  const kernel0 = Float32Array.from({ length: 36 }, () => 2 * random() - 1);
  let model: tf.LayersModel;
  beforeAll(() => {
    model = linearModel(kernel0);
  });
  const images = randomImages(3, [6, 6, 1], 5);
  // Gradient × input of the class-0 logit difference: a faithful map for class 0.
  const maps = [0, 1, 2].map((i) => Float32Array.from({ length: 36 }, (_, p) => kernel0[p]! * images.data[i * 36 + p]!));
  const fractions = [0.25, 0.5, 0.75];

  it('gives the float64 probabilities of the imputed images, MoRF and LeRF, and the accuracies', () => {
    const labels = [0, 1, 0];
    const curves = road(model, images, [0, 0, 1], maps, { fractions, space: rescaleSpace(1), noise: 0, seed: 3, labels, rowsPerPass: 4 });
    expect(Array.from(curves.fractions)).toEqual(fractions.map(Math.fround));
    for (let i = 0; i < 3; i++) {
      const image = images.data.subarray(i * 36, (i + 1) * 36);
      const order = Array.from({ length: 36 }, (_, p) => p).sort((a, b) => maps[i]![b]! - maps[i]![a]!);
      fractions.forEach((f, k) => {
        const count = Math.round(f * 36);
        for (const [name, removedSet] of [['morf', order.slice(0, count)], ['lerf', order.slice(36 - count)]] as const) {
          const removed = Uint8Array.from({ length: 36 }, (_, p) => (removedSet.includes(p) ? 1 : 0));
          const x = denseImpute(image, [6, 6, 1], removed);
          const z = x.reduce((s, v, p) => s + kernel0[p]! * v, 0.1);
          const p0 = 1 / (1 + Math.exp(-z));
          const target = i === 2 ? 1 - p0 : p0;
          const curve = name === 'morf' ? curves.morf[i]! : curves.lerf[i]!;
          const correct = name === 'morf' ? curves.morfCorrect[i]! : curves.lerfCorrect[i]!;
          expect(curve[k]).toBeCloseTo(target, 5);
          expect(correct[k]).toBe((p0 >= 0.5 ? 0 : 1) === labels[i] ? 1 : 0);
        }
      });
      expect(curves.morfArea[i]).toBeCloseTo((curves.morf[i]![0]! + curves.morf[i]![1]! + curves.morf[i]![2]!) / 3, 6);
    }
    expect(curves.mean.morf[1]).toBeCloseTo((curves.morf[0]![1]! + curves.morf[1]![1]! + curves.morf[2]![1]!) / 3, 6);
    expect(curves.mean.lerfAccuracy[0]).toBeCloseTo((curves.lerfCorrect[0]![0]! + curves.lerfCorrect[1]![0]! + curves.lerfCorrect[2]![0]!) / 3, 6);
    // The faithful map for class 0: removing its top pixels hurts class 0 more than removing its bottom ones.
    expect(curves.morfArea[0]).toBeLessThan(curves.lerfArea[0]!);
    expect(curves.morfArea[1]).toBeLessThan(curves.lerfArea[1]!);
  });

  it('adds the authors’ noise (0.01 raw, scaled into model units); batching and ids never change a result', () => {
    const space = standardizeSpace([0.5], [0.25]);
    const options = { fractions, space, seed: 8, ids: [40, 41, 42] };
    const all = road(model, images, [0, 0, 0], maps, { ...options, rowsPerPass: 5 });
    const quiet = road(model, images, [0, 0, 0], maps, { ...options, noise: 0 });
    expect(all.noise).toBe(0.01);
    expect(maxAbsDiff(all.morf[0]!, quiet.morf[0]!)).toBeGreaterThan(1e-6);
    for (let i = 0; i < 3; i++) {
      const one = road(model, sub(images, i), [0], [maps[i]!], { ...options, ids: [40 + i], rowsPerPass: 64 });
      expect(Array.from(one.morf[0]!)).toEqual(Array.from(all.morf[i]!));
      expect(Array.from(one.lerf[0]!)).toEqual(Array.from(all.lerf[i]!));
    }
    // The noise of the first MoRF row is σ = 0.01 × scale = 0.04 per value: reproduce it from the stream.
    const stream = streamFor(8, 'road', 40);
    const ranks = roadRanks(maps[0]!, stream);
    const removed = Uint8Array.from(ranks, (r) => (r < 9 ? 1 : 0));
    const expected = noisyLinearImputation(images.data.subarray(0, 36), [6, 6, 1], removed, [0.04], stream);
    const z = expected.reduce((s, v, p) => s + kernel0[p]! * v, 0.1);
    expect(all.morf[0]![0]).toBeCloseTo(1 / (1 + Math.exp(-z)), 5);
  });

  it('checks its inputs and leaks no tensors', () => {
    expect(() => road(model, images, [0, 0, 0], maps, { fractions: [0, 0.5], space: rescaleSpace(1), seed: 1 })).toThrow(/strictly between 0 and 1/);
    expect(() => road(model, images, [0, 0, 0], maps.slice(1), { fractions, space: rescaleSpace(1), seed: 1 })).toThrow(/one 6×6 map per image/);
    expect(() => road(model, images, [0, 0, 0], maps, { fractions, space: rescaleSpace(3), seed: 1 })).toThrow(/3 channels/);
    expect(leaked(() => road(model, images, [0, 1, 0], maps, { fractions, space: rescaleSpace(1), seed: 1, rowsPerPass: 7 }))).toBe(0);
    expect(() => road(model, imageBatch(new Float32Array(36), [6, 6, 1]), [0], [new Float32Array(36)], { fractions: [0.5], space: rescaleSpace(1), seed: 1 })).not.toThrow();
  });
});

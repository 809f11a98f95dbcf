/**
 * The native FusedBatchNorm forward against the cpu backend: ranks 2-4, per-channel or single
 * parameters, with and without offset/scale, and layouts that must fall back to the stock kernel.
 */
import { describe, expect, it } from 'vitest';
import { liveCounts, maxRelativeError, mulberry32, pick, randomInt, randomValues, tf, useCpu, useWasm } from './helpers.ts';

const TOLERANCE = 1e-5;

interface Case {
  shape: number[];
  paramSize: 'channel' | 'single' | 'spatial';
  withOffset: boolean;
  withScale: boolean;
  eps: number;
}

function run(c: Case, seed: number): Float32Array {
  const random = mulberry32(seed);
  const C = c.shape[c.shape.length - 1]!;
  const pShape = c.paramSize === 'channel' ? [C] : c.paramSize === 'single' ? [1] : c.shape.slice(1);
  const pSize = pShape.reduce((p, q) => p * q, 1);
  return tf.tidy(() => {
    const x = tf.tensor(randomValues(random, c.shape.reduce((p, q) => p * q, 1)).map((v) => v * 3), c.shape);
    const mean = tf.tensor(randomValues(random, pSize), pShape);
    const variance = tf.tensor(randomValues(random, pSize).map((v) => v + 1.1), pShape);
    const offset = c.withOffset ? tf.tensor(randomValues(random, pSize), pShape) : undefined;
    const scale = c.withScale ? tf.tensor(randomValues(random, pSize).map((v) => v * 2), pShape) : undefined;
    return tf.batchNorm(x, mean, variance, offset, scale, c.eps).dataSync() as Float32Array;
  });
}

describe('FusedBatchNorm forward on wasm', () => {
  it('matches the cpu backend on 60 seeded random cases', async () => {
    const random = mulberry32(2468);
    let worst = 0;
    const kinds = new Set<string>();
    for (let i = 0; i < 60; i++) {
      const rank = pick(random, [2, 3, 4, 4]);
      const shape = Array.from({ length: rank }, (_, k) => (k === rank - 1 ? pick(random, [1, 3, 4, 5, 8, 16]) : randomInt(random, 1, 6)));
      const c: Case = {
        shape,
        paramSize: pick(random, ['channel', 'channel', 'single', 'spatial'] as const),
        withOffset: random() < 0.7,
        withScale: random() < 0.7,
        eps: pick(random, [1e-3, 1e-5]),
      };
      await useCpu();
      const expected = run(c, i);
      await useWasm();
      const actual = run(c, i);
      const err = maxRelativeError(actual, expected);
      worst = Math.max(worst, err);
      kinds.add(c.paramSize);
      expect(err, JSON.stringify(c)).toBeLessThan(TOLERANCE);
    }
    console.log(`FusedBatchNorm forward max relative error vs cpu: ${worst.toExponential(2)}`);
    expect(kinds.size).toBe(3); // native (channel, single) and stock (spatial) routes
  });

  it('runs tfjs-layers batch norm in inference mode like cpu and frees every intermediate', async () => {
    const build = (): tf.Sequential => {
      const model = tf.sequential();
      model.add(tf.layers.batchNormalization({ inputShape: [5, 6, 8] }));
      const random = mulberry32(9);
      model.setWeights(model.getWeights().map((w, k) => tf.tensor(randomValues(random, w.size).map((v) => (k === 3 ? v + 1.5 : v)), w.shape)));
      return model;
    };
    const x = randomValues(mulberry32(10), 3 * 5 * 6 * 8);
    const predict = (model: tf.Sequential): Float32Array => tf.tidy(() => (model.predict(tf.tensor4d(x, [3, 5, 6, 8])) as tf.Tensor).dataSync() as Float32Array);
    await useCpu();
    const cpuModel = build();
    const expected = predict(cpuModel);
    cpuModel.dispose();
    await useWasm();
    const model = build();
    expect(maxRelativeError(predict(model), expected)).toBeLessThan(TOLERANCE);
    const before = liveCounts();
    for (let i = 0; i < 3; i++) predict(model);
    expect(liveCounts()).toEqual(before);
    model.dispose();
  });
});

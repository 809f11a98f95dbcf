import { describe, expect, it } from 'vitest';
import { liveCounts, maxRelativeError, mulberry32, randomInt, randomValues, tf, useCpu, useWasm } from './helpers.ts';

const TOLERANCE = 1e-5;

function run(op: 'sum' | 'mean', values: Float32Array, shape: number[], axis: number[], keepDims: boolean): Float32Array {
  return tf.tidy(() => tf[op](tf.tensor(values, shape), axis, keepDims).dataSync() as Float32Array);
}

describe('Sum and Mean over leading axes on wasm', () => {
  it('match the cpu backend on 80 seeded random shapes (leading axes on the fast path, others on stock)', async () => {
    const random = mulberry32(99001);
    let worst = 0;
    for (let i = 0; i < 80; i++) {
      const rank = randomInt(random, 1, 4);
      const shape = Array.from({ length: rank }, () => randomInt(random, 1, 9));
      // Mostly leading axes (the fast path); every fourth case a different pattern (stock fallback).
      const k = randomInt(random, 1, rank);
      const axis = i % 4 === 3 ? [rank - 1] : Array.from({ length: k }, (_, j) => (i % 2 === 0 ? j : k - 1 - j));
      const keepDims = random() < 0.3;
      const op = i % 2 === 0 ? 'sum' : 'mean';
      const values = randomValues(random, shape.reduce((a, b) => a * b));
      await useCpu();
      const expected = run(op, values, shape, axis, keepDims);
      await useWasm();
      const actual = run(op, values, shape, axis, keepDims);
      const err = maxRelativeError(actual, expected);
      worst = Math.max(worst, err);
      expect(err, JSON.stringify({ op, shape, axis, keepDims })).toBeLessThan(TOLERANCE);
    }
    console.log(`Sum/Mean max relative error vs cpu: ${worst.toExponential(2)}`);
  });

  it('sum a full batch-norm-sized tensor like cpu and free every intermediate', async () => {
    const shape = [64, 28, 28, 16];
    const values = randomValues(mulberry32(3), shape.reduce((a, b) => a * b));
    await useCpu();
    const expected = [run('sum', values, shape, [0, 1, 2], false), run('mean', values, shape, [0, 1, 2], true)];
    await useWasm();
    const actual = [run('sum', values, shape, [0, 1, 2], false), run('mean', values, shape, [0, 1, 2], true)];
    for (let i = 0; i < 2; i++) expect(maxRelativeError(actual[i]!, expected[i]!)).toBeLessThan(TOLERANCE);
    const x = tf.tensor(values, shape);
    const once = (): void => tf.dispose([tf.sum(x, [0, 1, 2]), tf.mean(x, [0, 1], true)]);
    once();
    const before = liveCounts();
    for (let i = 0; i < 3; i++) once();
    expect(liveCounts()).toEqual(before);
    x.dispose();
  });
});

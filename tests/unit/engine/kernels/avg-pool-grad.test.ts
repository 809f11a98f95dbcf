/** The native AvgPoolGrad against the cpu backend: bit-identical on seeded random shapes. */
import { describe, expect, it } from 'vitest';
import { liveCounts, maxRelativeError, mulberry32, pick, randomInt, randomValues, tf, useCpu, useWasm } from './helpers.ts';

interface Case {
  x: [number, number, number, number];
  filterSize: [number, number];
  strides: [number, number];
  pad: 'same' | 'valid' | number;
}

function runGrad(c: Case, seed: number): Float32Array {
  return tf.tidy(() => {
    const x = tf.zeros(c.x);
    const outShape = tf.backend_util.computePool2DInfo(c.x, c.filterSize, c.strides, 1, c.pad).outShape;
    const dy = tf.tensor(randomValues(mulberry32(seed), outShape.reduce((p, q) => p * q, 1)), outShape);
    const attrs = { filterSize: c.filterSize, strides: c.strides, pad: c.pad };
    return (tf.engine().runKernel('AvgPoolGrad', { dy, input: x }, attrs as never) as tf.Tensor).dataSync() as Float32Array;
  });
}

describe('AvgPoolGrad on wasm', () => {
  it('matches the cpu backend bit for bit on 60 seeded random shapes', async () => {
    const random = mulberry32(2718);
    let tested = 0;
    for (let i = 0; i < 60; i++) {
      const c: Case = {
        x: [randomInt(random, 1, 3), randomInt(random, 3, 13), randomInt(random, 3, 13), pick(random, [1, 3, 4, 5, 8, 16])],
        filterSize: pick(random, [[2, 2], [3, 3], [2, 3], [1, 1]] as [number, number][]),
        strides: pick(random, [[2, 2], [1, 1], [3, 3], [2, 1]] as [number, number][]),
        pad: pick(random, ['same', 'valid', 0, 1] as const),
      };
      if (typeof c.pad === 'number' && c.pad >= Math.min(...c.filterSize)) c.pad = 0;
      let valid = true;
      try {
        valid = tf.backend_util.computePool2DInfo(c.x, c.filterSize, c.strides, 1, c.pad).outShape.every((d) => d > 0);
      } catch {
        valid = false;
      }
      if (!valid) continue;
      await useCpu();
      const expected = runGrad(c, i);
      await useWasm();
      const actual = runGrad(c, i);
      expect(maxRelativeError(actual, expected), JSON.stringify(c)).toBe(0);
      tested++;
    }
    console.log(`AvgPoolGrad: bit-identical to cpu on ${tested} shapes`);
    expect(tested).toBeGreaterThan(40);
  });

  it('trains through tf.grad of avgPool and frees every intermediate', async () => {
    await useWasm();
    const x = tf.tensor4d(randomValues(mulberry32(4), 2 * 8 * 8 * 4), [2, 8, 8, 4]);
    const g = tf.grad((a: tf.Tensor) => tf.sum(tf.avgPool(a as tf.Tensor4D, 2, 2, 'same')));
    const once = (): Float32Array => {
      const t = g(x);
      const v = t.dataSync() as Float32Array;
      t.dispose();
      return v;
    };
    expect(Array.from(once()).every((v) => v === 0.25)).toBe(true);
    const before = liveCounts();
    for (let i = 0; i < 3; i++) once();
    expect(liveCounts()).toEqual(before);
    x.dispose();
  });
});

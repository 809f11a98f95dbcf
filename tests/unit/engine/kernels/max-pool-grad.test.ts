import { describe, expect, it } from 'vitest';
import { liveCounts, maxRelativeError, mulberry32, pick, randomInt, randomValues, tf, useCpu, useWasm } from './helpers.ts';

type Pad = 'same' | 'valid' | number;
interface Case {
  x: [number, number, number, number];
  filterSize: [number, number];
  strides: [number, number];
  pad: Pad;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

function randomCase(random: () => number): Case {
  const f = pick(random, [[2, 2], [3, 3], [2, 3], [1, 1], [4, 4]] as [number, number][]);
  const s = pick(random, [[2, 2], [1, 1], [3, 3], [2, 1]] as [number, number][]);
  const c: Case = {
    x: [randomInt(random, 1, 3), randomInt(random, 4, 13), randomInt(random, 4, 13), randomInt(random, 1, 9)],
    filterSize: f,
    strides: s,
    pad: pick(random, ['same', 'valid', 'number'] as const) as Pad,
  };
  if (c.pad === ('number' as Pad)) {
    c.pad = randomInt(random, 0, Math.min(f[0], f[1]) - 1);
    c.dimRoundingMode = pick(random, ['floor', 'round', 'ceil'] as const);
  }
  return c;
}

/** Values with deliberate ties (a coarse grid), a few -Infinity and NaN. */
function poolValues(random: () => number, size: number, special: boolean): Float32Array {
  const v = randomValues(random, size).map((x) => Math.round(x * 4) / 4);
  if (special) for (let i = 0; i < size; i++) if (random() < 0.05) v[i] = random() < 0.5 ? -Infinity : NaN;
  return v;
}

function runGrad(c: Case, x: Float32Array, dySeed: number): Float32Array {
  return tf.tidy(() => {
    const xt = tf.tensor4d(x, c.x);
    // Neither backend's MaxPoolGrad reads the forward output, so a placeholder of its shape is
    // passed: the stock wasm forward MaxPool writes out of bounds for explicit padding with
    // dimRoundingMode 'ceil' (a tfjs-backend-wasm 4.22 bug), which would corrupt the heap here.
    const outShape = tf.backend_util.computePool2DInfo(c.x, c.filterSize, c.strides, 1, c.pad, c.dimRoundingMode).outShape;
    const y = tf.zeros(outShape);
    const dy = tf.tensor(randomValues(mulberry32(dySeed), y.size), y.shape);
    const attrs = { filterSize: c.filterSize, strides: c.strides, pad: c.pad, dimRoundingMode: c.dimRoundingMode };
    return (tf.engine().runKernel('MaxPoolGrad', { dy, input: xt, output: y }, attrs as never) as tf.Tensor).dataSync() as Float32Array;
  });
}

function validShape(c: Case): boolean {
  try {
    return tf.backend_util.computePool2DInfo(c.x, c.filterSize, c.strides, 1, c.pad, c.dimRoundingMode).outShape.every((d) => d > 0);
  } catch {
    return false;
  }
}

describe('MaxPoolGrad on wasm', () => {
  it('matches the cpu backend exactly on 80 seeded random shapes, with ties, -Infinity and NaN', async () => {
    const random = mulberry32(5151);
    let worst = 0;
    let tested = 0;
    for (let i = 0; i < 80; i++) {
      const c = randomCase(random);
      if (!validShape(c)) continue;
      const x = poolValues(random, c.x.reduce((a, b) => a * b), i % 4 === 0);
      await useCpu();
      const expected = runGrad(c, x, i);
      await useWasm();
      const actual = runGrad(c, x, i);
      const err = maxRelativeError(actual, expected);
      worst = Math.max(worst, err);
      tested++;
      expect(err, JSON.stringify(c)).toBe(0);
    }
    console.log(`MaxPoolGrad max relative error vs cpu over ${tested} shapes: ${worst}`);
    expect(tested).toBeGreaterThan(50);
  });

  it('trains through tf.grad of maxPool and frees every intermediate', async () => {
    await useWasm();
    for (const [f, s] of [[2, 2], [3, 1]] as const) {
      const x = tf.tensor4d(randomValues(mulberry32(f), 2 * 8 * 8 * 3), [2, 8, 8, 3]);
      const g = tf.grad((a: tf.Tensor) => tf.sum(tf.maxPool(a as tf.Tensor4D, f, s, 'same')));
      g(x).dispose();
      const before = liveCounts();
      for (let i = 0; i < 3; i++) g(x).dispose();
      expect(liveCounts()).toEqual(before);
      x.dispose();
    }
  });
});

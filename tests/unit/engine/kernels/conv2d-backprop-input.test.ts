import { describe, expect, it } from 'vitest';
import { liveCounts, maxRelativeError, mulberry32, pick, randomInt, randomValues, tf, useCpu, useWasm } from './helpers.ts';

type Pad = 'same' | 'valid' | number | [[number, number], [number, number], [number, number], [number, number]];
interface Case {
  x: [number, number, number, number];
  filter: [number, number, number, number];
  strides: [number, number];
  pad: Pad;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

const TOLERANCE = 1e-4;

function randomCase(random: () => number): Case {
  const [kh, kw] = pick(random, [[1, 1], [3, 3], [5, 5], [2, 3]] as [number, number][]);
  // Stride 1 takes the forward-conv route; other strides (and paddings beyond the filter) the native gather.
  const strides = pick(random, [[1, 1], [1, 1], [2, 2], [2, 2], [3, 3], [2, 1], [1, 2]] as [number, number][]);
  const c: Case = {
    x: [randomInt(random, 1, 4), randomInt(random, Math.max(5, kh), 17), randomInt(random, Math.max(5, kw), 17), pick(random, [1, 2, 3, 4, 5, 8, 12, 16])],
    filter: [kh, kw, 0, pick(random, [1, 3, 4, 8, 16])],
    strides,
    pad: 'same',
  };
  c.filter[2] = c.x[3];
  const kind = pick(random, ['same', 'valid', 'explicit', 'number']);
  if (kind === 'same' || kind === 'valid') c.pad = kind;
  else if (kind === 'explicit') {
    // Up to 6 so that some paddings exceed the filter (negative transposed padding: the gather route).
    c.pad = [[0, 0], [randomInt(random, 0, 6), randomInt(random, 0, 2)], [randomInt(random, 0, 2), randomInt(random, 0, 3)], [0, 0]];
  } else {
    c.pad = randomInt(random, 0, 2);
    c.dimRoundingMode = pick(random, ['floor', 'round', 'ceil'] as const);
  }
  return c;
}

function outShape(c: Case): number[] {
  return tf.backend_util.computeConv2DInfo(c.x, c.filter, c.strides, 1, c.pad, c.dimRoundingMode).outShape;
}

function runBackpropInput(c: Case, dy: Float32Array, w: Float32Array): Float32Array {
  return tf.tidy(() => {
    const dyt = tf.tensor(dy, outShape(c));
    const wt = tf.tensor4d(w, c.filter);
    const attrs = { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', dimRoundingMode: c.dimRoundingMode, inputShape: c.x };
    return (tf.engine().runKernel('Conv2DBackpropInput', { dy: dyt, filter: wt }, attrs as never) as tf.Tensor).dataSync() as Float32Array;
  });
}

describe('Conv2DBackpropInput on wasm', () => {
  it('matches the cpu backend on 80 seeded random shapes', async () => {
    const random = mulberry32(424242);
    let worst = 0;
    let tested = 0;
    for (let i = 0; i < 80; i++) {
      const c = randomCase(random);
      if (outShape(c).some((d) => d <= 0)) continue;
      const dy = randomValues(random, outShape(c).reduce((a, b) => a * b));
      const w = randomValues(random, c.filter.reduce((a, b) => a * b));
      await useCpu();
      const expected = runBackpropInput(c, dy, w);
      await useWasm();
      const actual = runBackpropInput(c, dy, w);
      const err = maxRelativeError(actual, expected);
      worst = Math.max(worst, err);
      tested++;
      expect(err, JSON.stringify(c)).toBeLessThan(TOLERANCE);
    }
    console.log(`Conv2DBackpropInput max relative error vs cpu over ${tested} shapes: ${worst.toExponential(2)}`);
    expect(tested).toBeGreaterThan(60);
  });

  it('frees every intermediate, on both the direct route and the fallback', async () => {
    await useWasm();
    for (const strides of [1, 2]) {
      const dy = tf.tensor4d(randomValues(mulberry32(strides), 2 * 8 * 8 * 4), [2, 8, 8, 4]);
      const w = tf.tensor4d(randomValues(mulberry32(9), 3 * 3 * 3 * 4), [3, 3, 3, 4]);
      const inputShape = strides === 1 ? [2, 8, 8, 3] : [2, 16, 16, 3];
      const attrs = { strides, pad: 'same', dataFormat: 'NHWC', inputShape };
      const once = (): void => (tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: w }, attrs as never) as tf.Tensor).dispose();
      once();
      const before = liveCounts();
      for (let i = 0; i < 3; i++) once();
      expect(liveCounts()).toEqual(before);
      tf.dispose([dy, w]);
    }
  });
});

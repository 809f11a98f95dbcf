import { describe, expect, it } from 'vitest';
import { setWinograd } from '../../../../src/engine/kernels/conv2d.ts';
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
  const kernels: [number, number][] = [[1, 1], [3, 3], [5, 5], [2, 3]];
  const [kh, kw] = pick(random, kernels);
  const h = randomInt(random, Math.max(5, kh), 17);
  const w = randomInt(random, Math.max(5, kw), 17);
  // Channel counts around the native kernel's 4-row x 8-channel register blocks and their tails.
  const cin = pick(random, [1, 2, 3, 4, 5, 7, 8, 16]);
  const cout = pick(random, [1, 2, 3, 4, 5, 8, 12, 16, 20]);
  const s = pick(random, [1, 2]);
  const strides: [number, number] = random() < 0.2 ? [s, 3 - s] : [s, s];
  const kind = pick(random, ['same', 'valid', 'explicit', 'number']);
  const c: Case = { x: [randomInt(random, 1, 4), h, w, cin], filter: [kh, kw, cin, cout], strides, pad: 'same' };
  if (kind === 'same' || kind === 'valid') c.pad = kind;
  else if (kind === 'explicit') {
    c.pad = [[0, 0], [randomInt(random, 0, 2), randomInt(random, 0, 2)], [randomInt(random, 0, 2), randomInt(random, 0, 2)], [0, 0]];
  } else {
    c.pad = randomInt(random, 0, 2);
    c.dimRoundingMode = pick(random, ['floor', 'round', 'ceil'] as const);
  }
  return c;
}

function outShape(c: Case): number[] {
  const info = tf.backend_util.computeConv2DInfo(c.x, c.filter, c.strides, 1, c.pad, c.dimRoundingMode);
  return info.outShape;
}

function runBackpropFilter(c: Case, x: Float32Array, dy: Float32Array): Float32Array {
  return tf.tidy(() => {
    const xt = tf.tensor4d(x, c.x);
    const dyt = tf.tensor(dy, outShape(c));
    const attrs = { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', dimRoundingMode: c.dimRoundingMode, filterShape: c.filter };
    const dw = tf.engine().runKernel('Conv2DBackpropFilter', { x: xt, dy: dyt }, attrs as never) as tf.Tensor;
    return dw.dataSync() as Float32Array;
  });
}

describe('Conv2DBackpropFilter on wasm', () => {
  it.each([
    ['seed 1', 0],
    ['seed 2', 1],
  ])('matches the cpu backend on 60 seeded random shapes (%s)', async (_label, seed) => {
    const random = mulberry32(20240611 + seed);
    let worst = 0;
    let worstCase: Case | undefined;
    for (let i = 0; i < 60; i++) {
      const c = randomCase(random);
      if (outShape(c).some((d) => d <= 0)) continue;
      const x = randomValues(random, c.x.reduce((a, b) => a * b));
      const dy = randomValues(random, outShape(c).reduce((a, b) => a * b));
      await useCpu();
      const expected = runBackpropFilter(c, x, dy);
      await useWasm();
      const actual = runBackpropFilter(c, x, dy);
      const err = maxRelativeError(actual, expected);
      if (err > worst || Number.isNaN(err)) [worst, worstCase] = [err, c];
      expect(err, JSON.stringify(c)).toBeLessThan(TOLERANCE);
    }
    console.log(`Conv2DBackpropFilter max relative error vs cpu: ${worst.toExponential(2)} (${JSON.stringify(worstCase)})`);
  });

  it.each([
    ['Winograd', true],
    ['direct', false],
  ])('matches cpu on 30 seeded 3x3 stride-1 cases with channels divisible by 4 (%s route)', async (_label, wino) => {
    const previous = setWinograd(wino);
    const random = mulberry32(777 + Number(wino));
    let worst = 0;
    try {
      for (let i = 0; i < 30; i++) {
        const cin = pick(random, [4, 8, 12, 16, 32]);
        const c: Case = {
          x: [randomInt(random, 1, 4), randomInt(random, 1, 13), randomInt(random, 1, 13), cin],
          filter: [3, 3, cin, pick(random, [4, 8, 12, 16, 20, 32])],
          strides: [1, 1],
          pad: pick(random, ['same', 'same', 'valid', 1, 2] as const),
        };
        if (random() < 0.25) c.pad = [[0, 0], [randomInt(random, 0, 2), randomInt(random, 0, 2)], [randomInt(random, 0, 2), randomInt(random, 0, 2)], [0, 0]];
        if (outShape(c).some((d) => d <= 0)) continue;
        const x = randomValues(random, c.x.reduce((a, b) => a * b));
        const dy = randomValues(random, outShape(c).reduce((a, b) => a * b));
        await useCpu();
        const expected = runBackpropFilter(c, x, dy);
        await useWasm();
        const actual = runBackpropFilter(c, x, dy);
        const err = maxRelativeError(actual, expected);
        worst = Math.max(worst, err);
        expect(err, JSON.stringify(c)).toBeLessThan(TOLERANCE);
      }
    } finally {
      setWinograd(previous);
    }
    console.log(`Conv2DBackpropFilter 3x3 stride 1 (${_label}) max relative error vs cpu: ${worst.toExponential(2)}`);
  });

  it('matches cpu on a resnet-w16 layer whose sums have 65k terms (64x32x32x16 -> 16, Winograd route)', async () => {
    const c: Case = { x: [64, 32, 32, 16], filter: [3, 3, 16, 16], strides: [1, 1], pad: 'same' };
    const random = mulberry32(70);
    const x = randomValues(random, 64 * 32 * 32 * 16);
    const dy = randomValues(random, 64 * 32 * 32 * 16);
    await useCpu();
    const expected = runBackpropFilter(c, x, dy);
    await useWasm();
    const actual = runBackpropFilter(c, x, dy);
    const scale = expected.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    const err = maxRelativeError(actual.map((v) => v / scale), expected.map((v) => v / scale));
    console.log(`Conv2DBackpropFilter (65k-term sums, Winograd) max error / max|dW|: ${err.toExponential(2)}`);
    expect(err).toBeLessThan(TOLERANCE);
  });

  it('matches cpu on a full-size batch whose sums have 50k terms (64x28x28x1 -> 8)', async () => {
    const c: Case = { x: [64, 28, 28, 1], filter: [3, 3, 1, 8], strides: [1, 1], pad: 'same' };
    const random = mulberry32(7);
    const x = randomValues(random, 64 * 28 * 28);
    const dy = randomValues(random, 64 * 28 * 28 * 8);
    await useCpu();
    const expected = runBackpropFilter(c, x, dy);
    await useWasm();
    const actual = runBackpropFilter(c, x, dy);
    // Sums of 50k products: compare relative to the largest magnitude, not per element.
    const scale = Math.max(...Array.from(expected, Math.abs));
    const err = maxRelativeError(actual.map((v) => v / scale), expected.map((v) => v / scale));
    console.log(`Conv2DBackpropFilter (50k-term sums) max error / max|dW|: ${err.toExponential(2)}`);
    expect(err).toBeLessThan(TOLERANCE);
  });

  it('is registered on wasm and frees every intermediate', async () => {
    await useWasm();
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined();
    const c: Case = { x: [2, 9, 7, 3], filter: [3, 3, 3, 4], strides: [2, 2], pad: 'same' };
    const x = tf.tensor4d(randomValues(mulberry32(1), 2 * 9 * 7 * 3), c.x);
    const dy = tf.tensor4d(randomValues(mulberry32(2), 2 * 5 * 4 * 4), [2, 5, 4, 4]);
    const attrs = { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', filterShape: c.filter };
    const once = (): void => (tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, attrs as never) as tf.Tensor).dispose();
    once();
    const before = liveCounts();
    for (let i = 0; i < 3; i++) once();
    expect(liveCounts()).toEqual(before);
    tf.dispose([x, dy]);
  });
});

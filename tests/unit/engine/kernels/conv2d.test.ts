/**
 * The native forward convolution (Conv2D and FusedConv2D) against the cpu backend on seeded
 * random shapes, strides, paddings, biases and activations, plus the stock fallbacks
 * (dilation > 1, prelu).
 */
import { describe, expect, it } from 'vitest';
import { liveCounts, maxRelativeError, mulberry32, pick, randomInt, randomValues, tf, useCpu, useWasm } from './helpers.ts';

type Pad = 'same' | 'valid' | number | [[number, number], [number, number], [number, number], [number, number]];
interface Case {
  x: [number, number, number, number];
  filter: [number, number, number, number];
  strides: [number, number];
  pad: Pad;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  dilations: [number, number];
  bias: boolean;
  activation: 'linear' | 'relu' | 'relu6' | 'leakyrelu' | 'elu' | 'prelu' | 'sigmoid';
}

const TOLERANCE = 1e-5;

function randomCase(random: () => number): Case {
  const [kh, kw] = pick(random, [[1, 1], [3, 3], [3, 3], [5, 5], [2, 3]] as [number, number][]);
  const c: Case = {
    x: [randomInt(random, 1, 3), randomInt(random, Math.max(4, kh), 14), randomInt(random, Math.max(4, kw), 14), pick(random, [1, 2, 3, 4, 7, 16])],
    filter: [kh, kw, 0, pick(random, [1, 3, 4, 5, 8, 12, 16, 20])],
    strides: pick(random, [[1, 1], [1, 1], [2, 2], [1, 2], [3, 3]] as [number, number][]),
    pad: 'same',
    dilations: random() < 0.1 ? [2, 2] : [1, 1],
    bias: random() < 0.7,
    activation: pick(random, ['linear', 'relu', 'relu6', 'leakyrelu', 'linear', 'relu', 'elu', 'prelu', 'sigmoid'] as const),
  };
  c.filter[2] = c.x[3];
  if (c.dilations[0] > 1) c.strides = [1, 1]; // tfjs requires stride 1 with dilation
  const kind = pick(random, ['same', 'valid', 'explicit', 'number']);
  if (kind === 'same' || kind === 'valid') c.pad = kind;
  else if (kind === 'explicit') c.pad = [[0, 0], [randomInt(random, 0, 2), randomInt(random, 0, 2)], [randomInt(random, 0, 2), randomInt(random, 0, 2)], [0, 0]];
  else {
    c.pad = randomInt(random, 0, 2);
    c.dimRoundingMode = pick(random, ['floor', 'round', 'ceil'] as const);
  }
  return c;
}

function run(c: Case, seed: number): Float32Array {
  const random = mulberry32(seed);
  return tf.tidy(() => {
    const x = tf.tensor4d(randomValues(random, c.x.reduce((p, q) => p * q)).map((v) => v * 2), c.x);
    const w = tf.tensor4d(randomValues(random, c.filter.reduce((p, q) => p * q)), c.filter);
    const bias = c.bias ? tf.tensor1d(randomValues(random, c.filter[3])) : undefined;
    const alpha = c.activation === 'prelu' ? tf.tensor1d(randomValues(random, c.filter[3])) : undefined;
    const y = tf.fused.conv2d({
      x, filter: w, strides: c.strides, pad: c.pad, dilations: c.dilations, dimRoundingMode: c.dimRoundingMode,
      bias, activation: c.activation, preluActivationWeights: alpha, leakyreluAlpha: 0.3,
    });
    return y.dataSync() as Float32Array;
  });
}

function valid(c: Case): boolean {
  try {
    return tf.backend_util.computeConv2DInfo(c.x, c.filter, c.strides, c.dilations, c.pad, c.dimRoundingMode).outShape.every((d) => d > 0);
  } catch {
    return false;
  }
}

describe('Conv2D / FusedConv2D on wasm', () => {
  it('match the cpu backend on 80 seeded random cases (strides, paddings, bias, activations, fallbacks)', async () => {
    const random = mulberry32(97531);
    let worst = 0;
    let tested = 0;
    const routes = new Set<string>();
    for (let i = 0; i < 80; i++) {
      const c = randomCase(random);
      if (!valid(c)) continue;
      await useCpu();
      const expected = run(c, i);
      await useWasm();
      const actual = run(c, i);
      const err = maxRelativeError(actual, expected);
      worst = Math.max(worst, err);
      tested++;
      routes.add(c.dilations[0] > 1 ? 'stock (dilation)' : ['elu', 'sigmoid', 'prelu'].includes(c.activation) ? 'native + JS activation' : 'native');
      expect(err, JSON.stringify(c)).toBeLessThan(TOLERANCE);
    }
    console.log(`Conv2D/FusedConv2D max relative error vs cpu over ${tested} cases: ${worst.toExponential(2)}`);
    expect(tested).toBeGreaterThan(60);
    expect(routes.size).toBe(3);
  });

  it('plain tf.conv2d (the Conv2D kernel) matches cpu on a batch-64 benchmark layer', async () => {
    const random = mulberry32(3);
    const x = randomValues(random, 64 * 16 * 16 * 32);
    const w = randomValues(random, 3 * 3 * 32 * 32);
    const conv = (): Float32Array => tf.tidy(() => tf.conv2d(tf.tensor4d(x, [64, 16, 16, 32]), tf.tensor4d(w, [3, 3, 32, 32]), 1, 'same').dataSync() as Float32Array);
    await useCpu();
    const expected = conv();
    await useWasm();
    const err = maxRelativeError(conv(), expected);
    console.log(`Conv2D 64x16x16x32 -> 32 max relative error vs cpu: ${err.toExponential(2)}`);
    expect(err).toBeLessThan(TOLERANCE);
  });

  it('frees every intermediate, with channel-padded outputs too', async () => {
    await useWasm();
    const c: Case = { x: [2, 7, 6, 3], filter: [3, 3, 3, 5], strides: [1, 1], pad: 'same', dilations: [1, 1], bias: true, activation: 'relu' };
    run(c, 1);
    const before = liveCounts();
    for (let i = 0; i < 3; i++) run(c, 1);
    expect(liveCounts()).toEqual(before);
  });
});

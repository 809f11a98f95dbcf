/**
 * The native forward convolution (Conv2D and FusedConv2D) against the cpu backend on seeded
 * random shapes, strides, paddings, biases and activations, on both native routes (direct, and
 * Winograd F(2x2, 3x3) for 3x3 stride 1 with channel counts divisible by 4), plus the stock
 * fallback (dilation > 1).
 */
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
  it.each([
    ['with Winograd', true],
    ['direct only', false],
  ])('match the cpu backend on 80 seeded random cases (strides, paddings, bias, activations, fallbacks; %s)', async (_label, wino) => {
    const previous = setWinograd(wino);
    const random = mulberry32(97531);
    let winogradCases = 0;
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
      const eligible = c.filter[0] === 3 && c.filter[1] === 3 && c.strides[0] === 1 && c.strides[1] === 1 && c.dilations[0] === 1;
      if (eligible && c.x[3] % 4 === 0 && c.filter[3] % 4 === 0) winogradCases++;
      expect(err, JSON.stringify(c)).toBeLessThan(TOLERANCE);
    }
    setWinograd(previous);
    console.log(`Conv2D/FusedConv2D (${_label}) max relative error vs cpu over ${tested} cases (${winogradCases} Winograd-shaped): ${worst.toExponential(2)}`);
    expect(tested).toBeGreaterThan(60);
    expect(routes.size).toBe(3);
    expect(winogradCases).toBeGreaterThan(0);
  });

  it('Winograd F(2x2, 3x3) matches cpu on 40 seeded 3x3 stride-1 cases (odd sizes, paddings, bias, activations)', async () => {
    const random = mulberry32(8642);
    let worst = 0;
    let worstScaled = 0;
    for (let i = 0; i < 40; i++) {
      const cin = pick(random, [4, 8, 12, 16, 32]);
      const c: Case = {
        x: [randomInt(random, 1, 3), randomInt(random, 1, 13), randomInt(random, 1, 13), cin],
        filter: [3, 3, cin, pick(random, [4, 8, 12, 16, 20, 32])],
        strides: [1, 1],
        pad: pick(random, ['same', 'same', 'valid', 1, 2] as const),
        dilations: [1, 1],
        bias: random() < 0.7,
        activation: pick(random, ['linear', 'relu', 'relu6', 'leakyrelu'] as const),
      };
      if (random() < 0.25) c.pad = [[0, 0], [randomInt(random, 0, 2), randomInt(random, 0, 2)], [randomInt(random, 0, 2), randomInt(random, 0, 2)], [0, 0]];
      if (!valid(c)) continue;
      await useCpu();
      const expected = run(c, 500 + i);
      await useWasm();
      const actual = run(c, 500 + i);
      // Float32 sums of up to 288 products against cpu's float64: per-element relative error
      // is ~1e-5 for either native route (direct measured 8.8e-6 on these cases), so the bound
      // is on the error relative to the largest output of the case.
      const scale = Math.max(1, expected.reduce((m, v) => Math.max(m, Math.abs(v)), 0));
      const err = maxRelativeError(actual, expected);
      const scaled = maxRelativeError(actual.map((v) => v / scale), expected.map((v) => v / scale));
      worst = Math.max(worst, err);
      worstScaled = Math.max(worstScaled, scaled);
      expect(scaled, JSON.stringify(c)).toBeLessThan(TOLERANCE);
      expect(err, JSON.stringify(c)).toBeLessThan(5e-5);
    }
    console.log(`Winograd conv vs cpu: max relative error ${worst.toExponential(2)}, max error / max|y| ${worstScaled.toExponential(2)}`);
  });

  it('plain tf.conv2d (the Conv2D kernel, Winograd route) matches cpu on a batch-64 benchmark layer', async () => {
    const random = mulberry32(3);
    const x = randomValues(random, 64 * 16 * 16 * 32);
    const w = randomValues(random, 3 * 3 * 32 * 32);
    const conv = (): Float32Array => tf.tidy(() => tf.conv2d(tf.tensor4d(x, [64, 16, 16, 32]), tf.tensor4d(w, [3, 3, 32, 32]), 1, 'same').dataSync() as Float32Array);
    await useCpu();
    const expected = conv();
    await useWasm();
    // Sums of 288 products: compare relative to the largest magnitude, not per element.
    const scale = expected.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    const err = maxRelativeError(conv().map((v) => v / scale), expected.map((v) => v / scale));
    console.log(`Conv2D 64x16x16x32 -> 32 max error / max|y| vs cpu: ${err.toExponential(2)}`);
    expect(err).toBeLessThan(TOLERANCE);
  });

  it('handles explicit padding wider than the strided outputs read (1x1 filter, pad 5, stride 3, width 1)', async () => {
    const cases: Case[] = [
      { x: [2, 1, 1, 4], filter: [1, 1, 4, 8], strides: [3, 3], pad: [[0, 0], [5, 0], [5, 0], [0, 0]], dilations: [1, 1], bias: true, activation: 'linear' },
      { x: [1, 2, 1, 3], filter: [1, 1, 3, 5], strides: [3, 3], pad: [[0, 0], [5, 1], [5, 0], [0, 0]], dilations: [1, 1], bias: false, activation: 'relu' },
    ];
    for (const c of cases) {
      await useCpu();
      const expected = run(c, 1);
      await useWasm();
      expect(maxRelativeError(run(c, 1), expected), JSON.stringify(c)).toBeLessThan(TOLERANCE);
    }
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

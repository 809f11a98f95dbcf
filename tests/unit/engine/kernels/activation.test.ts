/**
 * Native Tanh, Selu, Softplus and Exp against the cpu backend (float64 Math.tanh / Math.exp, rounded): wide
 * and tiny magnitudes, odd lengths (vector tails), zeros of both signs, ±Infinity and NaN.
 */
import { describe, expect, it } from 'vitest';
import { liveCounts, mulberry32, tf, useCpu, useWasm } from './helpers.ts';

/** Relative error |a - b| / |b| (b = 0: |a|); NaN must meet NaN, and zeros must keep their sign. */
function worstRelative(a: Float32Array, b: Float32Array): number {
  let worst = 0;
  for (let i = 0; i < b.length; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    if (Number.isNaN(y) || Number.isNaN(x)) {
      if (!(Number.isNaN(x) && Number.isNaN(y))) return Infinity;
      continue;
    }
    if (y === 0 && !Object.is(x, y)) return Infinity;
    if (x === y) continue;
    // Denormal results carry fewer significant bits: compare them in units of the smallest denormal.
    worst = Math.max(worst, Math.abs(y) < 1.1754943508222875e-38 ? Math.abs(x - y) / 1.401298464324817e-45 * 1e-7 : Math.abs(x - y) / Math.abs(y));
  }
  return worst;
}

function values(seed: number, size: number): Float32Array {
  const random = mulberry32(seed);
  const v = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    const r = random();
    // Log-uniform magnitudes from 1e-8 to 1e2, both signs.
    v[i] = (random() < 0.5 ? -1 : 1) * 10 ** (r * 10 - 8);
  }
  v.set([0, -0, Infinity, -Infinity, NaN, 0.625, -0.625, 0.62499997, -0.5, -0.50000006, 9, -9, 87, -87, -100, 100], 0);
  // Around softplus's thresholds and exp's overflow / denormal range.
  v.set([13.94, -13.94, 13.95, -13.95, 88.7, 88.8, -87.5, -95, -103.5, -104, 20, -20, 1e-3, -1e-3, 40, -40], 16);
  return v;
}

describe('native Tanh, Selu, Softplus and Exp on wasm', () => {
  it.each([
    ['tanh', 5e-7],
    ['selu', 5e-7],
    ['softplus', 5e-7],
    ['exp', 5e-7],
  ] as const)('%s stays within a few float32 ulps of cpu (relative error < %s)', async (op, bound) => {
    let worst = 0;
    for (const size of [4001, 3, 2, 1]) {
      const x = values(size, size === 4001 ? size : 32).subarray(0, size);
      const run = (): Float32Array => tf.tidy(() => tf[op](tf.tensor1d(x)).dataSync() as Float32Array);
      await useCpu();
      const expected = run();
      await useWasm();
      worst = Math.max(worst, worstRelative(run(), expected));
    }
    console.log(`${op} max relative error vs cpu: ${worst.toExponential(2)}`);
    expect(worst).toBeLessThan(bound);
  });

  it('gradients through tanh and selu (the fused ConvlensSeluGrad) match cpu and free every intermediate', async () => {
    const x = values(7, 257);
    const grads = (): Float32Array[] =>
      tf.tidy(() => [tf.grad((a: tf.Tensor) => tf.sum(tf.tanh(a)))(tf.tensor1d(x)), tf.grad((a: tf.Tensor) => tf.sum(tf.selu(a)))(tf.tensor1d(x))].map((g) => g.dataSync() as Float32Array));
    await useCpu();
    const expected = grads();
    await useWasm();
    const actual = grads();
    for (let k = 0; k < 2; k++) {
      let worst = 0;
      for (let i = 0; i < x.length; i++) {
        const [p, q] = [actual[k]![i]!, expected[k]![i]!];
        if (Number.isNaN(q)) expect(p).toBeNaN();
        else worst = Math.max(worst, Math.abs(p - q) / Math.max(1, Math.abs(q)));
      }
      expect(worst, k === 0 ? 'tanh gradient' : 'selu gradient').toBeLessThan(1e-6);
    }
    const before = liveCounts();
    grads();
    expect(liveCounts()).toEqual(before);
  });
});

/**
 * Native Add/Sub/Multiply/RealDiv, Step and the fused ReLU and Square gradients against the cpu
 * backend (and the stock gradients).
 * Each output element is one float32 operation on both backends, so results must be
 * bit-identical, NaN and infinities included; unsupported broadcasts must reach the stock kernel.
 */
import { describe, expect, it } from 'vitest';
import { stockGradient } from '../../../../src/engine/kernels/index.ts';
import { liveCounts, mulberry32, pick, randomInt, randomValues, tf, useCpu, useWasm } from './helpers.ts';

/** Values with zeros, ±Infinity and NaN sprinkled in. */
function specialValues(random: () => number, size: number): Float32Array {
  const v = randomValues(random, size).map((x) => x * 4);
  for (let i = 0; i < size; i++) {
    const r = random();
    if (r < 0.03) v[i] = 0;
    else if (r < 0.05) v[i] = NaN;
    else if (r < 0.06) v[i] = random() < 0.5 ? Infinity : -Infinity;
  }
  return v;
}

/** Index of the first element whose bits differ (NaN equals NaN), or -1. */
function firstDifference(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return 0;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i]) && !(Number.isNaN(a[i]) && Number.isNaN(b[i]))) return i;
  return -1;
}

const OPS = ['add', 'sub', 'mul', 'div'] as const;

/** [a shape, b shape] pairs: the native layouts, then ones that must fall back to stock. */
function shapePair(random: () => number): [number[], number[], number] {
  const n = randomInt(random, 1, 3), h = randomInt(random, 1, 6), w = randomInt(random, 1, 6), c = pick(random, [1, 3, 4, 8, 16]);
  const full = [n, h, w, c];
  const pairs: [number[], number[]][] = [
    [full, full],
    [full, [c]],
    [[c], full],
    [full, [1, 1, 1, c]],
    [[1, 1, 1, c], full],
    [full, [w, c]],
    [full, []],
    [[], full],
    [[1], full],
    [full, [n, 1, w, c]], // middle-axis broadcast: stock
    [[n, h, 1, c], [1, 1, w, c]], // both broadcast: stock
  ];
  const k = Math.floor(random() * pairs.length);
  return [...pairs[k]!, k];
}

describe('native elementwise kernels on wasm', () => {
  it('Add/Sub/Multiply/RealDiv are bit-identical to cpu on 120 seeded cases (broadcasts, NaN, ±Infinity)', async () => {
    const random = mulberry32(4711);
    const seen = new Set<string>();
    for (let i = 0; i < 120; i++) {
      const [sa, sb, kind] = shapePair(random);
      const op = pick(random, OPS);
      const a = specialValues(random, sa.reduce((p, q) => p * q, 1));
      const b = specialValues(random, sb.reduce((p, q) => p * q, 1));
      const run = (): Float32Array => tf.tidy(() => tf[op](tf.tensor(a, sa), tf.tensor(b, sb)).dataSync() as Float32Array);
      await useCpu();
      const expected = run();
      await useWasm();
      const actual = run();
      expect(firstDifference(actual, expected), `${op} [${sa}] [${sb}]`).toBe(-1);
      seen.add(String(kind));
    }
    expect(seen.size).toBe(11); // every layout, native and stock, was exercised
  });

  it('int32 arithmetic still goes to the stock kernels', async () => {
    const run = (): number[] => tf.tidy(() => Array.from(tf.add(tf.tensor1d([1, 2, 3], 'int32'), tf.scalar(5, 'int32')).dataSync()));
    await useWasm();
    expect(run()).toEqual([6, 7, 8]);
  });

  it('Step matches cpu bit for bit, with alpha, NaN and ±Infinity', async () => {
    const random = mulberry32(88);
    const x = specialValues(random, 1001);
    const run = (alpha: number): Float32Array => tf.tidy(() => tf.step(tf.tensor1d(x), alpha).dataSync() as Float32Array);
    for (const alpha of [0, 0.25, -3]) {
      await useCpu();
      const expected = run(alpha);
      await useWasm();
      expect(firstDifference(run(alpha), expected), `alpha ${alpha}`).toBe(-1);
    }
  });

  it('the fused ReLU gradient equals the stock dy·step(x) bit for bit, on wasm and against cpu', async () => {
    const random = mulberry32(5);
    const x = specialValues(random, 2 * 5 * 7 * 6);
    const dy = specialValues(random, x.length);
    const grad = (): Float32Array =>
      tf.tidy(() => {
        const dyt = tf.tensor(dy, [2, 5, 7, 6]);
        return tf.grad((a: tf.Tensor) => tf.relu(a))(tf.tensor(x, [2, 5, 7, 6]), dyt).dataSync() as Float32Array;
      });
    await useWasm();
    const fused = grad();
    const ours = tf.getGradient('Relu')!;
    tf.registerGradient(stockGradient('Relu')!);
    const stockOnWasm = grad();
    tf.registerGradient(ours);
    await useCpu();
    const onCpu = grad();
    expect(firstDifference(fused, stockOnWasm)).toBe(-1);
    expect(firstDifference(fused, onCpu)).toBe(-1);
  });

  it('the fused Square gradient equals the stock dy·(x·2) bit for bit, on wasm and against cpu', async () => {
    const random = mulberry32(6);
    const x = specialValues(random, 3 * 4 * 5 * 8);
    const dy = specialValues(random, x.length);
    const grad = (): Float32Array =>
      tf.tidy(() => tf.grad((a: tf.Tensor) => tf.square(a))(tf.tensor(x, [3, 4, 5, 8]), tf.tensor(dy, [3, 4, 5, 8])).dataSync() as Float32Array);
    await useWasm();
    const fused = grad();
    const ours = tf.getGradient('Square')!;
    expect(ours).not.toBe(stockGradient('Square'));
    tf.registerGradient(stockGradient('Square')!);
    const stockOnWasm = grad();
    tf.registerGradient(ours);
    await useCpu();
    const onCpu = grad();
    expect(firstDifference(fused, stockOnWasm)).toBe(-1);
    expect(firstDifference(fused, onCpu)).toBe(-1);
  });

  it('free every intermediate', async () => {
    await useWasm();
    const a = tf.tensor(randomValues(mulberry32(1), 96), [2, 3, 4, 4]);
    const c = tf.tensor1d([1, 2, 3, 4]);
    const once = (): void => {
      tf.dispose([tf.mul(a, c), tf.sub(c, a), tf.div(a, 2), tf.add(a, a), tf.step(a)]);
      tf.grad((t: tf.Tensor) => tf.sum(tf.relu(t)))(a).dispose();
      tf.grad((t: tf.Tensor) => tf.sum(tf.square(t)))(a).dispose();
    };
    once();
    const before = liveCounts();
    for (let i = 0; i < 3; i++) once();
    expect(liveCounts()).toEqual(before);
    tf.dispose([a, c]);
  });
});

import { describe, expect, it } from 'vitest';
import { liveCounts, maxRelativeError, mulberry32, pick, randomInt, randomValues, tf, useCpu, useWasm } from './helpers.ts';

const TOLERANCE = 1e-4;

interface Case {
  a: number[];
  b: number[];
  transposeA: boolean;
  transposeB: boolean;
}

function randomCase(random: () => number): Case {
  const m = randomInt(random, 1, 70);
  const k = randomInt(random, 1, 90);
  const n = randomInt(random, 1, 70);
  const transposeA = random() < 0.5;
  const transposeB = random() < 0.5;
  const batch = pick(random, [[], [], [1], [3], [2, 2]] as number[][]);
  // Batched cases: equal batches, or one side unbatched / batch 1 (broadcast).
  const batchA = batch.length > 0 && random() < 0.25 ? batch.map(() => 1) : batch;
  const batchB = batch.length > 0 && batchA === batch && random() < 0.25 ? [] : batch;
  return {
    a: [...batchA, ...(transposeA ? [k, m] : [m, k])],
    b: [...batchB, ...(transposeB ? [n, k] : [k, n])],
    transposeA,
    transposeB,
  };
}

function run(c: Case, a: Float32Array, b: Float32Array): Float32Array {
  return tf.tidy(() => {
    const at = tf.tensor(a, c.a);
    const bt = tf.tensor(b, c.b);
    return tf.matMul(at, bt, c.transposeA, c.transposeB).dataSync() as Float32Array;
  });
}

describe('BatchMatMul on wasm', () => {
  it('matches the cpu backend on 80 seeded random shapes, transposes and batches', async () => {
    const random = mulberry32(8080);
    let worst = 0;
    for (let i = 0; i < 80; i++) {
      const c = randomCase(random);
      const a = randomValues(random, c.a.reduce((x, y) => x * y, 1));
      const b = randomValues(random, c.b.reduce((x, y) => x * y, 1));
      await useCpu();
      const expected = run(c, a, b);
      await useWasm();
      const actual = run(c, a, b);
      const err = maxRelativeError(actual, expected);
      worst = Math.max(worst, err);
      expect(err, JSON.stringify(c)).toBeLessThan(TOLERANCE);
    }
    console.log(`BatchMatMul max relative error vs cpu: ${worst.toExponential(2)}`);
  });

  it('matches cpu on the dense-layer gradient shapes and frees every intermediate', async () => {
    const random = mulberry32(12);
    const x = randomValues(random, 64 * 1568);
    const w = randomValues(random, 1568 * 128);
    const g = randomValues(random, 64 * 128);
    const cases: [Case, Float32Array, Float32Array][] = [
      [{ a: [64, 1568], b: [64, 128], transposeA: true, transposeB: false }, x, g], // dW = xᵀ·dy
      [{ a: [64, 128], b: [1568, 128], transposeA: false, transposeB: true }, g, w], // dx = dy·Wᵀ
      [{ a: [64, 1568], b: [1568, 128], transposeA: false, transposeB: false }, x, w], // forward (stock)
    ];
    for (const [c, a, b] of cases) {
      await useCpu();
      const expected = run(c, a, b);
      await useWasm();
      const actual = run(c, a, b);
      // Sums of 1568 terms: compare relative to the largest magnitude.
      const scale = expected.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      expect(maxRelativeError(actual.map((v) => v / scale), expected.map((v) => v / scale)), JSON.stringify(c)).toBeLessThan(TOLERANCE);
      const at = tf.tensor(a, c.a);
      const bt = tf.tensor(b, c.b);
      const once = (): void => tf.matMul(at, bt, c.transposeA, c.transposeB).dispose();
      once();
      const before = liveCounts();
      for (let i = 0; i < 3; i++) once();
      expect(liveCounts()).toEqual(before);
      tf.dispose([at, bt]);
    }
  });
});

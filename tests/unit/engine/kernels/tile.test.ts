import { describe, expect, it } from 'vitest';
import { liveCounts, maxRelativeError, mulberry32, randomInt, randomValues, tf, useCpu, useWasm } from './helpers.ts';

function runTile(values: Float32Array, shape: number[], reps: number[], dtype: 'float32' | 'int32' | 'bool'): number[] {
  const source = dtype === 'float32' ? values : Array.from(values, (v) => (dtype === 'bool' ? (v > 0 ? 1 : 0) : Math.round(v * 100)));
  const x = tf.tensor(source, shape, dtype);
  const out = tf.tile(x, reps);
  const result = Array.from(out.dataSync());
  tf.dispose([x, out]);
  return result;
}

describe('Tile on wasm', () => {
  it('matches the cpu backend exactly on 80 seeded random shapes, reps and dtypes', async () => {
    const random = mulberry32(31337);
    let worst = 0;
    for (let i = 0; i < 80; i++) {
      const rank = randomInt(random, 1, 5);
      const shape = Array.from({ length: rank }, () => randomInt(random, 1, 5));
      const reps = Array.from({ length: rank }, () => randomInt(random, 1, 4));
      // The batch-norm pattern: a per-channel vector broadcast to a full NHWC tensor.
      if (i % 8 === 0) {
        shape.splice(0, rank, 1, 1, 1, randomInt(random, 1, 9));
        reps.splice(0, rank, randomInt(random, 1, 5), randomInt(random, 1, 7), randomInt(random, 1, 7), 1);
      }
      const dtype = (['float32', 'int32', 'bool'] as const)[i % 3]!;
      const values = randomValues(random, shape.reduce((a, b) => a * b));
      await useCpu();
      const expected = runTile(values, shape, reps, dtype);
      await useWasm();
      const actual = runTile(values, shape, reps, dtype);
      const err = maxRelativeError(actual, expected);
      worst = Math.max(worst, err);
      expect(err, JSON.stringify({ shape, reps, dtype })).toBe(0);
    }
    console.log(`Tile max relative error vs cpu: ${worst}`);
  });

  it('handles scalars, empty tensors, and frees nothing it should not', async () => {
    await useWasm();
    expect(Array.from(tf.tile(tf.tensor1d([]), [3]).dataSync())).toEqual([]);
    expect(Array.from(tf.tile(tf.tensor2d([1, 2], [1, 2]), [0, 2]).dataSync())).toEqual([]);
    const x = tf.tensor4d(randomValues(mulberry32(3), 6), [1, 1, 1, 6]);
    const once = (): void => tf.tile(x, [2, 3, 4, 1]).dispose();
    once();
    const before = liveCounts();
    for (let i = 0; i < 3; i++) once();
    expect(liveCounts()).toEqual(before);
    x.dispose();
  });
});

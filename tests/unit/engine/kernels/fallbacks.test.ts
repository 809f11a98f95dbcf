/**
 * Inputs our native kernels do not take (other dtypes, strings) must reach the stock wasm
 * kernels and give the cpu backend's results.
 */
import { describe, expect, it } from 'vitest';
import { tf, useCpu, useWasm } from './helpers.ts';

/** Each case returns plain values so cpu and wasm results compare directly. */
const cases: [string, () => unknown][] = [
  ['Step on int32', () => Array.from(tf.step(tf.tensor1d([-2, 0, 3], 'int32')).dataSync())],
  ['Identity of strings', () => tf.clone(tf.tensor1d(['a', 'bc'])).arraySync()],
  ['Cast float32 -> int32', () => Array.from(tf.cast(tf.tensor1d([1.7, -1.7]), 'int32').dataSync())],
  ['Sum of int32 over leading axes', () => Array.from(tf.sum(tf.tensor2d([[1, 2], [3, 4]], [2, 2], 'int32'), 0).dataSync())],
  ['Mean over the last axis', () => Array.from(tf.mean(tf.tensor2d([[1, 2], [3, 5]]), 1).dataSync())],
  ['Multiply int32 by a scalar', () => Array.from(tf.mul(tf.tensor1d([1, -2, 3], 'int32'), tf.scalar(3, 'int32')).dataSync())],
  ['Sub with a middle-axis broadcast', () => Array.from(tf.sub(tf.ones([2, 3, 2]), tf.tensor3d([1, 2, 3, 4], [2, 1, 2])).dataSync())],
];

describe('stock fallbacks behind the native kernels', () => {
  it.each(cases)('%s gives the cpu result on wasm', async (_label, run) => {
    await useCpu();
    const expected = tf.tidy(() => run() as never);
    await useWasm();
    const actual = tf.tidy(() => run() as never);
    expect(actual).toEqual(expected);
  });
});

/**
 * Identity and same-dtype Cast share the input's heap buffer on wasm; real casts still convert
 * (checked against cpu); buffers are freed exactly when the last sharer is disposed.
 */
import { describe, expect, it } from 'vitest';
import { liveCounts, mulberry32, randomValues, tf, useCpu, useWasm } from './helpers.ts';

describe('Identity and Cast on wasm', () => {
  it('share the buffer for clone and same-dtype casts, and it survives disposing the original', async () => {
    await useWasm();
    const values = randomValues(mulberry32(3), 24);
    const before = liveCounts();
    const x = tf.tensor3d(values, [2, 3, 4]);
    const clone = tf.clone(x);
    const cast = tf.cast(x, 'float32');
    expect(liveCounts().dataIds).toBe(before.dataIds + 1); // one buffer, three tensors
    x.dispose();
    expect(Array.from(clone.dataSync())).toEqual(Array.from(values));
    expect(cast.shape).toEqual([2, 3, 4]);
    clone.dispose();
    expect(Array.from(cast.dataSync())).toEqual(Array.from(values));
    cast.dispose();
    expect(liveCounts()).toEqual(before);
  });

  it('still converts on real casts, as the cpu backend does', async () => {
    const values = Float32Array.from([-2.7, -0.5, 0, -0, 0.4, 1.9, 3, 256, NaN, 1e6 + 0.5]);
    const run = (): number[][] =>
      tf.tidy(() => {
        const f = tf.tensor1d(values);
        const i = tf.cast(f, 'int32');
        return [Array.from(i.dataSync()), Array.from(tf.cast(i, 'float32').dataSync()), Array.from(tf.cast(f, 'bool').dataSync())];
      });
    await useCpu();
    const expected = run();
    await useWasm();
    expect(run()).toEqual(expected);
  });

  it('gradients through cast and clone still flow (tf.grad of sum(cast(clone(x))²))', async () => {
    await useWasm();
    const x = tf.tensor1d([1, -2, 3]);
    const g = tf.grad((a: tf.Tensor) => tf.sum(tf.square(tf.cast(tf.clone(a), 'float32'))))(x);
    expect(Array.from(g.dataSync())).toEqual([2, -4, 6]);
    tf.dispose([x, g]);
  });
});

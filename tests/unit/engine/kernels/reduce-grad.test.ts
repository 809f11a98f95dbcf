/**
 * Our Sum and Mean gradients (one broadcast instead of ones · dy) are bit-identical to tfjs's
 * stock gradients, on cpu and on wasm, for every axis pattern and keepDims.
 */
import { describe, expect, it } from 'vitest';
import { stockGradient } from '../../../../src/engine/kernels/index.ts';
import { mulberry32, pick, randomInt, randomValues, tf, useCpu, useWasm } from './helpers.ts';

function grads(shape: number[], axis: number[], keepDims: boolean, seed: number): Float32Array[] {
  const random = mulberry32(seed);
  return tf.tidy(() => {
    const x = tf.tensor(randomValues(random, shape.reduce((p, q) => p * q, 1)), shape);
    const out: Float32Array[] = [];
    for (const op of ['sum', 'mean'] as const) {
      const y = tf[op](x, axis, keepDims);
      const r = tf.tensor(randomValues(random, y.size).map((v) => v * 7), y.shape);
      out.push(tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf[op](a, axis, keepDims), r)))(x).dataSync() as Float32Array);
    }
    return out;
  });
}

describe('Sum and Mean gradients', () => {
  it('equal the stock gradients bit for bit on 30 seeded cases, on cpu and wasm', async () => {
    await useWasm(); // registers ours
    const ours = ['Sum', 'Mean'].map((k) => tf.getGradient(k)!);
    const stock = ['Sum', 'Mean'].map((k) => stockGradient(k)!);
    expect(stock.every((g, i) => g !== undefined && g !== ours[i])).toBe(true);
    const random = mulberry32(1357);
    for (let i = 0; i < 30; i++) {
      const rank = randomInt(random, 1, 4);
      const shape = Array.from({ length: rank }, () => randomInt(random, 1, 6));
      const axis = pick(random, [[0], [rank - 1], Array.from({ length: rank }, (_, k) => k), rank > 2 ? [0, 2] : [0]]);
      const keepDims = random() < 0.5;
      for (const backend of [useCpu, useWasm]) {
        await backend();
        stock.forEach((g) => tf.registerGradient(g));
        const expected = grads(shape, axis, keepDims, i);
        ours.forEach((g) => tf.registerGradient(g));
        const actual = grads(shape, axis, keepDims, i);
        for (let k = 0; k < 2; k++) expect(Array.from(actual[k]!), `${tf.getBackend()} ${JSON.stringify({ shape, axis, keepDims })}`).toEqual(Array.from(expected[k]!));
      }
    }
  });
});

/**
 * The closed-form FusedBatchNorm gradient against tfjs's stock gradient (both on cpu), and the
 * whole batch-norm training path (moments + batchNorm, as tfjs-layers builds it) on wasm vs cpu.
 */
import { describe, expect, it } from 'vitest';
import { stockGradient } from '../../../../src/engine/kernels/index.ts';
import { liveCounts, maxRelativeError, mulberry32, pick, randomInt, randomValues, tf, useCpu, useWasm } from './helpers.ts';

const TOLERANCE = 1e-4;

interface Case {
  shape: number[];
  withScale: boolean;
  withOffset: boolean;
  eps: number;
}

/** Gradients of Σ r·batchNorm(x, mean, variance, offset, scale) w.r.t. every tensor input. */
function bnGrads(c: Case, seed: number): Float32Array[] {
  const random = mulberry32(seed);
  const channels = c.shape[c.shape.length - 1] as number;
  return tf.tidy(() => {
    const x = tf.tensor(randomValues(random, c.shape.reduce((a, b) => a * b)), c.shape);
    const mean = tf.tensor1d(randomValues(random, channels));
    const variance = tf.tensor1d(randomValues(random, channels).map((v) => v + 1.2));
    const offset = tf.tensor1d(randomValues(random, channels));
    const scale = tf.tensor1d(randomValues(random, channels).map((v) => v * 2));
    const readout = tf.tensor(randomValues(random, x.size), c.shape);
    const inputs = [x, mean, variance, ...(c.withOffset ? [offset] : []), ...(c.withScale ? [scale] : [])];
    const f = (...args: tf.Tensor[]): tf.Scalar => {
      const [xa, m, v] = args as [tf.Tensor, tf.Tensor1D, tf.Tensor1D];
      const o = c.withOffset ? (args[3] as tf.Tensor1D) : undefined;
      const s = c.withScale ? (args[c.withOffset ? 4 : 3] as tf.Tensor1D) : undefined;
      return tf.sum(tf.mul(tf.batchNorm(xa, m, v, o, s, c.eps), readout));
    };
    return tf.grads(f)(inputs).map((g) => g.dataSync() as Float32Array);
  });
}

/** The tfjs-layers training path: moments over all but the last axis, then batchNorm. */
function layersPathGrads(shape: number[], seed: number): Float32Array[] {
  const random = mulberry32(seed);
  const channels = shape[shape.length - 1] as number;
  return tf.tidy(() => {
    const x = tf.tensor(randomValues(random, shape.reduce((a, b) => a * b)).map((v) => v * 3 + 0.5), shape);
    const gamma = tf.tensor1d(randomValues(random, channels).map((v) => v + 1.5));
    const beta = tf.tensor1d(randomValues(random, channels));
    const readout = tf.tensor(randomValues(random, x.size), shape);
    const axes = shape.slice(0, -1).map((_, i) => i);
    const f = (xa: tf.Tensor, g: tf.Tensor, b: tf.Tensor): tf.Scalar => {
      const { mean, variance } = tf.moments(xa, axes);
      return tf.sum(tf.mul(tf.batchNorm(xa, mean, variance, b as tf.Tensor1D, g as tf.Tensor1D, 1e-3), readout));
    };
    return tf.grads(f)([x, gamma, beta]).map((g) => g.dataSync() as Float32Array);
  });
}

function randomCase(random: () => number): Case {
  const rank = pick(random, [2, 3, 4, 4]);
  const shape = Array.from({ length: rank }, (_, i) => (i === rank - 1 ? randomInt(random, 1, 9) : randomInt(random, 1, 7)));
  // tfjs's tape cannot differentiate batchNorm with an absent offset or scale (undefined input), so both are always given.
  return { shape, withScale: true, withOffset: true, eps: pick(random, [1e-3, 1e-5]) };
}

describe('FusedBatchNorm closed-form gradient', () => {
  it('matches the stock tfjs gradient on cpu for 40 seeded random shapes', async () => {
    await useWasm(); // registers ours
    const stock = stockGradient('FusedBatchNorm');
    const ours = tf.getGradient('FusedBatchNorm');
    expect(stock).toBeDefined();
    expect(ours).not.toBe(stock);
    await useCpu();
    const random = mulberry32(777);
    let worst = 0;
    try {
      for (let i = 0; i < 40; i++) {
        const c = randomCase(random);
        // Stock tfjs builds dx with a rank-4 tile, so it only supports rank-4 inputs.
        c.shape = [randomInt(random, 1, 5), randomInt(random, 1, 7), randomInt(random, 1, 7), randomInt(random, 1, 9)];
        tf.registerGradient(stock!);
        const expected = bnGrads(c, 100 + i);
        tf.registerGradient(ours!);
        const actual = bnGrads(c, 100 + i);
        expect(actual.length).toBe(expected.length);
        for (let k = 0; k < actual.length; k++) {
          const err = maxRelativeError(actual[k]!, expected[k]!);
          worst = Math.max(worst, err);
          expect(err, `${JSON.stringify(c)} input ${k}`).toBeLessThan(TOLERANCE);
        }
      }
    } finally {
      tf.registerGradient(ours!);
    }
    console.log(`FusedBatchNorm gradient (ours vs stock, cpu) max relative error: ${worst.toExponential(2)}`);
  });

  it('handles ranks 2-4 and gives the same gradients on wasm as on cpu, through moments as tfjs-layers trains', async () => {
    const random = mulberry32(4242);
    let worst = 0;
    for (let i = 0; i < 24; i++) {
      const c = randomCase(random);
      await useCpu();
      const expected = [...bnGrads(c, 500 + i), ...layersPathGrads(c.shape, 900 + i)];
      await useWasm();
      const actual = [...bnGrads(c, 500 + i), ...layersPathGrads(c.shape, 900 + i)];
      for (let k = 0; k < actual.length; k++) {
        const err = maxRelativeError(actual[k]!, expected[k]!);
        worst = Math.max(worst, err);
        expect(err, `${JSON.stringify(c)} gradient ${k}`).toBeLessThan(TOLERANCE);
      }
    }
    console.log(`batch-norm gradients wasm vs cpu max relative error: ${worst.toExponential(2)}`);
  });

  it('leaks no tensors', async () => {
    await useWasm();
    const c: Case = { shape: [3, 5, 4, 6], withScale: true, withOffset: true, eps: 1e-3 };
    bnGrads(c, 1);
    layersPathGrads(c.shape, 2);
    const before = liveCounts();
    bnGrads(c, 1);
    layersPathGrads(c.shape, 2);
    expect(liveCounts()).toEqual(before);
  });
});

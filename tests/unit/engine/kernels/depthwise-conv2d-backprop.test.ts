/**
 * Both depthwise backprop kernels against the cpu backend on seeded random shapes (strides,
 * paddings, rounding modes, batch sizes, depth multipliers), tf.grads through depthwiseConv2d,
 * the dilation guard and tensor hygiene.
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
}

const TOLERANCE = 1e-5;

function randomCase(random: () => number): Case {
  const [kh, kw] = pick(random, [[1, 1], [3, 3], [3, 3], [5, 5], [2, 3]] as [number, number][]);
  const c = randomInt(random, 1, 9);
  const strides = pick(random, [[1, 1], [1, 1], [2, 2], [3, 3], [2, 1], [1, 2]] as [number, number][]);
  const out: Case = {
    x: [randomInt(random, 1, 4), randomInt(random, Math.max(3, kh), 15), randomInt(random, Math.max(3, kw), 15), c],
    filter: [kh, kw, c, pick(random, [1, 1, 2, 3])],
    strides,
    pad: 'same',
  };
  const kind = pick(random, ['same', 'valid', 'explicit', 'number']);
  if (kind === 'same' || kind === 'valid') out.pad = kind;
  else if (kind === 'explicit') {
    out.pad = [[0, 0], [randomInt(random, 0, 2), randomInt(random, 0, 2)], [randomInt(random, 0, 2), randomInt(random, 0, 2)], [0, 0]];
  } else {
    out.pad = randomInt(random, 0, 2);
    out.dimRoundingMode = pick(random, ['floor', 'round', 'ceil'] as const);
  }
  return out;
}

function outShape(c: Case): number[] {
  return tf.backend_util.computeConv2DInfo(c.x, c.filter, c.strides, 1, c.pad, c.dimRoundingMode, true).outShape;
}

function attrsOf(c: Case): Record<string, unknown> {
  return { strides: c.strides, pad: c.pad, dilations: [1, 1], dimRoundingMode: c.dimRoundingMode };
}

/** [dW, dx] from the two kernels, run directly. */
function runBoth(c: Case, x: Float32Array, w: Float32Array, dy: Float32Array): [Float32Array, Float32Array] {
  return tf.tidy(() => {
    const xt = tf.tensor4d(x, c.x);
    const wt = tf.tensor4d(w, c.filter);
    const dyt = tf.tensor(dy, outShape(c));
    const dW = tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter', { x: xt, dy: dyt }, { ...attrsOf(c), filterShape: c.filter } as never) as tf.Tensor;
    const dx = tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput', { dy: dyt, filter: wt }, { ...attrsOf(c), inputShape: c.x } as never) as tf.Tensor;
    expect(dW.shape).toEqual(c.filter);
    expect(dx.shape).toEqual(c.x);
    return [dW.dataSync() as Float32Array, dx.dataSync() as Float32Array];
  });
}

describe('depthwise conv2d backprop kernels on wasm', () => {
  it('match the cpu backend on 80 seeded random shapes (strides, paddings, multipliers)', async () => {
    const random = mulberry32(31337);
    const worst = [0, 0];
    let tested = 0;
    const seen = new Set<string>();
    for (let i = 0; i < 80; i++) {
      const c = randomCase(random);
      if (outShape(c).some((d) => d <= 0)) continue;
      const x = randomValues(random, c.x.reduce((a, b) => a * b));
      const w = randomValues(random, c.filter.reduce((a, b) => a * b));
      const dy = randomValues(random, outShape(c).reduce((a, b) => a * b));
      await useCpu();
      const expected = runBoth(c, x, w, dy);
      await useWasm();
      const actual = runBoth(c, x, w, dy);
      for (let k = 0; k < 2; k++) {
        const err = maxRelativeError(actual[k]!, expected[k]!);
        worst[k] = Math.max(worst[k]!, err);
        expect(err, `${k === 0 ? 'dW' : 'dx'} ${JSON.stringify(c)}`).toBeLessThan(TOLERANCE);
      }
      seen.add(`m${c.filter[3]} s${c.strides.join('x')} ${typeof c.pad === 'object' ? 'explicit' : c.pad}`);
      tested++;
    }
    console.log(`depthwise backprop over ${tested} shapes, max relative error vs cpu: dW ${worst[0]!.toExponential(2)}, dx ${worst[1]!.toExponential(2)}`);
    expect(tested).toBeGreaterThan(60);
    // The random cases must actually cover multipliers > 1 and strides > 1.
    expect([...seen].some((s) => s.startsWith('m3'))).toBe(true);
    expect([...seen].some((s) => s.includes('s2x2'))).toBe(true);
  });

  it('make tf.grads through depthwiseConv2d agree with cpu', async () => {
    const grads = (strides: number, pad: 'same' | 'valid'): Float32Array[] => {
      const random = mulberry32(8 + strides);
      return tf.tidy(() => {
        const x = tf.tensor4d(randomValues(random, 2 * 10 * 9 * 4), [2, 10, 9, 4]);
        const w = tf.tensor4d(randomValues(random, 3 * 3 * 4 * 2), [3, 3, 4, 2]);
        const r = tf.tensor(randomValues(random, 2 * 10 * 9 * 8));
        const f = (a: tf.Tensor, b: tf.Tensor): tf.Scalar => {
          const y = tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, strides, pad);
          return tf.sum(tf.mul(y.flatten(), r.slice(0, y.size)));
        };
        return tf.grads(f)([x, w]).map((g) => g.dataSync() as Float32Array);
      });
    };
    for (const [s, pad] of [[1, 'same'], [2, 'valid'], [2, 'same']] as const) {
      await useCpu();
      const expected = grads(s, pad);
      await useWasm();
      const actual = grads(s, pad);
      for (let k = 0; k < 2; k++) expect(maxRelativeError(actual[k]!, expected[k]!), `stride ${s} ${pad} grad ${k}`).toBeLessThan(TOLERANCE);
    }
  });

  it('refuse dilation > 1 with a message that says what to do', async () => {
    await useWasm();
    const x = tf.zeros([1, 8, 8, 2]);
    const dy = tf.zeros([1, 8, 8, 2]);
    const attrs = { strides: [1, 1], pad: 'same', dilations: [2, 2], filterShape: [3, 3, 2, 1] };
    expect(() => tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter', { x, dy }, attrs as never)).toThrow(/dilation 1 only/);
    tf.dispose([x, dy]);
  });

  it('are registered on wasm and free every intermediate', async () => {
    await useWasm();
    const c: Case = { x: [2, 9, 7, 3], filter: [3, 3, 3, 2], strides: [2, 2], pad: 'same' };
    const x = randomValues(mulberry32(1), 2 * 9 * 7 * 3);
    const w = randomValues(mulberry32(2), 3 * 3 * 3 * 2);
    const dy = randomValues(mulberry32(3), outShape(c).reduce((a, b) => a * b));
    runBoth(c, x, w, dy);
    const before = liveCounts();
    for (let i = 0; i < 3; i++) runBoth(c, x, w, dy);
    expect(liveCounts()).toEqual(before);
  });
});

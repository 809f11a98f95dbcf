import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ACTIVATIONS, type Activation, type LayerSpec } from '../../../src/config/spec.ts';
import { buildLayersModel } from '../../../src/model/build.ts';
import { applyLayer } from '../../../src/model/vocabulary.ts';
import { LayerNames } from '../../../src/model/names.ts';
import { summarizeModel } from '../../../src/model/summary.ts';
import { seedFor } from '../../../src/model/layer-options.ts';
import { activation, avgPool, batchNorm, concatenate, conv, dense, depthwise, flatten, gap, gmp, maxPool, options, separable, softmax } from './specs.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** A model of exactly one LayerSpec on an input of `shape` (no head check). */
function single(spec: LayerSpec, shape: number[]): tf.LayersModel {
  const input = tf.input({ shape, name: 'input' });
  const output = applyLayer({ names: new LayerNames([]), seeds: { init: 1, dropout: 2 }, created: [] }, spec, [input], 'test');
  return tf.model({ inputs: input, outputs: output });
}

const run = (model: tf.LayersModel, x: tf.Tensor) => tf.tidy(() => Array.from((model.predict(x) as tf.Tensor).dataSync()));

// Reference formulas, written out independently of tfjs.
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
/** erf by Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7). */
function erf(x: number): number {
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return x >= 0 ? y : -y;
}
const SELU = { alpha: 1.6732632423543772, scale: 1.0507009873554805 };
function reference(a: Activation, xs: number[], alpha?: number): number[] {
  const each = (f: (x: number) => number) => xs.map(f);
  switch (a) {
    case 'linear':
      return xs;
    case 'relu':
      return each((x) => Math.max(0, x));
    case 'relu6':
      return each((x) => Math.min(6, Math.max(0, x)));
    case 'leakyRelu':
      return each((x) => (x < 0 ? (alpha ?? 0.3) * x : x));
    case 'elu':
      return each((x) => (x < 0 ? (alpha ?? 1) * (Math.exp(x) - 1) : x));
    case 'selu':
      return each((x) => SELU.scale * (x > 0 ? x : SELU.alpha * (Math.exp(x) - 1)));
    case 'gelu':
      return each((x) => 0.5 * x * (1 + erf(x / Math.SQRT2)));
    case 'swish':
      return each((x) => x * sigmoid(x));
    case 'sigmoid':
      return each(sigmoid);
    case 'tanh':
      return each(Math.tanh);
    case 'softplus':
      return each((x) => Math.log(1 + Math.exp(x)));
    case 'softmax': {
      const e = xs.map((x) => Math.exp(x));
      const sum = e.reduce((s, v) => s + v, 0);
      return e.map((v) => v / sum);
    }
  }
}

const XS = [-7, -2.5, -0.5, 0, 0.3, 1, 2, 6.5];

describe('activations', () => {
  it.each(ACTIVATIONS)('%s as an activation layer matches its formula', (a) => {
    const model = single(activation(a), [XS.length]);
    const got = run(model, tf.tensor2d([XS]));
    reference(a, XS).forEach((v, i) => expect(got[i]).toBeCloseTo(v, 5));
    model.dispose();
  });

  it('leakyRelu and elu take alpha', () => {
    for (const [a, alpha] of [['leakyRelu', 0.1], ['elu', 0.5]] as const) {
      const model = single(activation(a, { alpha }), [XS.length]);
      const got = run(model, tf.tensor2d([XS]));
      reference(a, XS, alpha).forEach((v, i) => expect(got[i]).toBeCloseTo(v, 5));
      // Saved as Keras writes them, alpha included.
      expect(model.layers[1]!.getClassName()).toBe(a === 'elu' ? 'ELU' : 'LeakyReLU');
      expect(model.layers[1]!.getConfig()['alpha']).toBeCloseTo(alpha, 6);
      model.dispose();
    }
  });

  it.each(ACTIVATIONS)('%s inside dense and conv2d equals the linear layer followed by the formula', (a) => {
    for (const spec of [dense(4, { activation: a }), conv(3, { activation: a, kernel: [1, 1] })]) {
      const shape = spec.type === 'dense' ? [5] : [2, 2, 5];
      const model = single(spec, shape);
      const x = tf.randomNormal([2, ...shape], 0, 2, 'float32', 7);
      const [kernel, bias] = model.layers[1]!.getWeights();
      const linear = tf.tidy(() => {
        const flat = tf.reshape(x, [-1, 5]);
        return tf.add(tf.matMul(flat, tf.reshape(kernel!, [5, -1])), bias!);
      });
      const rows = linear.arraySync() as number[][];
      // softmax normalizes over the units of each position; every other activation is elementwise.
      const expected = rows.flatMap((row) => (a === 'softmax' ? reference(a, row) : row.flatMap((v) => reference(a, [v]))));
      const got = run(model, x);
      expected.forEach((v, i) => expect(got[i]).toBeCloseTo(v, 4));
      expect(model.layers.at(-1)!.name).toBe(a === 'leakyRelu' ? `${spec.type === 'dense' ? 'dense' : 'conv2d'}_1_leaky_relu` : model.layers[1]!.name);
      tf.dispose([x, linear]);
      model.dispose();
    }
  });
});

describe('parameter counts, worked out by hand', () => {
  const params = (spec: LayerSpec, shape: number[]) => {
    const model = single(spec, shape);
    const p = summarizeModel(model).params.total;
    model.dispose();
    return p;
  };

  it('convolutions', () => {
    // conv 3×3, 5→7: 3·3·5·7 + 7; without bias: 3·3·5·7.
    expect(params(conv(7), [6, 6, 5])).toBe(3 * 3 * 5 * 7 + 7);
    expect(params(conv(7, { useBias: false }), [6, 6, 5])).toBe(3 * 3 * 5 * 7);
    // depthwise 3×2, 5 channels × 2: 3·2·5·2 + 10.
    expect(params(depthwise(2, { kernel: [3, 2] }), [6, 6, 5])).toBe(3 * 2 * 5 * 2 + 10);
    // separable 3×3, 5 channels × 2 → 7: depthwise 3·3·5·2, pointwise 1·1·10·7, bias 7.
    expect(params(separable(7, { depthMultiplier: 2 }), [6, 6, 5])).toBe(3 * 3 * 5 * 2 + 10 * 7 + 7);
  });

  it('dense, batch norm and the parameter-free layers', () => {
    expect(params(dense(4), [6])).toBe(6 * 4 + 4);
    expect(params(dense(4, { useBias: false }), [6])).toBe(6 * 4);
    expect(params(batchNorm(), [3, 3, 5])).toBe(4 * 5);
    for (const spec of [maxPool(2), avgPool(2), gap, gmp, flatten, activation('relu')]) expect(params(spec, [4, 4, 3])).toBe(0);
  });
});

describe('shapes and values', () => {
  it('strides, padding and dilation give the output sizes of the formula', () => {
    const shape = (spec: LayerSpec) => {
      const model = single(spec, [11, 9, 2]);
      const s = model.outputs[0]!.shape;
      model.dispose();
      return s;
    };
    // valid: ⌊(n − ((k−1)·d + 1)) / s⌋ + 1; same: ⌈n / s⌉.
    expect(shape(conv(3, { padding: 'valid', dilation: [2, 3] }))).toEqual([null, 11 - 4, 9 - 6, 3]);
    expect(shape(conv(3, { padding: 'valid', strides: [2, 3] }))).toEqual([null, 5, 3, 3]);
    expect(shape(conv(3, { padding: 'same', strides: [2, 2] }))).toEqual([null, 6, 5, 3]);
    expect(shape(depthwise(2, { padding: 'valid', dilation: [3, 1] }))).toEqual([null, 11 - 6, 9 - 2, 4]);
    expect(shape(separable(5, { padding: 'valid', dilation: [1, 2], kernel: [3, 2] }))).toEqual([null, 11 - 2, 9 - 2, 5]);
    expect(shape(maxPool(3, { strides: [1, 1], padding: 'same' }))).toEqual([null, 11, 9, 2]);
  });

  it('pools compute maxima and means of their windows', () => {
    // 4×4 single-channel image 0..15; 2×2 windows.
    const x = tf.tensor4d(Array.from({ length: 16 }, (_, i) => i), [1, 4, 4, 1]);
    const values = (spec: LayerSpec) => {
      const model = single(spec, [4, 4, 1]);
      const v = run(model, x);
      model.dispose();
      return v;
    };
    expect(values(maxPool(2))).toEqual([5, 7, 13, 15]);
    expect(values(avgPool(2))).toEqual([2.5, 4.5, 10.5, 12.5]);
    expect(values(gap)).toEqual([7.5]);
    expect(values(gmp)).toEqual([15]);
    x.dispose();
  });

  it('batch norm at inference divides by √(1 + epsilon) with fresh statistics, and keeps momentum and epsilon', () => {
    const model = single(batchNorm({ momentum: 0.9, epsilon: 0.01 }), [2]);
    const got = run(model, tf.tensor2d([[1, -2]]));
    expect(got[0]).toBeCloseTo(1 / Math.sqrt(1.01), 6);
    expect(got[1]).toBeCloseTo(-2 / Math.sqrt(1.01), 6);
    expect(model.layers[1]!.getConfig()).toMatchObject({ momentum: 0.9, epsilon: 0.01 });
    model.dispose();
  });

  it('concatenate joins along the axis given', () => {
    const input = tf.input({ shape: [2, 3, 1] });
    const other = tf.input({ shape: [2, 3, 2] });
    const ctx = { names: new LayerNames([]), seeds: { init: 1, dropout: 2 }, created: [] };
    const joined = applyLayer(ctx, concatenate(['a', 'b']), [input, other], 'test');
    expect(joined.shape).toEqual([null, 2, 3, 3]);
    const tall = applyLayer(ctx, concatenate(['a', 'a'], { axis: 1 }), [input, input], 'test');
    expect(tall.shape).toEqual([null, 4, 3, 1]);
    const model = tf.model({ inputs: [input, other], outputs: joined });
    const a = tf.ones([1, 2, 3, 1]);
    const b = tf.fill([1, 2, 3, 2], 2);
    const out = model.predict([a, b]) as tf.Tensor;
    expect(Array.from(out.dataSync())).toEqual(Array.from({ length: 6 }, () => [1, 2, 2]).flat());
    tf.dispose([a, b, out]);
    expect(() => applyLayer(ctx, concatenate(['a', 'b'], { axis: 1 }), [input, other], 'model.layers[4] (concatenate)')).toThrow(
      'model.layers[4] (concatenate) joins inputs along axis 1, but they differ in another dimension ([batch, 2, 3, 1] and [batch, 2, 3, 2]).',
    );
    for (const axis of [0, 4, -5]) {
      expect(() => applyLayer(ctx, concatenate(['a', 'b'], { axis }), [input, other], 'model.layers[4] (concatenate)')).toThrow(
        `model.layers[4] (concatenate) joins along axis ${axis}, which its inputs ([batch, 2, 3, 1]) do not have as an image axis.`,
      );
    }
    ctx.created.forEach((l: tf.layers.Layer) => l.dispose());
  });
});

describe('initializers and regularizers', () => {
  it('every kernel is its initializer seeded from the init seed and the layer name (separable: per kernel)', () => {
    const model = single(separable(3, { kernelInitializer: 'lecunNormal' }), [4, 4, 2]);
    const [dw, pw] = model.layers[1]!.getWeights();
    const expectDw = tf.initializers.leCunNormal({ seed: seedFor(1, 'separable_conv2d_1/depthwise') }).apply([3, 3, 2, 1]);
    const expectPw = tf.initializers.leCunNormal({ seed: seedFor(1, 'separable_conv2d_1/pointwise') }).apply([1, 1, 2, 3]);
    expect(Array.from(dw!.dataSync())).toEqual(Array.from(expectDw.dataSync()));
    // Stock tfjs would initialize the pointwise kernel with the depthwise initializer (same seed).
    expect(Array.from(pw!.dataSync())).toEqual(Array.from(expectPw.dataSync()));
    tf.dispose([expectDw, expectPw]);
    model.dispose();
  });

  it('the training loss adds l1·Σ|w| + l2·Σw² over every regularized kernel', async () => {
    const reg = { l1: 0.01, l2: 0.02 };
    const model = buildLayersModel(
      [conv(2, { kernelRegularizer: reg }), depthwise(1, { kernelRegularizer: { l1: 0, l2: 0.5 } }), separable(2, { kernelRegularizer: reg }), gap, dense(3, { activation: 'softmax', kernelRegularizer: { l1: 0.3, l2: 0 } })],
      options([5, 5, 1], 3),
    );
    const penalty = (name: string, r: { l1: number; l2: number }) => {
      const w = model.weights.find((v) => v.originalName === name)!.read();
      return tf.tidy(() => r.l1 * tf.sum(tf.abs(w)).dataSync()[0]! + r.l2 * tf.sum(tf.square(w)).dataSync()[0]!);
    };
    const expectedPenalty =
      penalty('conv2d_1/kernel', reg) +
      penalty('depthwise_conv2d_1/depthwise_kernel', { l1: 0, l2: 0.5 }) +
      penalty('separable_conv2d_1/depthwise_kernel', reg) +
      penalty('separable_conv2d_1/pointwise_kernel', reg) +
      penalty('dense_1/kernel', { l1: 0.3, l2: 0 });
    const x = tf.randomNormal([4, 5, 5, 1], 0, 1, 'float32', 2);
    const y = tf.oneHot(tf.tensor1d([0, 1, 2, 1], 'int32'), 3).toFloat();
    const probs = model.predict(x) as tf.Tensor;
    const crossEntropy = tf.tidy(() => tf.mean(tf.neg(tf.sum(tf.mul(y, tf.log(probs)), 1))).dataSync()[0]!);
    model.compile({ optimizer: tf.train.sgd(0), loss: 'categoricalCrossentropy' });
    const loss = (await model.trainOnBatch(x, y)) as number;
    expect(expectedPenalty).toBeGreaterThan(0.01);
    expect(loss).toBeCloseTo(crossEntropy + expectedPenalty, 4);
    tf.dispose([x, y, probs]);
    model.dispose();
  });
});

it('a model using every layer type trains one step', async () => {
  const model = buildLayersModel(
    [
      conv(4, { name: 'stem', activation: 'elu' }),
      depthwise(1, { activation: 'relu6' }),
      separable(4, { name: 'left', activation: 'gelu' }),
      conv(4, { kernel: [1, 1], inputs: ['stem'], activation: 'swish', name: 'right' }),
      { type: 'concatenate', axis: -1, inputs: ['left', 'right'], name: 'joined' },
      { type: 'spatialDropout', rate: 0.2 },
      batchNorm(),
      activation('leakyRelu'),
      avgPool(2),
      conv(8, { kernel: [1, 1], name: 'proj' }),
      conv(8, { kernel: [1, 1], strides: [2, 2], inputs: ['joined'], name: 'shortcut' }),
      { type: 'add', inputs: ['proj', 'shortcut'] },
      { type: 'residual', filters: 8, kernel: [3, 3], strides: [1, 1] },
      maxPool(2),
      flatten,
      dense(6, { activation: 'selu' }),
      { type: 'dropout', rate: 0.3 },
      softmax(3),
    ],
    options([8, 8, 1], 3),
  );
  model.compile({ optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy' });
  const x = tf.randomNormal([2, 8, 8, 1], 0, 1, 'float32', 1);
  const y = tf.oneHot(tf.tensor1d([0, 2], 'int32'), 3).toFloat();
  const loss = (await model.trainOnBatch(x, y)) as number;
  expect(Number.isFinite(loss)).toBe(true);
  tf.dispose([x, y]);
  model.dispose();
});

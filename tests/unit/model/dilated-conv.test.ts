import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DilatedConv2D, DilatedDepthwiseConv2D, DilatedSeparableConv2D } from '../../../src/model/layers/dilated-conv.ts';
import { buildLayersModel } from '../../../src/model/build.ts';
import { conv, depthwise, gap, options, separable, softmax } from './specs.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

type Pair = [number, number];
interface Case {
  input: [number, number, number, number];
  kernel: Pair;
  dilation: Pair;
}
// Odd and even sizes, sizes not divisible by the dilation, unequal dilations, a 1×1 kernel.
const CASES: Case[] = [
  { input: [2, 9, 7, 3], kernel: [3, 2], dilation: [2, 3] },
  { input: [1, 8, 8, 2], kernel: [3, 3], dilation: [2, 2] },
  { input: [2, 6, 11, 1], kernel: [2, 3], dilation: [3, 1] },
  { input: [1, 5, 5, 2], kernel: [1, 1], dilation: [2, 2] },
];
const PADDINGS = ['same', 'valid'] as const;

/**
 * The dilated filter written out: d−1 zeros between neighbouring taps, built from pad/reshape/
 * slice so gradients flow back to the compact filter. An undilated convolution with it is the
 * dilated convolution by definition, computed without SpaceToBatchND.
 */
function zeroUpsample(k: tf.Tensor4D, [dh, dw]: Pair): tf.Tensor4D {
  const [kh, kw, a, b] = k.shape;
  const rows = tf
    .pad(tf.reshape(k, [kh, 1, kw, a, b]), [[0, 0], [0, dh - 1], [0, 0], [0, 0], [0, 0]])
    .reshape([kh * dh, kw, a, b])
    .slice([0, 0, 0, 0], [(kh - 1) * dh + 1, kw, a, b]);
  const h = (kh - 1) * dh + 1;
  return tf
    .pad(tf.reshape(rows, [h, kw, 1, a, b]), [[0, 0], [0, 0], [0, dw - 1], [0, 0], [0, 0]])
    .reshape([h, kw * dw, a, b])
    .slice([0, 0, 0, 0], [h, (kw - 1) * dw + 1, a, b]) as tf.Tensor4D;
}

const maxDiff = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);

function makeLayer(kind: 'conv' | 'depthwise' | 'separable', c: Case, padding: 'same' | 'valid', seed: number): tf.layers.Layer {
  const common = { kernelSize: c.kernel, dilationRate: c.dilation, padding, activation: 'relu' as const, biasInitializer: tf.initializers.randomNormal({ seed: seed + 1 }) };
  if (kind === 'conv') return new DilatedConv2D({ ...common, filters: 4, kernelInitializer: tf.initializers.glorotUniform({ seed }) });
  if (kind === 'depthwise') return new DilatedDepthwiseConv2D({ ...common, depthMultiplier: 2, depthwiseInitializer: tf.initializers.glorotUniform({ seed }) });
  return new DilatedSeparableConv2D({
    ...common,
    filters: 3,
    depthMultiplier: 2,
    depthwiseInitializer: tf.initializers.glorotUniform({ seed }),
    pointwiseInitializer: tf.initializers.glorotUniform({ seed: seed + 2 }),
  });
}

/** The reference: tfjs's own dilated ops (forward only), or the zero-upsampled filter (differentiable). */
function reference(kind: 'conv' | 'depthwise' | 'separable', x: tf.Tensor4D, w: tf.Tensor[], c: Case, padding: 'same' | 'valid', upsampled: boolean): tf.Tensor {
  const [k, second, third] = w as tf.Tensor4D[];
  const filter = upsampled ? zeroUpsample(k!, c.dilation) : k!;
  const dilation: Pair = upsampled ? [1, 1] : c.dilation;
  let y: tf.Tensor;
  if (kind === 'conv') y = tf.add(tf.conv2d(x, filter, 1, padding, 'NHWC', dilation), second!);
  else if (kind === 'depthwise') y = tf.add(tf.depthwiseConv2d(x, filter, 1, padding, 'NHWC', dilation), second!);
  else y = tf.add(tf.separableConv2d(x, filter, second!, 1, padding, dilation), third!);
  return tf.relu(y);
}

describe.each(['conv', 'depthwise', 'separable'] as const)('dilated %s layer', (kind) => {
  it.each(PADDINGS)('forward equals tfjs\'s own dilated op (%s padding)', (padding) => {
    CASES.forEach((c, i) => {
      const layer = makeLayer(kind, c, padding, 10 + i);
      const x = tf.randomNormal(c.input, 0, 1, 'float32', i) as tf.Tensor4D;
      const y = layer.apply(x) as tf.Tensor;
      const ref = reference(kind, x, layer.getWeights(), c, padding, false);
      expect(y.shape).toEqual(ref.shape);
      expect(layer.computeOutputShape([null, ...c.input.slice(1)])).toEqual([null, ...ref.shape.slice(1)]);
      expect(maxDiff(y, ref)).toBeLessThan(1e-5);
      tf.dispose([x, y, ref]);
      layer.dispose();
    });
  });

  it.each(PADDINGS)('gradients equal those through the zero-upsampled filter (%s padding)', (padding) => {
    CASES.forEach((c, i) => {
      const layer = makeLayer(kind, c, padding, 20 + i);
      const x = tf.variable(tf.randomNormal(c.input, 0, 1, 'float32', 30 + i));
      layer.apply(x); // builds the weights
      const variables = layer.trainableWeights.map((w) => w.read() as tf.Variable);
      // A random weighting of the outputs, so every output position matters differently.
      const outShape = (layer.apply(x) as tf.Tensor).shape;
      const r = tf.randomNormal(outShape, 0, 1, 'float32', 40 + i);
      const ours = tf.variableGrads(() => tf.sum(tf.mul(layer.apply(x) as tf.Tensor, r)) as tf.Scalar, [x, ...variables]);
      const theirs = tf.grads((xx: tf.Tensor, ...w: tf.Tensor[]) => tf.sum(tf.mul(reference(kind, xx as tf.Tensor4D, w, c, padding, true), r)))([x, ...variables]);
      [x, ...variables].forEach((v, j) => {
        const g = ours.grads[v.name]!;
        expect(g.shape).toEqual(theirs[j]!.shape);
        expect(maxDiff(g, theirs[j]!)).toBeLessThan(1e-4);
      });
      tf.dispose([x, r, ours.value, ...Object.values(ours.grads), ...theirs]);
      layer.dispose();
    });
  });
});

describe('dilated convolution gradients', () => {
  it('tfjs itself rejects them (why these layers exist)', () => {
    const x = tf.ones([1, 6, 6, 1]) as tf.Tensor4D;
    const k = tf.ones([3, 3, 1, 1]) as tf.Tensor4D;
    expect(() => tf.grad((xx: tf.Tensor) => tf.conv2d(xx as tf.Tensor4D, k, 1, 'same', 'NHWC', 2))(x)).toThrow(/dilation rates greater than 1/);
    tf.dispose([x, k]);
  });

  it('match central finite differences on a tiny depthwise case', () => {
    const layer = new DilatedDepthwiseConv2D({ kernelSize: 2, dilationRate: 2, padding: 'same', useBias: false, depthwiseInitializer: tf.initializers.randomNormal({ seed: 3 }) });
    const x = tf.randomNormal([1, 5, 4, 1], 0, 1, 'float32', 4) as tf.Tensor4D;
    layer.apply(x);
    const kernel = layer.trainableWeights[0]!;
    const r = tf.randomNormal([1, 5, 4, 1], 0, 1, 'float32', 5);
    const loss = () => tf.tidy(() => tf.sum(tf.mul(layer.apply(x) as tf.Tensor, r)).dataSync()[0]!);
    const variable = kernel.read() as tf.Variable;
    const { grads, value } = tf.variableGrads(() => tf.sum(tf.mul(layer.apply(x) as tf.Tensor, r)) as tf.Scalar, [variable]);
    const analytic = Array.from(grads[variable.name]!.dataSync());
    const base = Array.from(kernel.read().dataSync());
    const eps = 1e-2;
    const numeric = base.map((_, i) => {
      const at = (delta: number) => {
        const w = base.slice();
        w[i]! += delta;
        layer.setWeights([tf.tensor(w, kernel.shape as number[])]);
        return loss();
      };
      return (at(eps) - at(-eps)) / (2 * eps);
    });
    numeric.forEach((n, i) => expect(n).toBeCloseTo(analytic[i]!, 2));
    tf.dispose([x, r, value, ...Object.values(grads)]);
    layer.dispose();
  });
});

describe('dilated layers in a model', () => {
  it('train with trainOnBatch and change their kernels', async () => {
    const model = buildLayersModel(
      [conv(4, { dilation: [2, 2], activation: 'relu' }), depthwise(1, { dilation: [2, 1] }), separable(4, { dilation: [1, 3], padding: 'valid' }), gap, softmax(3)],
      options([10, 10, 2], 3),
    );
    model.compile({ optimizer: tf.train.sgd(0.5), loss: 'categoricalCrossentropy' });
    const before = model.getWeights().map((w) => Array.from(w.dataSync()));
    const x = tf.randomNormal([4, 10, 10, 2], 0, 1, 'float32', 1);
    const y = tf.oneHot(tf.tensor1d([0, 1, 2, 0], 'int32'), 3).toFloat();
    await model.trainOnBatch(x, y);
    const after = model.getWeights().map((w) => Array.from(w.dataSync()));
    // Every kernel (conv, depthwise, separable depthwise and pointwise) moved.
    for (const name of ['conv2d_1/kernel', 'depthwise_conv2d_1/depthwise_kernel', 'separable_conv2d_1/depthwise_kernel', 'separable_conv2d_1/pointwise_kernel']) {
      const i = model.weights.findIndex((w) => w.originalName === name);
      expect(i, name).toBeGreaterThanOrEqual(0);
      expect(after[i]).not.toEqual(before[i]);
    }
    tf.dispose([x, y]);
    model.dispose();
  });

  it('serialize as the stock classes with their dilation', () => {
    const layer = new DilatedDepthwiseConv2D({ kernelSize: 3, dilationRate: [2, 2] });
    expect(layer.getClassName()).toBe('DepthwiseConv2D');
    expect(layer.getConfig()['dilationRate']).toEqual([2, 2]);
    expect(new DilatedConv2D({ filters: 1, kernelSize: 3 }).getClassName()).toBe('Conv2D');
    expect(new DilatedSeparableConv2D({ filters: 1, kernelSize: 3 }).getClassName()).toBe('SeparableConv2D');
  });
});

import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildLayersModel, buildModel } from '../../../src/model/build.ts';
import { summarizeModel } from '../../../src/model/summary.ts';
import { deriveSeed } from '../../../src/lib/rng.ts';
import { UserError } from '../../../src/lib/errors.ts';
import { add, batchNorm, conv, dense, flatten, gap, maxPool, options, residual, softmax } from './specs.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const opts = options([28, 28, 1]);
const names = (m: tf.LayersModel) => m.layers.map((l) => l.name);

describe('buildModel', () => {
  it('counts parameters as worked out by hand', async () => {
    const { model } = await buildModel({ kind: 'layers', layers: [conv(8, { activation: 'relu' }), batchNorm(), maxPool(2), flatten, softmax()] }, opts);
    // conv: 3*3*1*8 + 8 = 80; BN: 4*8 = 32 (16 trainable gamma/beta, 16 moving stats);
    // dense: 14*14*8*10 + 10 = 15690.
    const s = summarizeModel(model);
    expect(s.params).toEqual({ total: 80 + 32 + 15690, trainable: 80 + 16 + 15690, nonTrainable: 16 });
    expect(names(model)).toEqual(['input', 'conv2d_1', 'batch_norm_1', 'max_pool_1', 'flatten_1', 'dense_1']);
    expect(s.layers[3]!.outputShape).toBe('(None, 14, 14, 8)');
    model.dispose();
  });

  it('residual block: projection shortcut only when channels change', () => {
    const model = buildLayersModel([conv(4), residual(4), residual(6), gap, softmax()], opts);
    expect(names(model)).not.toContain('residual_1_shortcut_conv');
    expect(names(model)).toContain('residual_2_shortcut_conv');
    // residual_1: two 3x3 convs 4→4 (148 each) + two BN(4) (16 each) = 328.
    // residual_2: conv 4→6 (222) + conv 6→6 (330) + BN(6)*2 (48) + shortcut conv 1x1 4→6 (30) + BN(6) (24) = 654.
    const params = (prefix: string) => model.layers.filter((l) => l.name.startsWith(prefix)).reduce((s, l) => s + l.countParams(), 0);
    expect(params('residual_1_')).toBe(328);
    expect(params('residual_2_')).toBe(654);
    model.dispose();
  });

  it('a strided residual block projects its shortcut even when the channels stay', () => {
    const model = buildLayersModel([conv(4), residual(4, { strides: [2, 2] }), gap, softmax()], opts);
    expect(names(model)).toContain('residual_1_shortcut_conv');
    expect(model.getLayer('residual_1_out').outputShape).toEqual([null, 14, 14, 4]);
    model.dispose();
  });

  it('a user name wins, and generated names skip the names users took', () => {
    const model = buildLayersModel(
      [conv(4, { name: 'conv2d_1' }), conv(4), conv(4, { name: 'residual_1_add' }), residual(4), conv(4, { name: 'block', activation: 'leakyRelu' }), gap, softmax()],
      opts,
    );
    expect(names(model)).toEqual(
      expect.arrayContaining(['conv2d_1', 'conv2d_2', 'residual_1_add', 'residual_2_conv_a', 'residual_2_out', 'block', 'block_leaky_relu', 'dense_1']),
    );
    // residual_1 would own residual_1_add, which the user took for another layer's name.
    expect(names(model).some((n) => n.startsWith('residual_1_') && n !== 'residual_1_add')).toBe(false);
    model.dispose();
  });

  it('names do not depend on what was built before (tfjs global counters)', () => {
    const layers = [conv(4), flatten, softmax()];
    const first = buildLayersModel(layers, opts);
    tf.layers.dense({ units: 1 }); // advances tfjs's own counter
    const second = buildLayersModel(layers, opts);
    expect(names(second)).toEqual(names(first));
    [first, second].forEach((m) => m.dispose());
  });

  it('same init seed gives the same weights; another seed differs; kernels are the seeded initializer exactly', () => {
    const layers = [conv(4, { kernelInitializer: 'heNormal' }), flatten, softmax()];
    const a = buildLayersModel(layers, opts);
    const b = buildLayersModel(layers, opts);
    const c = buildLayersModel(layers, { ...opts, seeds: { init: 99, dropout: 2 } });
    const w = (m: tf.LayersModel) => Array.from(m.getWeights()[0]!.dataSync());
    expect(w(a)).toEqual(w(b));
    expect(w(a)).not.toEqual(w(c));
    const expected = tf.initializers.heNormal({ seed: deriveSeed(1, 'conv2d_1') }).apply([3, 3, 1, 4]);
    expect(w(a)).toEqual(Array.from(expected.dataSync()));
    expected.dispose();
    [a, b, c].forEach((m) => m.dispose());
  });

  it('rejects a model without a flat head, naming the fix', () => {
    expect(() => buildLayersModel([conv(4), softmax()], opts)).toThrow(
      'The model\'s output has shape [batch, 28, 28, 10], but a classifier must output one value per class. Add "- flatten: {}" or "- globalAvgPool: {}" before the last dense layer. End model.layers with "- dense: { units: 10, activation: softmax }".',
    );
  });

  it('rejects a wrong number of output units and a missing softmax', () => {
    expect(() => buildLayersModel([conv(4), flatten, softmax(7)], opts)).toThrow(
      'The model ends with 7 units, but the dataset has 10 classes. End model.layers with "- dense: { units: 10, activation: softmax }".',
    );
    expect(() => buildLayersModel([conv(4), flatten, dense(10)], opts)).toThrow(
      'The model\'s last layer ("dense_1") uses activation "linear", but convlens needs class probabilities. End model.layers with "- dense: { units: 10, activation: softmax }".',
    );
    expect(() => buildLayersModel([conv(4), flatten, dense(10, { activation: 'leakyRelu' })], opts)).toThrow(
      'The model\'s last layer ("dense_1_leaky_relu") uses activation "leakyRelu"',
    );
  });

  it('accepts a softmax given as a separate activation layer', () => {
    const model = buildLayersModel([conv(4), flatten, dense(10), { type: 'activation', activation: 'softmax' }], opts);
    expect(model.outputs[0]!.shape).toEqual([null, 10]);
    model.dispose();
  });

  it('reports shape problems as UserErrors that name the layer and the fix', () => {
    const build = (layers: Parameters<typeof buildLayersModel>[0]) => () => buildLayersModel(layers, opts);
    expect(build([conv(4, { strides: [2, 2], dilation: [2, 2] }), flatten, softmax()])).toThrow(
      'model.layers[0] (conv2d) uses strides [2, 2] together with dilation [2, 2]; a convolution can step or dilate, but not both (as in Keras). Set strides: 1, or dilation: 1 and add a pooling layer to downsample.',
    );
    expect(build([conv(4, { kernel: [5, 5], padding: 'valid' }), maxPool(25), flatten, softmax()])).toThrow(
      'model.layers[1] (maxPool) turns its input [batch, 24, 24, 4] into [batch, 0, 0, 4], which has no pixels left.',
    );
    expect(build([conv(4, { kernel: [29, 29], padding: 'valid' }), flatten, softmax()])).toThrow(
      'model.layers[0] (conv2d) turns its input [batch, 28, 28, 1] into [batch, 0, 0, 4], which has no pixels left. Use padding: same, a smaller kernel, pool size or stride, or fewer pooling layers before it.',
    );
    expect(build([conv(4, { name: 'a' }), conv(4, { name: 'b', strides: [2, 2] }), add(['a', 'b'], { name: 'sum' }), flatten, softmax()])).toThrow(
      'model.layers[2] (add "sum") adds inputs of different shapes ([batch, 28, 28, 4] and [batch, 14, 14, 4]); add needs identical shapes.',
    );
    expect(build([gap, flatten, softmax()])).toThrow(
      'model.layers[1] (flatten) cannot be applied to its input [batch, 1]: Input 0 is incompatible with layer flatten_1: expected min_ndim=3, found ndim=2. Check the layers before it',
    );
    expect(build([gap, flatten, softmax()])).toThrow(UserError);
  });

  it('frees every weight it created, after a model is disposed and after a failed build', async () => {
    const before = tf.memory().numTensors;
    const { model } = await buildModel({ kind: 'preset', preset: 'resnet', width: 0.125 }, options([16, 16, 3]));
    expect(tf.memory().numTensors).toBeGreaterThan(before);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
    // Fails at the head check, after every layer (and its weights) exists.
    expect(() => buildLayersModel([conv(4), residual(4), conv(4, { dilation: [2, 2] }), flatten, dense(3, { activation: 'softmax' })], opts)).toThrow(UserError);
    expect(() => buildLayersModel([conv(4), residual(8), gap, flatten, softmax()], opts)).toThrow(UserError);
    expect(tf.memory().numTensors).toBe(before);
  });
});

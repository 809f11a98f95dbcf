import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { LayerSpec } from '../../../src/config/spec.ts';
import { buildModel } from '../../../src/model/build.ts';
import { summarizeModel } from '../../../src/model/summary.ts';
import { SeededDropout } from '../../../src/model/layers/seeded-dropout.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const conv = (filters: number): LayerSpec => ({ type: 'conv2d', filters, kernel: [3, 3], strides: [1, 1], padding: 'same', activation: 'relu', useBias: true });
const head: LayerSpec[] = [{ type: 'flatten' }, { type: 'dense', units: 10, activation: 'softmax' }];
const opts = { inputShape: [28, 28, 1] as [number, number, number], numClasses: 10, seeds: { init: 1, dropout: 2 } };

describe('buildModel', () => {
  it('counts parameters as worked out by hand', () => {
    const model = buildModel(
      [conv(8), { type: 'batchNorm', momentum: 0.99, epsilon: 0.001 }, { type: 'maxPool', size: [2, 2], strides: [2, 2], padding: 'valid' }, ...head],
      opts,
    );
    // conv: 3*3*1*8 + 8 = 80; BN: 4*8 = 32 (16 trainable gamma/beta, 16 moving stats);
    // dense: 14*14*8*10 + 10 = 15690.
    const s = summarizeModel(model);
    expect(s.params).toEqual({ total: 80 + 32 + 15690, trainable: 80 + 16 + 15690, nonTrainable: 16 });
    expect(s.layers.map((l) => l.name)).toEqual(['input', 'conv2d_1', 'batch_norm_1', 'max_pool_1', 'flatten_1', 'dense_1']);
    expect(s.layers[3]!.outputShape).toBe('(None, 14, 14, 8)');
    model.dispose();
  });

  it('residual block: projection shortcut only when channels change', () => {
    const model = buildModel([conv(4), { type: 'residual', filters: 4, kernel: [3, 3], strides: [1, 1] }, { type: 'residual', filters: 6, kernel: [3, 3], strides: [1, 1] }, { type: 'globalAvgPool' }, { type: 'dense', units: 10, activation: 'softmax' }], opts);
    const names = model.layers.map((l) => l.name);
    expect(names).not.toContain('residual_1_shortcut_conv');
    expect(names).toContain('residual_2_shortcut_conv');
    // residual_1: two 3x3 convs 4→4 (148 each) + two BN(4) (16 each) = 328.
    // residual_2: conv 4→6 (222) + conv 6→6 (330) + BN(6)*2 (48) + shortcut conv 1x1 4→6 (30) + BN(6) (24) = 654.
    const params = (prefix: string) => model.layers.filter((l) => l.name.startsWith(prefix)).reduce((s, l) => s + l.countParams(), 0);
    expect(params('residual_1_')).toBe(328);
    expect(params('residual_2_')).toBe(654);
    model.dispose();
  });

  it('same init seed gives the same weights; another seed differs', () => {
    const layers = [conv(4), ...head];
    const a = buildModel(layers, opts);
    const b = buildModel(layers, opts);
    const c = buildModel(layers, { ...opts, seeds: { init: 99, dropout: 2 } });
    const w = (m: tf.LayersModel) => Array.from(m.getWeights()[0]!.dataSync());
    expect(w(a)).toEqual(w(b));
    expect(w(a)).not.toEqual(w(c));
    [a, b, c].forEach((m) => m.dispose());
  });

  it('rejects a model without a flat head, naming the fix', () => {
    expect(() => buildModel([conv(4), { type: 'dense', units: 10, activation: 'softmax' }], opts)).toThrow(
      'The model\'s output has shape [batch, 28, 28, 10], but a classifier must output one value per class. Add "- flatten: {}" or "- globalAvgPool: {}" before the last dense layer. End model.layers with "- dense: { units: 10, activation: softmax }".',
    );
  });

  it('rejects a wrong number of output units and a missing softmax', () => {
    expect(() => buildModel([conv(4), { type: 'flatten' }, { type: 'dense', units: 7, activation: 'softmax' }], opts)).toThrow(
      'The model ends with 7 units, but the dataset has 10 classes. End model.layers with "- dense: { units: 10, activation: softmax }".',
    );
    expect(() => buildModel([conv(4), { type: 'flatten' }, { type: 'dense', units: 10, activation: 'linear' }], opts)).toThrow(
      'The model\'s last layer ("dense_1") uses activation "linear", but convlens needs class probabilities. End model.layers with "- dense: { units: 10, activation: softmax }".',
    );
  });
});

describe('SeededDropout', () => {
  it('draws a different mask per training call, reproducibly, and none at inference', () => {
    const masks = (seed: number) => {
      const layer = new SeededDropout({ rate: 0.5, streamSeed: seed });
      const x = tf.ones([1, 64]);
      const out = [1, 2].map(() => Array.from((layer.apply(x, { training: true }) as tf.Tensor).dataSync()));
      const inference = Array.from((layer.apply(x) as tf.Tensor).dataSync());
      return { out, inference };
    };
    const a = masks(5);
    expect(a.out[0]).not.toEqual(a.out[1]);
    expect(masks(5).out).toEqual(a.out);
    expect(masks(6).out[0]).not.toEqual(a.out[0]);
    expect(a.inference).toEqual(new Array(64).fill(1));
    // Kept units are scaled by 1/(1-rate).
    expect(new Set(a.out[0])).toEqual(new Set([0, 2]));
  });

  it('serializes as a plain Dropout without a fixed seed', () => {
    const layer = new SeededDropout({ rate: 0.25, streamSeed: 1 });
    expect(layer.getClassName()).toBe('Dropout');
    expect(layer.getConfig()).not.toHaveProperty('seed');
    expect(layer.getConfig()['rate']).toBe(0.25);
  });
});

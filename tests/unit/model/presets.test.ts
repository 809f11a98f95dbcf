import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildModel } from '../../../src/model/build.ts';
import { presetLayers, scaled } from '../../../src/model/presets.ts';
import { summarizeModel } from '../../../src/model/summary.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

// Parameter counts from the layer definitions (Keras's formulas).
const conv = (k: number, cin: number, cout: number) => k * k * cin * cout + cout;
const bn = (c: number) => ({ trainable: 2 * c, moving: 2 * c }); // gamma, beta | moving mean, moving variance
const dense = (cin: number, cout: number) => cin * cout + cout;

interface Count {
  trainable: number;
  nonTrainable: number;
}
const sum = (parts: Count[]): Count => parts.reduce((a, b) => ({ trainable: a.trainable + b.trainable, nonTrainable: a.nonTrainable + b.nonTrainable }), { trainable: 0, nonTrainable: 0 });
const weights = (n: number): Count => ({ trainable: n, nonTrainable: 0 });
const norm = (c: number): Count => ({ trainable: bn(c).trainable, nonTrainable: bn(c).moving });

/** The book's residual_block(x, filters): conv+BN, conv+BN, and a 1×1 conv+BN shortcut when the channels change. */
function residualBlock(cin: number, cout: number): Count {
  const parts = [weights(conv(3, cin, cout)), norm(cout), weights(conv(3, cout, cout)), norm(cout)];
  if (cin !== cout) parts.push(weights(conv(1, cin, cout)), norm(cout));
  return sum(parts);
}

/** The book's build_improved_cnn with every width scaled, on `channels`-channel images. */
function bookResnet(width: number, channels: number, classes: number): Count {
  const [c1, c2, c3, d] = [64, 128, 256, 512].map((n) => Math.max(1, Math.round(n * width))) as [number, number, number, number];
  return sum([
    weights(conv(3, channels, c1)),
    norm(c1),
    residualBlock(c1, c1),
    residualBlock(c1, c1),
    residualBlock(c1, c2),
    residualBlock(c2, c2),
    residualBlock(c2, c3),
    residualBlock(c3, c3),
    weights(dense(c3, d)),
    weights(dense(d, classes)),
  ]);
}

/** BENCHMARK.md's small-cnn, scaled. */
function smallCnn(width: number, channels: number, classes: number): Count {
  const [a, b, c] = [32, 64, 128].map((n) => Math.max(1, Math.round(n * width))) as [number, number, number];
  return sum([weights(conv(3, channels, a)), norm(a), weights(conv(3, a, b)), weights(conv(3, b, c)), weights(dense(c, classes))]);
}

async function counted(preset: 'resnet' | 'simple-cnn', width: number, inputShape: [number, number, number], classes: number) {
  const before = tf.memory().numTensors;
  const { model, layers } = await buildModel({ kind: 'preset', preset, width }, { inputShape, numClasses: classes, seeds: { init: 1, dropout: 2 } });
  const summary = summarizeModel(model);
  model.dispose();
  expect(tf.memory().numTensors).toBe(before);
  return { params: summary.params, layers, summary };
}

describe('presets', () => {
  it('resnet at width 1 on 32×32×3 with 10 classes is the book\'s network, parameter for parameter', async () => {
    const expected = bookResnet(1, 3, 10);
    // Summed by hand once more: 2,918,538 parameters; 15 batch norms over 2,240 channels hold 4,480 moving statistics.
    expect(expected.trainable + expected.nonTrainable).toBe(2_918_538);
    expect(expected.nonTrainable).toBe(2 * 2240);
    const { params } = await counted('resnet', 1, [32, 32, 3], 10);
    expect(params).toEqual({ total: 2_918_538, trainable: expected.trainable, nonTrainable: 4480 });
  });

  it('resnet at width 0.25 is BENCHMARK.md\'s resnet-w16', async () => {
    const expected = bookResnet(0.25, 3, 10);
    const { params, summary } = await counted('resnet', 0.25, [32, 32, 3], 10);
    expect(params).toEqual({ total: expected.trainable + expected.nonTrainable, ...expected });
    // conv 16 → blocks 16, 16 → pool → 32, 32 → pool → 64, 64 → GAP → dense 128 → dropout → dense 10.
    const shapes = Object.fromEntries(summary.layers.map((l) => [l.name, l.outputShape]));
    expect(shapes).toMatchObject({
      conv2d_1: '(None, 32, 32, 16)',
      residual_2_out: '(None, 32, 32, 16)',
      max_pool_1: '(None, 16, 16, 16)',
      residual_4_out: '(None, 16, 16, 32)',
      residual_6_out: '(None, 8, 8, 64)',
      dense_1: '(None, 128)',
      dropout_1: '(None, 128)',
      dense_2: '(None, 10)',
    });
    expect(summary.layers.map((l) => l.name).filter((n) => n.endsWith('_shortcut_conv'))).toEqual(['residual_3_shortcut_conv', 'residual_5_shortcut_conv']);
  });

  it('simple-cnn is BENCHMARK.md\'s small-cnn, at width 1 and scaled', async () => {
    for (const width of [1, 0.5, 2]) {
      const expected = smallCnn(width, 1, 10);
      const { params } = await counted('simple-cnn', width, [28, 28, 1], 10);
      expect(params).toEqual({ total: expected.trainable + expected.nonTrainable, ...expected });
    }
    // 320 + 128 (BN) + 18,496 + 73,856 + 1,290.
    expect(smallCnn(1, 1, 10).trainable + smallCnn(1, 1, 10).nonTrainable).toBe(94_090);
  });

  it('never scales the class count, and keeps every width at least 1', () => {
    const tiny = presetLayers('resnet', 0.001, 7);
    const last = tiny[tiny.length - 1]!;
    expect(last).toMatchObject({ type: 'dense', units: 7, activation: 'softmax' });
    expect(tiny.flatMap((l) => ('filters' in l ? [l.filters] : 'units' in l ? [l.units] : []))).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 7]);
    expect([scaled(64, 0.1), scaled(64, 0.5), scaled(3, 0.5), scaled(1, 0.01)]).toEqual([6, 32, 2, 1]);
  });

  it('presets.ts stays pure (no tfjs)', () => {
    const source = readFileSync(new URL('../../../src/model/presets.ts', import.meta.url), 'utf8');
    expect(source).not.toMatch(/from '@tensorflow/);
  });
});

import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { LayerSpec } from '../../../src/config/spec.ts';
import { buildLayersModel } from '../../../src/model/build.ts';
import { summarizeModel } from '../../../src/model/summary.ts';
import { activation, add, batchNorm, concatenate, conv, dense, gap, maxPool, options, residual, softmax } from './specs.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const opts = options([8, 8, 2], 3);
const connections = (model: tf.LayersModel) => Object.fromEntries(summarizeModel(model).layers.map((l) => [l.name, l.connectedTo]));

describe('layer graphs', () => {
  it('a diamond: two branches of one node joined by add', () => {
    const model = buildLayersModel(
      [conv(4, { name: 'stem' }), conv(4, { name: 'left', activation: 'relu' }), conv(4, { kernel: [1, 1], inputs: ['stem'], name: 'right' }), add(['left', 'right'], { name: 'sum' }), gap, softmax(3)],
      opts,
    );
    expect(connections(model)).toMatchObject({ stem: ['input'], left: ['stem'], right: ['stem'], sum: ['left', 'right'], global_avg_pool_1: ['sum'] });
    // The sum really is left + right: compare with the branches evaluated on their own.
    const x = tf.randomNormal([2, 8, 8, 2], 0, 1, 'float32', 1);
    const probe = tf.model({ inputs: model.inputs, outputs: ['left', 'right', 'sum'].map((n) => model.getLayer(n).output as tf.SymbolicTensor) });
    const [left, right, sum] = probe.predict(x) as tf.Tensor[];
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(tf.add(left!, right!), sum!))).dataSync()[0]!);
    expect(diff).toBeLessThan(1e-6);
    tf.dispose([x, left!, right!, sum!]);
    model.dispose();
  });

  it('concatenate joins branches along the channels; inputs may read the model input again', () => {
    const model = buildLayersModel(
      [conv(3, { name: 'a' }), maxPool(1, { name: 'b', inputs: ['input'] }), concatenate(['a', 'b', 'input'], { name: 'joined' }), gap, softmax(3)],
      opts,
    );
    expect(model.getLayer('joined').outputShape).toEqual([null, 8, 8, 3 + 2 + 2]);
    expect(connections(model)['joined']).toEqual(['a', 'b', 'input']);
    expect(summarizeModel(model).chain).toBe(false);
    model.dispose();
  });

  it('a chain is reported as one', () => {
    const model = buildLayersModel([conv(3), gap, softmax(3)], opts);
    expect(summarizeModel(model).chain).toBe(true);
    model.dispose();
  });

  it('a residual block written by hand equals the built-in one: parameters, and outputs with the same weights', () => {
    const handWritten: LayerSpec[] = [
      conv(4, { name: 'stem' }),
      conv(6, { name: 'a' }),
      batchNorm(),
      activation('relu'),
      conv(6),
      batchNorm({ name: 'main' }),
      conv(6, { kernel: [1, 1], inputs: ['stem'] }),
      batchNorm({ name: 'shortcut' }),
      add(['main', 'shortcut']),
      activation('relu'),
      gap,
      softmax(3),
    ];
    const builtIn: LayerSpec[] = [conv(4, { name: 'stem' }), residual(6), gap, softmax(3)];
    const a = buildLayersModel(handWritten, opts);
    const b = buildLayersModel(builtIn, opts);
    // By hand: conv 3·3·4·6+6 = 222, conv 3·3·6·6+6 = 330, 1×1 conv 4·6+6 = 30, three BN(6) 3·24 = 72 → 654.
    const blockParams = (m: tf.LayersModel, skip: string[]) => summarizeModel(m).params.total - skip.reduce((s, n) => s + m.getLayer(n).countParams(), 0);
    expect(blockParams(a, ['stem', 'dense_1'])).toBe(654);
    expect(blockParams(b, ['stem', 'dense_1'])).toBe(654);
    // Same weights (in the built-in block's order) → same predictions.
    const order = ['stem', 'a', 'conv2d_1', 'batch_norm_1', 'main', 'conv2d_2', 'shortcut', 'dense_1'];
    const builtInOrder = ['stem', 'residual_1_conv_a', 'residual_1_conv_b', 'residual_1_bn_a', 'residual_1_bn_b', 'residual_1_shortcut_conv', 'residual_1_shortcut_bn', 'dense_1'];
    order.forEach((name, i) => a.getLayer(name).setWeights(b.getLayer(builtInOrder[i]!).getWeights()));
    const x = tf.randomNormal([2, 8, 8, 2], 0, 1, 'float32', 2);
    const [pa, pb] = [a, b].map((m) => m.predict(x) as tf.Tensor);
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(pa!, pb!))).dataSync()[0]!);
    expect(diff).toBeLessThan(1e-6);
    tf.dispose([x, pa!, pb!]);
    [a, b].forEach((m) => m.dispose());
  });

  it('a branch of several layers, joined later', () => {
    const model = buildLayersModel(
      [conv(4, { name: 'stem' }), conv(4), conv(4, { name: 'deep' }), maxPool(1, { inputs: ['stem'], name: 'skip' }), concatenate(['deep', 'skip']), dense(5), gap, softmax(3)],
      opts,
    );
    expect(connections(model)).toMatchObject({ conv2d_1: ['stem'], deep: ['conv2d_1'], skip: ['stem'], concatenate_1: ['deep', 'skip'] });
    model.dispose();
  });
});

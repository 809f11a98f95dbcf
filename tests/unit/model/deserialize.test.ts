import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildLayersModel } from '../../../src/model/build.ts';
import { loadConvlensModel, withConvlensClasses } from '../../../src/model/deserialize.ts';
import { DilatedDepthwiseConv2D } from '../../../src/model/layers/dilated-conv.ts';
import { saveModel, type SavedModel } from '../../../src/engine/model-io.ts';
import { loadStock } from './stock-load.ts';
import { activation, depthwise, gap, options, softmax } from './specs.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function artifacts(saved: SavedModel) {
  const json = JSON.parse(saved.modelJson) as { modelTopology: object; weightsManifest: { weights: tf.io.WeightsManifestEntry[] }[] };
  const weightData = saved.weights.buffer.slice(saved.weights.byteOffset, saved.weights.byteOffset + saved.weights.byteLength) as ArrayBuffer;
  return { modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0]!.weights, weightData };
}

const maxDiff = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);

describe('loadConvlensModel', () => {
  it('reads a dilated depthwise layer correctly, where stock tfjs silently convolves undilated', async () => {
    const model = buildLayersModel([depthwise(2, { dilation: [2, 2], padding: 'valid' }), gap, softmax(3)], options([9, 9, 2], 3));
    const saved = await saveModel(model);
    const x = tf.randomNormal([2, 9, 9, 2], 0, 1, 'float32', 1);
    const expected = model.predict(x) as tf.Tensor;

    const ours = await loadConvlensModel(artifacts(saved));
    expect(ours.getLayer('depthwise_conv2d_1')).toBeInstanceOf(DilatedDepthwiseConv2D);
    expect(ours.getLayer('depthwise_conv2d_1').outputShape).toEqual([null, 5, 5, 4]);
    const got = ours.predict(x) as tf.Tensor;
    expect(maxDiff(got, expected)).toBeLessThan(1e-6);

    const stock = await loadStock(saved);
    // 9 − 3 + 1 = 7: the dilation was dropped.
    expect(stock.getLayer('depthwise_conv2d_1').outputShape).toEqual([null, 7, 7, 4]);
    tf.dispose([x, expected, got]);
    [model, ours, stock].forEach((m) => m.dispose());
  });

  it('reads ELU with alpha ≠ 1, which stock tfjs refuses', async () => {
    const model = buildLayersModel([activation('elu', { alpha: 0.5 }), gap, softmax(3)], options([4, 4, 2], 3));
    const saved = await saveModel(model);
    await expect(loadStock(saved)).rejects.toThrow('Non-default alpha value (0.5) is not supported');
    const ours = await loadConvlensModel(artifacts(saved));
    const x = tf.randomNormal([2, 4, 4, 2], 0, 3, 'float32', 2);
    const [a, b] = [model, ours].map((m) => m.predict(x) as tf.Tensor);
    expect(maxDiff(a!, b!)).toBeLessThan(1e-6);
    tf.dispose([x, a!, b!]);
    [model, ours].forEach((m) => m.dispose());
  });

  it('restores tfjs\'s class registry afterwards, also when loading fails', async () => {
    const registry = tf.serialization.SerializationMap.getMap().classNameMap;
    const before = { ...registry };
    await expect(withConvlensClasses(async () => {
      expect(registry['BatchNormalization']).not.toEqual(before['BatchNormalization']);
      throw new Error('boom');
    })).rejects.toThrow('boom');
    expect(registry).toEqual(before);
  });
});

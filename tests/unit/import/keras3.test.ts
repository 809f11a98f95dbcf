/**
 * A Keras 3 functional model in the zip format, written here (config in Keras 3's schema:
 * module/registered_name, DTypePolicy, __keras_tensor__ inbound nodes, batch_shape; weights as
 * layers/<class key>/vars/i through h5wasm), exercising the options real fixtures lack: a grouped
 * convolution re-expressed as depthwise, ReLU max_value, LeakyReLU negative_slope, Multiply,
 * Concatenate, global pooling with keepdims, Rescaling. Output checked against plain arithmetic.
 */
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import h5wasm from 'h5wasm/node';
import { beforeAll, describe, expect, it } from 'vitest';
import { instantiateModel, readModelFile } from '../../../src/import/index.ts';
import { makeZip } from './zip-writer.ts';

const policy = { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null };
const tensor = (layer: string) => ({ class_name: '__keras_tensor__', config: { shape: [null], dtype: 'float32', keras_history: [layer, 0, 0] } });
const layer = (class_name: string, name: string, config: object, inputs: string[] | string) => ({
  module: 'keras.layers',
  class_name,
  config: { name, trainable: true, dtype: policy, ...config },
  registered_name: null,
  name,
  inbound_nodes: [{ args: Array.isArray(inputs) ? [inputs.map(tensor)] : [tensor(inputs)], kwargs: {} }],
});

const CONFIG = {
  module: 'keras',
  class_name: 'Functional',
  config: {
    name: 'functional',
    trainable: true,
    layers: [
      { module: 'keras.layers', class_name: 'InputLayer', config: { batch_shape: [null, 2, 2, 2], dtype: 'float32', sparse: false, name: 'input_layer' }, registered_name: null, name: 'input_layer', inbound_nodes: [] },
      layer('Conv2D', 'grouped', { filters: 4, kernel_size: [1, 1], strides: [1, 1], padding: 'valid', data_format: 'channels_last', dilation_rate: [1, 1], groups: 2, activation: 'linear', use_bias: false }, 'input_layer'),
      layer('ReLU', 'relu6', { max_value: 6.0, negative_slope: 0.0, threshold: 0.0 }, 'grouped'),
      layer('LeakyReLU', 'leaky', { negative_slope: 0.1 }, 'grouped'),
      layer('Multiply', 'product', {}, ['relu6', 'leaky']),
      layer('Concatenate', 'joined', { axis: -1 }, ['product', 'grouped']),
      layer('GlobalAveragePooling2D', 'pooled', { data_format: 'channels_last', keepdims: true }, 'joined'),
      layer('Rescaling', 'rescaled', { scale: 2.0, offset: 1.0 }, 'pooled'),
      layer('Flatten', 'flat', { data_format: 'channels_last' }, 'rescaled'),
    ],
    input_layers: ['input_layer', 0, 0],
    output_layers: ['flat', 0, 0],
  },
  registered_name: 'Functional',
};

/** Grouped 1×1 kernel [1, 1, 1, 4]: outputs 0,1 read input channel 0; outputs 2,3 read channel 1. */
const KERNEL = [2, -3, 0.5, 10];
const INPUT = [1, 2, -1, 4, 3, -2, 0.5, 1]; // [1, 2, 2, 2]

let path: string;

beforeAll(async () => {
  await tf.setBackend('cpu');
  const dir = mkdtempSync(join(tmpdir(), 'convlens-keras3-'));
  await h5wasm.ready;
  const h5path = join(dir, 'model.weights.h5');
  const f = new h5wasm.File(h5path, 'w');
  f.create_group('layers');
  f.create_group('layers/conv2d');
  f.create_group('layers/conv2d/vars');
  f.get('layers/conv2d/vars')!;
  (f.get('layers/conv2d/vars') as InstanceType<typeof h5wasm.Group>).create_dataset({ name: '0', data: new Float32Array(KERNEL), shape: [1, 1, 1, 4], dtype: '<f' });
  f.close();
  path = join(dir, 'model.keras');
  writeFileSync(path, makeZip([
    { name: 'metadata.json', data: Buffer.from(JSON.stringify({ keras_version: '3.15.0', date_saved: '2026-01-01@00:00:00' })) },
    { name: 'config.json', data: Buffer.from(JSON.stringify(CONFIG)), deflate: true },
    { name: 'model.weights.h5', data: readFileSync(h5path) },
  ]));
  rmSync(h5path);
});

describe('a Keras 3 zip model', () => {
  it('reads with its producer, classes and shapes', async () => {
    const model = await readModelFile(path);
    expect(model.producer).toBe('Keras 3.15.0');
    expect(model.inputShape).toEqual([2, 2, 2]);
    expect(model.outputShape).toEqual([8]);
    expect(model.layerClasses).toEqual(['InputLayer', 'Conv2D', 'ReLU', 'LeakyReLU', 'Multiply', 'Concatenate', 'GlobalAveragePooling2D', 'Rescaling', 'Flatten']);
    expect(model.artifacts.weightSpecs).toEqual([{ name: 'grouped/depthwise_kernel', shape: [1, 1, 2, 2], dtype: 'float32' }]);
  });

  it('computes what the layers define', async () => {
    const model = await instantiateModel(await readModelFile(path));
    const y = model.predict(tf.tensor(INPUT, [1, 2, 2, 2])) as tf.Tensor;
    const out = Array.from(await y.data());
    // By hand: per pixel, a = [x0·2, x0·(−3), x1·0.5, x1·10]; product = min(max(a,0),6)·leaky(a) (0 where a ≤ 0).
    const leaky = (v: number) => (v > 0 ? v : 0.1 * v);
    const relu6 = (v: number) => Math.min(Math.max(v, 0), 6);
    const sums = new Array(8).fill(0);
    for (let p = 0; p < 4; p++) {
      const x0 = INPUT[p * 2]!, x1 = INPUT[p * 2 + 1]!;
      const a = [x0 * KERNEL[0]!, x0 * KERNEL[1]!, x1 * KERNEL[2]!, x1 * KERNEL[3]!];
      a.forEach((v, c) => {
        sums[c] += relu6(v) * leaky(v);
        sums[4 + c] += v;
      });
    }
    const expected = sums.map((s) => (s / 4) * 2 + 1);
    out.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 5));
    tf.dispose(y);
    model.dispose();
  });
});

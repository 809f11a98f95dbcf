/**
 * What reading an ONNX file records (format, producer, digest over the file and its external
 * data, shapes, tensor → layer names), that reading loads no tfjs, and that what the report
 * publishes for an ONNX model is a stock TensorFlow.js layers model computing the same outputs.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { saveModel } from '../../../src/engine/model-io.ts';
import { instantiateModel, readModelFile } from '../../../src/import/index.ts';
import { MODELS } from './reference.ts';

const ROOT = join(MODELS, 'onnx');
const sha256 = (...files: string[]) => {
  const h = createHash('sha256');
  for (const f of files) h.update(readFileSync(join(ROOT, f)));
  return h.digest('hex');
};

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('reading ONNX files', () => {
  it('records format, producer, digest (the .onnx bytes, then its external data) and shapes', async () => {
    const resnet = await readModelFile(join(ROOT, 'resnet18/resnet18-opset11.onnx'));
    expect(resnet).toMatchObject({ format: 'onnx', producer: 'PyTorch 1.13.0 (ONNX opset 11)', inputShape: [32, 32, 3], outputShape: [10] });
    expect(resnet.sha256).toBe(sha256('resnet18/resnet18-opset11.onnx', 'resnet18/resnet18.weights'));
    const fashion = await readModelFile(join(ROOT, 'fashion-cnn/fashion-cnn-opset17-bn.onnx'));
    expect(fashion).toMatchObject({ producer: 'PyTorch 1.13.0 (ONNX opset 17)', inputShape: [28, 28, 1], outputShape: [10] });
    expect(fashion.sha256).toBe(sha256('fashion-cnn/fashion-cnn-opset17-bn.onnx'));
    expect(fashion.layerClasses).toEqual(['InputLayer', 'Conv2D', 'BatchNormalization', 'ReLU', 'MaxPooling2D', 'Flatten', 'Dense']);
  });

  it('names layers after PyTorch scopes and maps every ONNX tensor to its layer', async () => {
    const m = await readModelFile(join(ROOT, 'mobilenet_v2/mobilenet_v2-opset17.onnx'));
    const layers = (m.artifacts.modelTopology as any).model_config.config.layers as { name: string; class_name: string }[];
    expect(layers.slice(0, 4).map((l) => `${l.class_name} ${l.name}`)).toEqual([
      'InputLayer input', 'ZeroPadding2D features.0.0_Conv_pad', 'Conv2D features.0.0_Conv', 'ReLU features.0.2_Clip',
    ]);
    expect(m.tensorLayers!['output']).toBe(layers.at(-1)!.name);
    expect(new Set(layers.map((l) => l.name)).size).toBe(layers.length);
    for (const name of Object.values(m.tensorLayers!)) expect(layers.some((l) => l.name === name)).toBe(true);
  });

  it('loads no tfjs (a fresh process)', () => {
    const index = join(import.meta.dirname, '../../../src/import/index.ts');
    const script = `const m = await import(${JSON.stringify(index)});
      for (const f of process.argv.slice(1)) await m.readModelFile(f);
      console.log(JSON.stringify({ engine: globalThis._tfengine !== undefined }));`;
    const files = ['resnet18/resnet18-opset17.onnx', 'fashion-cnn/fashion-cnn-opset11.onnx'].map((f) => join(ROOT, f));
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script, ...files], { encoding: 'utf8' });
    expect(JSON.parse(out.trim().split('\n').pop()!)).toEqual({ engine: false });
  });
});

describe('published ONNX models load in stock tfjs', () => {
  const cases = [
    ['onnx/resnet18/resnet18-opset17.onnx', [2, 32, 32, 3]],
    ['onnx/mobilenet_v2/mobilenet_v2-opset11.onnx', [2, 64, 64, 3]],
    ['onnx/fashion-cnn/fashion-cnn-opset17-bn.onnx', [2, 28, 28, 1]],
    ['onnx-ops/merge.onnx', [2, 8, 8, 3]],
    ['onnx-ops/activations.onnx', [2, 6, 6, 4]],
    ['onnx-ops/conv-transpose.onnx', [2, 5, 5, 3]],
  ] as const;
  for (const [file, shape] of cases) {
    it(file, async () => {
      const converted = await instantiateModel(await readModelFile(join(MODELS, file)));
      const saved = await saveModel(converted);
      const json = JSON.parse(saved.modelJson) as { modelTopology: object; weightsManifest: { weights: tf.io.WeightsManifestEntry[] }[] };
      const weightData = saved.weights.buffer.slice(saved.weights.byteOffset, saved.weights.byteOffset + saved.weights.byteLength) as ArrayBuffer;
      const stock = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0]!.weights, weightData }));
      const x = tf.randomNormal([...shape], 0, 1, 'float32', 7);
      const [a, b] = [converted.predict(x) as tf.Tensor, stock.predict(x) as tf.Tensor];
      expect(Math.max(...Array.from(await tf.abs(tf.sub(a, b)).data()))).toBeLessThanOrEqual(1e-6);
      tf.dispose([x, a, b]);
      stock.dispose();
      converted.dispose();
    });
  }
});

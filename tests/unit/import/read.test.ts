/**
 * readModelFile on every real fixture: format by content, producer, digest, shapes, classes, and
 * weight values equal to those the reference script read independently with h5py / NumPy.
 * Also: reading needs no tfjs backend (checked in a fresh process).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readModelFile, type ImportedModel } from '../../../src/import/index.ts';
import { sniffFormat } from '../../../src/import/sniff.ts';
import { MODELS, REFERENCES, loadReference, modelPath } from './reference.ts';

/** The float32 values of weight `name` in the imported artifacts. */
function weightValues(model: ImportedModel, name: string): Float32Array | undefined {
  let offset = 0;
  for (const spec of model.artifacts.weightSpecs) {
    const size = spec.shape.reduce((a, b) => a * b, 1);
    if (spec.name === name) return new Float32Array(model.artifacts.weightData, offset * 4, size);
    offset += size;
  }
  return undefined;
}

describe('sniffFormat', () => {
  it('tells the formats by content', () => {
    expect(sniffFormat(readFileSync(join(MODELS, 'keras-h5/dl4j-cnn_batch_norm.h5')))).toBe('keras-h5');
    expect(sniffFormat(readFileSync(join(MODELS, 'keras-zip/pyzzle-digits-tfkeras2.13.keras')))).toBe('keras-zip');
    expect(sniffFormat(readFileSync(join(MODELS, 'tfjs-layers/smirnov-cifar-cnn/model.json')))).toBe('tfjs-layers');
    expect(sniffFormat(Buffer.from('\uFEFF \n {"a":1}'))).toBe('tfjs-layers');
    expect(sniffFormat(Buffer.from('[1,2]'))).toBeUndefined();
    expect(sniffFormat(Buffer.from(''))).toBeUndefined();
  });
  it('finds HDF5 after a user block', () => {
    const h5 = readFileSync(join(MODELS, 'keras-h5/dl4j-cnn_batch_norm.h5'));
    expect(sniffFormat(Buffer.concat([Buffer.alloc(512), h5.subarray(0, 16)]))).toBe('keras-h5');
    expect(sniffFormat(Buffer.concat([Buffer.alloc(100), h5.subarray(0, 16)]))).toBeUndefined();
  });
});

const PRODUCERS: Record<string, string> = {
  'keras-h5-dl4j-cnn2d_101': 'tf.keras 2.2.4',
  'keras-h5-dl4j-cnn2d_77': 'tf.keras 2.2.4',
  'keras-h5-dl4j-cnn_batch_norm': 'Keras 2.1.3',
  'keras-h5-dl4j-sepconv2d_tensorflow_2': 'Keras 2.1.3',
  'keras-h5-keras-mobilenet-v1-0.25-224-imagenet': 'Keras 2.8.0',
  'keras-h5-mlperf-tiny-mobilenetv1-vww96': 'Keras 2.4.0',
  'keras-h5-mlperf-tiny-resnet8-cifar10': 'Keras 2.4.0',
  'keras-zip-pyzzle-digits-tfkeras2.13': 'tf.keras 2.13.1',
  'tfjs-layers-smirnov-cifar-cnn': 'TensorFlow.js Converter v2.7.0',
};

/**
 * [file, tfjs weight name, first values, float64 sum], dumped with h5py (HDF5, model.weights.h5
 * inside the zip: conv2d_1 is stored under the key conv2d_2) and numpy.fromfile (tfjs shard).
 */
const WEIGHTS: [string, string, number[], number][] = [
  ["keras-h5/dl4j-cnn2d_101.h5", "depthwise_conv2d_26/depthwise_kernel", [0.3184131383895874, 0.0038709640502929688, 0.402255654335022, -0.311028391122818], 3.8100698441267014],
  ["keras-h5/dl4j-cnn2d_101.h5", "depthwise_conv2d_27/bias", [0.0, 0.0, 0.0], 0.0],
  ["keras-h5/dl4j-cnn2d_77.h5", "separable_conv2d_26/depthwise_kernel", [-0.04246574640274048, 0.37593013048171997, 0.15962594747543335, -0.3475210666656494], -0.30537109076976776],
  ["keras-h5/dl4j-cnn2d_77.h5", "separable_conv2d_27/bias", [0.0, 0.0, 0.0, 0.0], 0.0],
  ["keras-h5/dl4j-cnn_batch_norm.h5", "conv2d_1/kernel", [0.07474792003631592, -0.15312251448631287, 0.33854013681411743, 0.2677498459815979], -0.18951721489429474],
  ["keras-h5/dl4j-sepconv2d_tensorflow_2.h5", "separable_conv2d_1/depthwise_kernel", [0.0, 1.0, 2.0, 3.0], 4005.0],
  ["keras-h5/dl4j-sepconv2d_tensorflow_2.h5", "separable_conv2d_1/bias", [0.0, 0.0, 0.0, 0.0], 0.0],
  ["keras-h5/dl4j-sepconv2d_tensorflow_2.h5", "separable_conv2d_1/pointwise_kernel", [0.0, 1.0, 2.0, 3.0], 1770.0],
  ["keras-h5/keras-mobilenet-v1-0.25-224-imagenet.h5", "conv1/kernel", [0.6565709710121155, 0.4860647916793823, -7.381741306744516e-05, 4.297927760080677e-15], -1.1793963642073138],
  ["keras-h5/keras-mobilenet-v1-0.25-224-imagenet.h5", "conv_preds/bias", [-0.2531048357486725, 1.3423993587493896, 0.6304452419281006, -0.5550451874732971], -6.666755250538699],
  ["keras-h5/mlperf-tiny-mobilenetv1-vww96.h5", "conv2d/kernel", [0.18594785034656525, -0.29498082399368286, -0.3596445620059967, 0.44261622428894043], -4.373279987368733],
  ["keras-h5/mlperf-tiny-mobilenetv1-vww96.h5", "dense/bias", [0.10810549557209015, -0.1081056296825409], -1.341104507446289e-07],
  ["keras-h5/mlperf-tiny-resnet8-cifar10.h5", "conv2d/kernel", [0.1258375644683838, -0.03629519045352936, -0.30233070254325867, -0.4809436798095703], -0.9227949751075357],
  ["keras-h5/mlperf-tiny-resnet8-cifar10.h5", "dense/bias", [-0.08893249928951263, -0.15625350177288055, 0.017591841518878937, 0.0706857368350029], -0.008044294081628323],
  ["keras-h5/mlperf-tiny-resnet8-cifar10.h5", "batch_normalization_1/moving_variance", [0.4187040328979492, 0.6604562997817993, 0.3775479793548584, 0.6747546195983887], 8.33585612475872],
  ["keras-zip/pyzzle-digits-tfkeras2.13.keras", "conv2d_1/kernel", [-0.023793531581759453, -0.10795433074235916, 0.01227190624922514, -0.12250903248786926], -64.76959390830416],
  ["keras-zip/pyzzle-digits-tfkeras2.13.keras", "dense/bias", [0.0277280081063509, -0.020383277907967567, -0.0006566633237525821, 0.005319895222783089], -0.004283458576537669],
  ["tfjs-layers/smirnov-cifar-cnn/model.json", "conv2d_4/kernel", [0.1073511466383934, -0.33730584383010864, 0.19041568040847778, 0.6406506896018982], -282.7310973670974],
  ["tfjs-layers/smirnov-cifar-cnn/model.json", "dense_3/bias", [1.6828670501708984, 1.5284579992294312, -1.99185049533844, -0.12022939324378967], -9.017480176873505],
];

describe('every fixture imports', () => {
  for (const name of REFERENCES) {
    it(name, async () => {
      const ref = loadReference(name);
      const path = modelPath(ref);
      const model = await readModelFile(path);
      expect(model.format).toBe(ref.format);
      expect(model.producer).toBe(PRODUCERS[name]);
      expect(model.path).toBe(path);
      expect(model.inputShape).toEqual(ref.input_shape.slice(1));
      expect(model.outputShape).toEqual(ref.output_shape.slice(1));
      if (model.format === 'tfjs-layers') {
        const files = ['model.json', 'group1-shard1of1.bin'].map((f) => readFileSync(join(path, '..', f)));
        expect(model.sha256).toBe(createHash('sha256').update(files[0]!).update(files[1]!).digest('hex'));
      } else expect(model.sha256.slice(0, 16)).toBe(Object.values(ref.model_files_sha256_16)[0]);
      // Every weight is float32 and the data holds exactly them.
      const total = model.artifacts.weightSpecs.reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1), 0);
      expect(model.artifacts.weightData.byteLength).toBe(total * 4);
      expect(model.artifacts.weightSpecs.every((s) => s.dtype === 'float32')).toBe(true);
    });
  }

  it.each(WEIGHTS)('%s: %s equals what h5py / NumPy read', async (file, name, first, sum) => {
    const model = await readModelFile(join(MODELS, file));
    const values = weightValues(model, name);
    expect(values, name).toBeDefined();
    expect(Array.from(values!.slice(0, first.length))).toEqual(first);
    expect(values!.reduce((a, b) => a + b, 0)).toBeCloseTo(sum, 3);
  });

  it('layer classes of the ResNet-8, in first-seen order', async () => {
    const model = await readModelFile(join(MODELS, 'keras-h5/mlperf-tiny-resnet8-cifar10.h5'));
    expect(model.layerClasses).toEqual(['InputLayer', 'Conv2D', 'BatchNormalization', 'Activation', 'Add', 'AveragePooling2D', 'Flatten', 'Dense']);
  });

  it('SpatialDropout2D becomes a Dropout with one draw per channel; ReLU(6) keeps max_value', async () => {
    const cnn = await readModelFile(join(MODELS, 'keras-h5/dl4j-cnn2d_101.h5'));
    const layers = (cnn.artifacts.modelTopology as any).model_config.config.layers as any[];
    const dropout = layers.find((l) => l.name.startsWith('spatial_dropout2d'));
    expect(dropout.class_name).toBe('Dropout');
    expect(dropout.config.noise_shape).toEqual([null, 1, 1, null]);
    const mobilenet = await readModelFile(join(MODELS, 'keras-h5/keras-mobilenet-v1-0.25-224-imagenet.h5'));
    const relu = ((mobilenet.artifacts.modelTopology as any).model_config.config.layers as any[]).find((l) => l.class_name === 'ReLU');
    expect(relu.config.max_value).toBe(6);
  });
});

describe('reading loads no tfjs', () => {
  it('readModelFile in a fresh process leaves tfjs-core unloaded', () => {
    const index = join(import.meta.dirname, '../../../src/import/index.ts');
    const script = `const m = await import(${JSON.stringify(index)});
      for (const f of process.argv.slice(1)) await m.readModelFile(f);
      console.log(JSON.stringify({ engine: globalThis._tfengine !== undefined }));`;
    const files = ['keras-h5/dl4j-cnn2d_77.h5', 'keras-zip/pyzzle-digits-tfkeras2.13.keras', 'tfjs-layers/smirnov-cifar-cnn/model.json'].map((f) => join(MODELS, f));
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script, ...files], { encoding: 'utf8' });
    expect(JSON.parse(out.trim().split('\n').pop()!)).toEqual({ engine: false });
  });
});

/**
 * Pretrained bases from real Keras files (src/import reads them by content): Keras Applications'
 * MobileNet v1 0.25 with ImageNet weights, cut at its last block and rebuilt for small images;
 * the MLPerf Tiny ResNet-8 (a residual graph); a tf.keras zip model; a quantized tfjs model.
 *
 * The oracles are independent of convlens's loader: h5py dumps of the weights, the NumPy
 * forward pass of scripts/fixtures/keras_reference.py, and, for the rebuilt base, the
 * unchanged 224×224 model fed the small image on a zero canvas (where the two must agree).
 */
import * as tf from '@tensorflow/tfjs';
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LayerSpec, ModelSpec } from '../../../src/config/spec.ts';
import { instantiateModel, readModelFile } from '../../../src/import/index.ts';
import { UserError } from '../../../src/lib/errors.ts';
import { buildModel, type BuildOptions } from '../../../src/model/build.ts';
import { pretrainedDigest } from '../../../src/model/pretrained-files.ts';
import { FreezableBatchNorm } from '../../../src/model/layers/batch-norm.ts';
import { loadReference, MODELS, referenceInputs } from '../import/reference.ts';
import { makeBase, removeTempDirs, tempDir } from './saved-base.ts';
import { dense, gap, softmax } from './specs.ts';

const MOBILENET = join(MODELS, 'keras-h5/keras-mobilenet-v1-0.25-224-imagenet.h5');
const RESNET8 = join(MODELS, 'keras-h5/mlperf-tiny-resnet8-cifar10.h5');
const DIGITS = join(MODELS, 'keras-zip/pyzzle-digits-tfkeras2.13.keras');
/** conv1/kernel of the MobileNet file as h5py reads it (tests/unit/import/read.test.ts): first values and float64 sum. */
const CONV1_H5PY = { first: [0.6565709710121155, 0.4860647916793823, -7.381741306744516e-05, 4.297927760080677e-15], sum: -1.1793963642073138 };

beforeAll(async () => {
  await tf.setBackend('cpu');
});
afterAll(removeTempDirs);

const seeds = { init: 1, dropout: 2 };
function spec(path: string, output: string | undefined, layers: LayerSpec[]): ModelSpec {
  return { kind: 'pretrained', path, pathAsWritten: path, output, freeze: { type: 'all' }, layers } as ModelSpec;
}
const weightOf = (model: tf.LayersModel, name: string) => model.weights.find((w) => w.originalName === name)!.read().dataSync() as Float32Array;
const sum = (values: ArrayLike<number>) => Array.from(values).reduce((a, b) => a + b, 0);
/** The output of `layer` for `input`. */
function activations(model: tf.LayersModel, layer: string, input: tf.Tensor): tf.Tensor {
  const probe = tf.model({ inputs: model.inputs, outputs: model.getLayer(layer).output as tf.SymbolicTensor });
  return probe.predict(input) as tf.Tensor;
}
const maxDiff = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);

async function fails(s: ModelSpec, o: BuildOptions, message: string | RegExp): Promise<void> {
  const before = tf.memory().numTensors;
  const error = await buildModel(s, o).then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(UserError);
  expect((error as Error).message).toMatch(message);
  expect(tf.memory().numTensors).toBe(before);
}

describe('Keras MobileNet v1 0.25 (ImageNet) as a pretrained base', () => {
  it('at its own size, cut at the global pooling: the features are those of the NumPy forward pass', async () => {
    const ref = loadReference('keras-h5-keras-mobilenet-v1-0.25-224-imagenet');
    const { model, baseLayers, frozenLayers, notes } = await buildModel(spec(MOBILENET, 'global_average_pooling2d_1_pool', [softmax(10)]), { inputShape: [224, 224, 3], numClasses: 10, seeds });
    expect(notes).toEqual([]);
    expect(baseLayers.slice(0, 4)).toEqual(['conv1', 'conv1_bn', 'conv1_relu', 'conv_dw_1']);
    expect(baseLayers.slice(-2)).toEqual(['conv_pw_13_relu', 'global_average_pooling2d_1_pool']);
    expect(frozenLayers).toEqual(baseLayers);
    expect(model.getLayer('conv1_bn')).toBeInstanceOf(FreezableBatchNorm);
    const input = tf.tensor4d(referenceInputs(ref), ref.input_shape as [number, number, number, number]);
    const features = activations(model, 'global_average_pooling2d_1_pool', input);
    const values = features.dataSync();
    // NumPy's global_average_pooling2d_1 ([2, 1, 1, 256] in Keras; convlens's pool layer gives [2, 256]).
    const numpy = (ref as unknown as { layers: { name: string; first: number[]; sum: number }[] }).layers.find((l) => l.name === 'global_average_pooling2d_1')!;
    expect(features.shape).toEqual([2, 256]);
    numpy.first.forEach((v, i) => expect(values[i]).toBeCloseTo(v, 4));
    expect(sum(values)).toBeCloseTo(numpy.sum, 2);
    tf.dispose([input, features]);
    model.dispose();
  });

  it('rebuilt for 32×32×3, cut at conv_pw_13_relu with a 10-class head: the same weights, the same function as at 224', async () => {
    const small: [number, number, number] = [32, 32, 3];
    const { model, baseLayers, notes } = await buildModel(spec(MOBILENET, 'conv_pw_13_relu', [gap, dense(16, { activation: 'relu' }), softmax(10)]), { inputShape: small, numClasses: 10, seeds });
    expect(notes).toEqual([`The pretrained base ${MOBILENET} was built for 32×32×3 images instead of its saved 224×224×3: nothing up to "conv_pw_13_relu" depends on the image size, so its weights apply unchanged.`]);
    expect(baseLayers.at(-1)).toBe('conv_pw_13_relu');
    expect(baseLayers).toHaveLength(3 + 13 * 6 + 4); // conv1 block, 13 depthwise-separable blocks, 4 paddings
    expect(model.inputs[0]!.shape).toEqual([null, 32, 32, 3]);
    expect(model.getLayer('conv_pw_13_relu').outputShape).toEqual([null, 1, 1, 256]);
    expect(model.outputs[0]!.shape).toEqual([null, 10]);
    // Head names avoid the saved model's layers cut away (its `dropout`, `conv_preds`, …).
    expect(model.layers.slice(-3).map((l) => l.name)).toEqual(['global_avg_pool_1', 'dense_1', 'dense_2']);

    // The weights are the file's, as h5py reads them.
    const kernel = weightOf(model, 'conv1/kernel');
    CONV1_H5PY.first.forEach((v, i) => expect(kernel[i]).toBe(Math.fround(v)));
    expect(sum(kernel)).toBeCloseTo(CONV1_H5PY.sum, 5);

    // The 224×224 model (src/import, not rebuilt) fed the 32×32 image at the top-left of a zero
    // canvas. conv1 ('same', stride 2, TF pads bottom/right only) sees the same pixels and zeros
    // at all 16×16 positions; the 3×3 depthwise after it pads the small map with zeros where the
    // big one has activations, so from there the last row and column differ, not the rest.
    const full = await instantiateModel(await readModelFile(MOBILENET));
    const image = tf.tidy(() => tf.sub(tf.div(tf.randomUniform([1, ...small], 0, 255, 'float32', 3), 127.5), 1));
    const canvas = tf.pad(image, [[0, 0], [0, 224 - 32], [0, 224 - 32], [0, 0]]);
    for (const [layer, rows] of [['conv1_relu', 16], ['conv_dw_1_relu', 15], ['conv_pw_1_relu', 15]] as const) {
      const got = activations(model, layer, image);
      const big = activations(full, layer, canvas);
      const region = tf.slice(got, [0, 0, 0, 0], [1, rows, rows, -1]);
      const expected = tf.slice(big, [0, 0, 0, 0], [1, rows, rows, -1]);
      expect(got.shape, layer).toEqual([1, 16, 16, layer === 'conv_pw_1_relu' ? 16 : 8]);
      expect(maxDiff(region, expected), layer).toBeLessThan(1e-5);
      // The comparison has teeth: the border row is computed from different neighbours.
      if (rows < 16) expect(maxDiff(got, tf.slice(big, [0, 0, 0, 0], [1, 16, 16, -1])), layer).toBeGreaterThan(1e-3);
      tf.dispose([got, big, region, expected]);
    }
    tf.dispose([image, canvas]);
    full.dispose();
    model.dispose();
  });

  it('also rebuilds for non-square images (64×96), and the whole model too (its head follows the global pooling)', async () => {
    const before = tf.memory().numTensors;
    const { model } = await buildModel(spec(MOBILENET, undefined, []), { inputShape: [64, 96, 3], numClasses: 1000, seeds });
    expect(model.getLayer('conv_pw_13_relu').outputShape).toEqual([null, 2, 3, 256]);
    expect(model.outputs[0]!.shape).toEqual([null, 1000]);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses gray images (suggesting data.image.channels: 3) and images too small for its five stride-2 steps', async () => {
    await fails(spec(MOBILENET, 'conv_pw_13_relu', [gap, softmax(10)]), { inputShape: [32, 32, 1], numClasses: 10, seeds }, 'set data.image.channels: 3 to convert the dataset\'s images');
    await fails(
      spec(MOBILENET, 'conv_pw_13_relu', [gap, softmax(10)]),
      { inputShape: [16, 16, 3], numClasses: 10, seeds },
      /^Rebuilt for the dataset's 16×16×3 images, the pretrained base .+ has no pixels left at its layer "conv_dw_12" \(output \[batch, 0, 0, 128\]\)\. Use larger images \(data\.image\.size; the base was saved for 224×224×3\)/,
    );
  });

  it('the digest is the file\'s content digest (src/import\'s sha256)', async () => {
    const imported = await readModelFile(MOBILENET);
    expect(await pretrainedDigest(MOBILENET)).toBe(imported.sha256);
    expect(imported.sha256.slice(0, 16)).toBe('dc1ff623e6cd99c3'); // model_files_sha256_16 of the reference
  });
});

describe('other Keras files as bases', () => {
  it('ResNet-8 (residual graph): rebuilt for 48×48 when cut before its Flatten; cut after it, the size must match', async () => {
    const { model, notes } = await buildModel(spec(RESNET8, 'activation_6', [gap, softmax(4)]), { inputShape: [48, 48, 3], numClasses: 4, seeds });
    expect(notes).toHaveLength(1);
    expect(model.getLayer('add_2').outputShape).toEqual([null, 12, 12, 64]);
    model.dispose();
    await fails(
      spec(RESNET8, 'dense', []),
      { inputShape: [48, 48, 3], numClasses: 10, seeds },
      `expects images of 32×32×3 (height×width×channels), but the dataset's images are 48×48×3. Its layer "flatten" (Flatten) before model.pretrained.output depends on the image size, so the base cannot be rebuilt for 48×48×3 images: set data.image.size: [32, 32]`,
    );
    const { model: same } = await buildModel(spec(RESNET8, 'dense', []), { inputShape: [32, 32, 3], numClasses: 10, seeds });
    expect(same.outputs[0]!.shape).toEqual([null, 10]);
    same.dispose();
  });

  it('a tf.keras zip (.keras) Sequential model, whole or cut before its Flatten and rebuilt', async () => {
    const { model, baseLayers } = await buildModel(spec(DIGITS, 'flatten', [softmax(9)]), { inputShape: [28, 28, 1], numClasses: 9, seeds });
    expect(baseLayers).toEqual(['conv2d', 'max_pooling2d', 'conv2d_1', 'max_pooling2d_1', 'flatten']);
    model.dispose();
    const { model: rebuilt, notes } = await buildModel(spec(DIGITS, 'max_pooling2d_1', [gap, softmax(3)]), { inputShape: [40, 36, 1], numClasses: 3, seeds });
    expect(notes[0]).toContain('was built for 40×36×1 images instead of its saved 28×28×1');
    expect(rebuilt.getLayer('max_pooling2d_1').outputShape).toEqual([null, 8, 7, 64]);
    // Head names avoid the cut-away Keras layers: the new dense is dense_1, not the saved `dense`.
    expect(rebuilt.layers.at(-1)!.name).toBe('dense_1');
    rebuilt.dispose();
    await fails(spec(DIGITS, 'flatten', [softmax(9)]), { inputShape: [40, 36, 1], numClasses: 9, seeds }, 'Its layer "flatten" (Flatten) before model.pretrained.output depends on the image size');
  });

  it('a damaged Keras file is reported by src/import', async () => {
    const path = join(await tempDir(), 'broken.h5');
    await writeFile(path, (await readFile(MOBILENET)).subarray(0, 10_000));
    await fails(spec(path, undefined, []), { inputShape: [224, 224, 3], numClasses: 1000, seeds }, `The HDF5 file ${path} cannot be read: it is truncated or damaged`);
  });
});

describe('a quantized tfjs base', () => {
  it('uint8 weights (tensorflowjs_converter --quantize_uint8) are dequantized as min + scale·q', async () => {
    const base = await makeBase();
    const json = JSON.parse(await readFile(base.path, 'utf8')) as { weightsManifest: { paths: string[]; weights: { name: string; shape: number[]; dtype: string; quantization?: object }[] }[] };
    const group = json.weightsManifest[0]!;
    const expected = new Map<string, number[]>();
    const bytes: number[] = [];
    for (const w of group.weights) {
      const values = base.weights.get(w.name)!;
      const min = Math.min(...values);
      const scale = (Math.max(...values) - min) / 255 || 1;
      const q = Array.from(values, (v) => Math.round((v - min) / scale));
      bytes.push(...q);
      w.quantization = { dtype: 'uint8', min, scale };
      expected.set(w.name, q.map((v) => Math.fround(Math.fround(v * Math.fround(scale)) + Math.fround(min))));
    }
    const dir = dirname(base.path);
    group.paths = ['quantized.bin'];
    await writeFile(join(dir, 'quantized.bin'), Uint8Array.from(bytes));
    await writeFile(join(dir, 'quantized.json'), JSON.stringify(json));
    const { model } = await buildModel(spec(join(dir, 'quantized.json'), 'global_avg_pool_1', [softmax(3)]), { inputShape: [8, 8, 1], numClasses: 3, seeds });
    for (const name of ['c1/kernel', 'bn2/moving_variance']) {
      const got = Array.from(weightOf(model, name));
      expected.get(name)!.forEach((v, i) => expect(got[i]).toBeCloseTo(v, 6));
    }
    model.dispose();
    expect(await pretrainedDigest(join(dir, 'quantized.json'))).toBe((await readModelFile(join(dir, 'quantized.json'))).sha256);
  });
});

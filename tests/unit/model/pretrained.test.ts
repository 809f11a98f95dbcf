import * as tf from '@tensorflow/tfjs';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LayerSelector, LayerSpec, ModelSpec } from '../../../src/config/spec.ts';
import { buildLayersModel, buildModel, type BuildOptions } from '../../../src/model/build.ts';
import { unfreezeBase } from '../../../src/model/pretrained.ts';
import { pretrainedDigest } from '../../../src/model/pretrained-files.ts';
import { FreezableBatchNorm } from '../../../src/model/layers/batch-norm.ts';
import { SeededDropout } from '../../../src/model/layers/seeded-dropout.ts';
import { setRandomStep } from '../../../src/model/random-step.ts';
import { summarizeModel } from '../../../src/model/summary.ts';
import { loadStock } from './stock-load.ts';
import { deriveSeed } from '../../../src/lib/rng.ts';
import { UserError } from '../../../src/lib/errors.ts';
import { BASE_LAYERS as SAVED_LAYERS, BASE_SHAPE, makeBase, removeTempDirs, saveTo, tempDir, trainOneStep } from './saved-base.ts';
import { dense, gap, softmax } from './specs.ts';

let base: Awaited<ReturnType<typeof makeBase>>;
beforeAll(async () => {
  await tf.setBackend('cpu');
  base = await makeBase();
});
afterAll(removeTempDirs);

const opts: BuildOptions = { inputShape: BASE_SHAPE, numClasses: 3, seeds: { init: 1, dropout: 2 } };
const BASE_LAYERS = ['c1', 'batch_norm_1', 'activation_1', 'max_pool_1', 'c2', 'bn2', 'dropout_1', 'global_avg_pool_1'];
const fixture = (name: string) => new URL(`../../fixtures/model/${name}/model.json`, import.meta.url).pathname;

function spec(extra: Partial<Extract<ModelSpec, { kind: 'pretrained' }>> = {}, layers: LayerSpec[] = [softmax(3)]): ModelSpec {
  const path = extra.path ?? base.path;
  return { kind: 'pretrained', path, pathAsWritten: path, output: 'global_avg_pool_1', freeze: { type: 'all' }, layers, ...extra };
}

const weightOf = (model: tf.LayersModel, name: string) => Array.from(model.weights.find((w) => w.originalName === name)!.read().dataSync());
const x = () => tf.randomNormal([4, ...BASE_SHAPE], 1, 2, 'float32', 5);
const y = () => tf.oneHot(tf.tensor1d([0, 1, 2, 0], 'int32'), 3).toFloat();

describe('pretrained bases', () => {
  it('cut at `output`: the base keeps its trained weights, and the head reads its output', async () => {
    const { model, baseLayers, frozenLayers } = await buildModel(spec(), opts);
    expect(baseLayers).toEqual(BASE_LAYERS);
    expect(frozenLayers).toEqual(BASE_LAYERS);
    expect(model.layers.map((l) => l.name)).toEqual(['input', ...BASE_LAYERS, 'dense_2']);
    for (const [name, values] of base.weights) if (!name.startsWith('dense_1/')) expect(weightOf(model, name), name).toEqual(Array.from(values));
    // Independent computation: the base's own output from stock tfjs, then the head by hand.
    const stock = await loadStock({ modelJson: await readFile(base.path, 'utf8'), weights: await readFile(join(dirname(base.path), 'weights.bin')) });
    const probe = tf.model({ inputs: stock.inputs, outputs: stock.getLayer('global_avg_pool_1').output as tf.SymbolicTensor });
    const input = x();
    const [kernel, bias] = model.getLayer('dense_2').getWeights();
    const expected = tf.tidy(() => tf.softmax(tf.add(tf.matMul(probe.predict(input) as tf.Tensor2D, kernel as tf.Tensor2D), bias!)));
    const got = model.predict(input) as tf.Tensor;
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(got, expected))).dataSync()[0]!)).toBeLessThan(1e-6);
    tf.dispose([input, expected, got]);
    stock.dispose();
    model.dispose();
  });

  it('without `output` the base is the whole saved model, and an empty head is allowed', async () => {
    const { model, baseLayers } = await buildModel({ ...spec({}, []), output: undefined } as ModelSpec, { ...opts, numClasses: 5 });
    expect(baseLayers).toEqual([...BASE_LAYERS, 'dense_1']);
    expect(model.outputs[0]!.shape).toEqual([null, 5]);
    model.dispose();
  });

  it('head layers read `base` by default, may read `input` and `base` by name, and get names that avoid the base\'s', async () => {
    const head: LayerSpec[] = [dense(4, { name: 'features' }), { type: 'flatten', inputs: ['input'], name: 'pixels' }, { type: 'concatenate', axis: -1, inputs: ['features', 'pixels', 'base'] }, softmax(3)];
    const { model } = await buildModel(spec({}, head), opts);
    const rows = Object.fromEntries(summarizeModel(model).layers.map((l) => [l.name, l.connectedTo]));
    expect(rows['features']).toEqual(['global_avg_pool_1']);
    expect(rows['pixels']).toEqual(['input']);
    expect(rows['concatenate_1']).toEqual(['features', 'pixels', 'global_avg_pool_1']);
    // dense_1 is a layer of the saved model (cut away here, but still avoided): the head's dense is dense_2.
    expect(model.layers.at(-1)!.name).toBe('dense_2');
    model.dispose();
  });

  it.each<[string, LayerSelector, string[]]>([
    ['all', { type: 'all' }, BASE_LAYERS],
    ['none', { type: 'none' }, []],
    ['the first count', { type: 'count', count: 5 }, ['c1', 'batch_norm_1', 'activation_1', 'max_pool_1', 'c2']],
    ['name globs', { type: 'patterns', patterns: ['c?', 'batch_*'] }, ['c1', 'batch_norm_1', 'c2']],
  ])('freeze %s', async (_, freeze, frozen) => {
    const { model, frozenLayers } = await buildModel(spec({ freeze }), opts);
    expect(frozenLayers).toEqual(frozen);
    const rows = summarizeModel(model).layers;
    expect(rows.filter((r) => !r.trainable && r.type !== 'InputLayer').map((r) => r.name)).toEqual(frozen);
    // Frozen layers' weights are all non-trainable; batch norms' moving statistics always are.
    const frozenParams = frozen.reduce((s, n) => s + model.getLayer(n).countParams(), 0);
    const movingStats = ['batch_norm_1', 'bn2'].filter((n) => !frozen.includes(n)).reduce((s, n) => s + model.getLayer(n).countParams() / 2, 0);
    expect(summarizeModel(model).params.nonTrainable).toBe(frozenParams + movingStats);
    model.dispose();
  });

  it('base dropout layers are seeded from the dropout seed and their names, and follow setRandomStep', async () => {
    const { model } = await buildModel(spec(), opts);
    const drop = model.getLayer('dropout_1');
    expect(drop).toBeInstanceOf(SeededDropout);
    expect((drop as SeededDropout).streamSeed).toBe(deriveSeed(2, 'dropout_1'));
    expect(setRandomStep(model, 4)).toBe(1);
    model.dispose();
  });

  it('a convolutional base is rebuilt for another image size: same weights, the same function as a model of that size', async () => {
    const shape: [number, number, number] = [28, 20, 1];
    const { model, baseLayers, notes } = await buildModel(spec(), { ...opts, inputShape: shape });
    expect(baseLayers).toEqual(BASE_LAYERS);
    expect(model.inputs[0]!.shape).toEqual([null, 28, 20, 1]);
    expect(notes).toEqual([`The pretrained base ${base.path} was built for 28×20×1 images instead of its saved 8×8×1: nothing up to "global_avg_pool_1" depends on the image size, so its weights apply unchanged.`]);
    for (const [name, values] of base.weights) if (!name.startsWith('dense_1/')) expect(weightOf(model, name), name).toEqual(Array.from(values));
    // Independent computation: the same layers built by convlens for 28×20 from scratch, given the saved weights by name.
    const fresh = buildLayersModel(SAVED_LAYERS, { inputShape: shape, numClasses: 5, seeds: { init: 9, dropout: 4 } });
    for (const w of fresh.weights) {
      const value = tf.tensor(base.weights.get(w.originalName)!, w.shape as number[]);
      w.write(value);
      value.dispose();
    }
    const probe = tf.model({ inputs: fresh.inputs, outputs: fresh.getLayer('global_avg_pool_1').output as tf.SymbolicTensor });
    const features = tf.model({ inputs: model.inputs, outputs: model.getLayer('global_avg_pool_1').output as tf.SymbolicTensor });
    const input = tf.randomNormal([3, ...shape], 1, 2, 'float32', 7);
    const [a, b] = [probe.predict(input) as tf.Tensor, features.predict(input) as tf.Tensor];
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!)).toBeLessThan(1e-6);
    tf.dispose([input, a, b]);
    fresh.dispose();
    expect(weightOf(model, 'c1/kernel')).toEqual(Array.from(base.weights.get('c1/kernel')!));
    model.dispose();
  });

  it('loads weights split over several files and groups', async () => {
    const dir = await tempDir();
    const json = JSON.parse(await readFile(base.path, 'utf8')) as { weightsManifest: { paths: string[]; weights: { name: string; shape: number[] }[] }[] };
    const bytes = await readFile(join(dirname(base.path), 'weights.bin'));
    const [group] = json.weightsManifest;
    // Group 1: c1's kernel and bias, in two shards; group 2: the rest.
    const firstCount = 2;
    const firstBytes = group!.weights.slice(0, firstCount).reduce((s, w) => s + 4 * w.shape.reduce((a, b) => a * b, 1), 0);
    await writeFile(join(dir, 'a1.bin'), bytes.subarray(0, 10));
    await writeFile(join(dir, 'a2.bin'), bytes.subarray(10, firstBytes));
    await mkdir(join(dir, 'more'));
    await writeFile(join(dir, 'more', 'b.bin'), bytes.subarray(firstBytes));
    json.weightsManifest = [
      { paths: ['a1.bin', 'a2.bin'], weights: group!.weights.slice(0, firstCount) },
      { paths: ['more/b.bin'], weights: group!.weights.slice(firstCount) },
    ];
    await writeFile(join(dir, 'model.json'), JSON.stringify(json));
    const { model } = await buildModel(spec({ path: join(dir, 'model.json') }), opts);
    for (const name of ['c1/kernel', 'bn2/moving_variance']) expect(weightOf(model, name)).toEqual(Array.from(base.weights.get(name)!));
    model.dispose();
  });

  it('loads a base saved as a Sequential model (with convlens classes for its layers)', async () => {
    const seq = tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: BASE_SHAPE, filters: 3, kernelSize: 3, name: 's_conv' }),
        tf.layers.batchNormalization({ name: 's_bn' }),
        tf.layers.flatten({ name: 's_flat' }),
      ],
    });
    const path = await saveTo(await tempDir(), seq);
    seq.dispose();
    const { model, baseLayers } = await buildModel(spec({ path, output: undefined }), opts);
    expect(baseLayers).toEqual(['s_conv', 's_bn', 's_flat']);
    expect(model.getLayer('s_bn')).toBeInstanceOf(FreezableBatchNorm);
    model.dispose();
    // The swap of tfjs's class registry is undone: plain tfjs loads stock classes again.
    const stock = await tf.loadLayersModel(tf.io.fromMemory(JSON.parse(await readFile(path, 'utf8')).modelTopology));
    expect(stock.getLayer('s_bn')).not.toBeInstanceOf(FreezableBatchNorm);
    stock.dispose();
  });

  it('frees every weight: the cut-away layers at once, the rest with the model', async () => {
    const before = tf.memory().numTensors;
    const { model } = await buildModel(spec({ output: 'bn2' }, [gap, softmax(3)]), opts);
    // c1 (2), batch_norm_1 (4), c2 (2), bn2 (4) and the head's dense (2); dense_1 of the saved model is gone.
    expect(tf.memory().numTensors - before).toBe(2 + 4 + 2 + 4 + 2);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('frozen batch norm', () => {
  it('tfjs-layers itself updates the moving statistics of a frozen BatchNormalization (why FreezableBatchNorm exists)', async () => {
    const stock = await loadStock({ modelJson: await readFile(base.path, 'utf8'), weights: await readFile(join(dirname(base.path), 'weights.bin')) });
    stock.getLayer('bn2').trainable = false;
    const before = weightOf(stock, 'bn2/moving_mean');
    await trainOneStep(stock, 5);
    expect(weightOf(stock, 'bn2/moving_mean')).not.toEqual(before);
    stock.dispose();
  });

  it('keeps and uses its moving statistics while frozen, and trains normally once unfrozen', async () => {
    const { model, baseLayers } = await buildModel(spec({ output: 'bn2' }, [gap, softmax(3)]), opts);
    const names = ['c1/kernel', 'batch_norm_1/gamma', 'batch_norm_1/moving_mean', 'c2/kernel', 'bn2/gamma', 'bn2/moving_mean', 'bn2/moving_variance', 'dense_2/kernel'];
    const snapshot = () => Object.fromEntries(names.map((n) => [n, weightOf(model, n)]));
    const inputs = [x(), y()];
    // With learning rate 0, a training step's loss is that of inference iff BN normalizes with its moving statistics.
    const optimizer = tf.train.sgd(0);
    model.compile({ optimizer, loss: 'categoricalCrossentropy' });
    const probs = model.predict(inputs[0]!) as tf.Tensor;
    const inferenceLoss = tf.tidy(() => tf.mean(tf.neg(tf.sum(tf.mul(inputs[1]!, tf.log(probs)), 1))).dataSync()[0]!);
    expect((await model.trainOnBatch(inputs[0]!, inputs[1]!)) as number).toBeCloseTo(inferenceLoss, 5);

    const before = snapshot();
    model.compile({ optimizer: tf.train.sgd(0.5), loss: 'categoricalCrossentropy' });
    await model.trainOnBatch(inputs[0]!, inputs[1]!);
    const frozenStep = snapshot();
    for (const n of names.slice(0, -1)) expect(frozenStep[n], n).toEqual(before[n]);
    expect(frozenStep['dense_2/kernel']).not.toEqual(before['dense_2/kernel']);

    // Fine-tuning: the last 2 base layers (c2, bn2) train again, moving statistics included; the rest stays.
    expect(unfreezeBase(model, baseLayers, { type: 'count', count: 2 })).toEqual(['c2', 'bn2']);
    model.compile({ optimizer: tf.train.sgd(0.5), loss: 'categoricalCrossentropy' });
    await model.trainOnBatch(inputs[0]!, inputs[1]!);
    const tuned = snapshot();
    for (const n of ['c1/kernel', 'batch_norm_1/gamma', 'batch_norm_1/moving_mean']) expect(tuned[n], n).toEqual(frozenStep[n]);
    for (const n of ['c2/kernel', 'bn2/gamma', 'bn2/moving_mean', 'bn2/moving_variance']) expect(tuned[n], n).not.toEqual(frozenStep[n]);
    tf.dispose([...inputs, probs]);
    optimizer.dispose();
    model.dispose();
  });

  it('unfreezing by pattern or all; a pattern that matches nothing is a UserError', async () => {
    const { model, baseLayers } = await buildModel(spec(), opts);
    expect(unfreezeBase(model, baseLayers, { type: 'patterns', patterns: ['bn*'] })).toEqual(['bn2']);
    expect(model.getLayer('bn2').trainable).toBe(true);
    expect(model.getLayer('c2').trainable).toBe(false);
    expect(() => unfreezeBase(model, baseLayers, { type: 'patterns', patterns: ['bn3'] })).toThrow(
      'train.fineTune.unfreeze: the pattern "bn3" matches no layer of the pretrained base; did you mean "bn2"? Patterns match whole names; * stands for any run of characters, ? for one character.',
    );
    expect(unfreezeBase(model, baseLayers, { type: 'all' })).toEqual(BASE_LAYERS);
    expect(summarizeModel(model).params.nonTrainable).toBe(2 * 4 + 2 * 6); // only moving statistics remain
    model.dispose();
  });
});

describe('pretrained errors', () => {
  const fails = async (s: ModelSpec, message: string | RegExp, o: BuildOptions = opts) => {
    const before = tf.memory().numTensors;
    const error = await buildModel(s, o).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toMatch(/^Error/);
    expect(tf.memory().numTensors).toBe(before);
  };
  const copyBase = async () => {
    const dir = await tempDir();
    await copyFile(base.path, join(dir, 'model.json'));
    await copyFile(join(dirname(base.path), 'weights.bin'), join(dir, 'weights.bin'));
    return dir;
  };

  it('a missing file or a directory', async () => {
    const dir = await tempDir();
    await fails(spec({ path: join(dir, 'nope.json') }), `The pretrained base ${join(dir, 'nope.json')} does not exist. Check model.pretrained.path (it is relative to the experiment file)`);
    await fails(spec({ path: dir }), `The pretrained base ${dir} does not exist.`);
  });

  it('not JSON, a graph model, no Keras topology', async () => {
    await fails(spec({ path: fixture('not-json') }), /is not valid JSON \(.+\)\. Point model.pretrained.path at the model.json of a saved tfjs LayersModel\.$/);
    await fails(spec({ path: fixture('graph-model') }), 'is a tfjs graph model (converted from a TensorFlow SavedModel or frozen graph), which has no layers to cut, freeze or fine-tune.');
    await fails(spec({ path: fixture('no-topology') }), 'is not a tfjs LayersModel: it has no "modelTopology" with a Keras model configuration.');
  });

  it('a missing, short or long weight file', async () => {
    const dir = await copyBase();
    const path = join(dir, 'model.json');
    const bytes = await readFile(join(dir, 'weights.bin'));
    await writeFile(join(dir, 'weights.bin'), bytes.subarray(0, bytes.length - 8));
    await fails(spec({ path }), `The weight file weights.bin of ${path} holds ${bytes.length - 8} bytes, but model.json describes ${bytes.length}. The file is truncated: copy the model's files again, together.`);
    await writeFile(join(dir, 'weights.bin'), Buffer.concat([bytes, Buffer.alloc(4)]));
    await fails(spec({ path }), 'The file belongs to another model');
    await writeFile(join(dir, 'weights.bin'), bytes);
    const json = JSON.parse(await readFile(path, 'utf8')) as { weightsManifest: { paths: string[] }[] };
    json.weightsManifest[0]!.paths = ['missing.bin'];
    await writeFile(path, JSON.stringify(json));
    await fails(spec({ path }), `The weight file missing.bin, listed in ${path}, does not exist. Copy it next to model.json`);
  });

  it('an unknown output layer, with a suggestion or the list of names', async () => {
    await fails(spec({ output: 'global_avg_pool1' }), `The pretrained base ${base.path} has no layer named "global_avg_pool1" for model.pretrained.output; did you mean "global_avg_pool_1"?`);
    await fails(
      spec({ output: 'features' }),
      'has no layer named "features" for model.pretrained.output. Its layers are "input", "c1", "batch_norm_1", "activation_1", "max_pool_1", "c2", "bn2", "dropout_1", "global_avg_pool_1", "dense_1".',
    );
  });

  it('an image size the base cannot be rebuilt for (a layer before the cut depends on it)', async () => {
    const seq = tf.sequential({ layers: [tf.layers.conv2d({ inputShape: BASE_SHAPE, filters: 3, kernelSize: 3, name: 's_conv' }), tf.layers.flatten({ name: 's_flat' }), tf.layers.dense({ units: 3, name: 's_dense' })] });
    const path = await saveTo(await tempDir(), seq);
    seq.dispose();
    await fails(
      spec({ path, output: undefined }, []),
      `The pretrained base ${path} expects images of 8×8×1 (height×width×channels), but the dataset's images are 28×28×1. ` +
        `Its layer "s_flat" (Flatten) before model.pretrained.output depends on the image size, so the base cannot be rebuilt for 28×28×1 images: ` +
        `set data.image.size: [8, 8] to resize the dataset's images to the base's size, or cut the base before that layer with model.pretrained.output.`,
      { ...opts, inputShape: [28, 28, 1] },
    );
    // Cut before the Flatten, the same base is rebuilt for 28×28.
    const { model, notes } = await buildModel(spec({ path, output: 's_conv' }, [gap, softmax(3)]), { ...opts, inputShape: [28, 28, 1] });
    expect(model.inputs[0]!.shape).toEqual([null, 28, 28, 1]);
    expect(notes).toEqual([`The pretrained base ${path} was built for 28×28×1 images instead of its saved 8×8×1: nothing up to "s_conv" depends on the image size, so its weights apply unchanged.`]);
    model.dispose();
  });

  it('channels that are not the dataset\'s', async () => {
    await fails(
      spec(),
      `The pretrained base ${base.path} expects images of 8×8×1 (height×width×channels), but the dataset's images are 8×8×3. The channels of a base cannot change (its first layer has weights for each input channel): ` +
        `set data.image.channels: 1 to convert the dataset's images (gray repeats into RGB, RGB becomes luminance), or use a base trained on 3-channel images.`,
      { ...opts, inputShape: [8, 8, 3] },
    );
  });

  it('images too small for a rebuilt base', async () => {
    await fails(
      spec(),
      `Rebuilt for the dataset's 1×1×1 images, the pretrained base ${base.path} has no pixels left at its layer "max_pool_1" (output [batch, 0, 0, 4]). Use larger images (data.image.size; the base was saved for 8×8×1), or cut the base earlier with model.pretrained.output.`,
      { ...opts, inputShape: [1, 1, 1] },
    );
  });

  it('a base whose input is not an image', async () => {
    const flat = tf.sequential({ layers: [tf.layers.dense({ inputShape: [64], units: 3, name: 'd' })] });
    const path = await saveTo(await tempDir(), flat);
    flat.dispose();
    await fails(spec({ path, output: undefined }), `The pretrained base ${path} takes inputs of shape [batch, 64], not images [batch, height, width, channels].`);
  });

  it('a base with open spatial dimensions fits any image size', async () => {
    const open = tf.sequential({ layers: [tf.layers.conv2d({ inputShape: [null, null, 1] as unknown as number[], filters: 2, kernelSize: 3, name: 'oc' }), tf.layers.globalAveragePooling2d({ name: 'og' })] });
    const path = await saveTo(await tempDir(), open);
    open.dispose();
    const { model } = await buildModel(spec({ path, output: undefined }), opts);
    expect(model.outputs[0]!.shape).toEqual([null, 3]);
    model.dispose();
    await fails(spec({ path, output: undefined }), 'expects images of any×any×1 (height×width×channels), but the dataset\'s images are 8×8×3.', { ...opts, inputShape: [8, 8, 3] });
  });

  it('a freeze selector that matches nothing, or counts past the base', async () => {
    await fails(spec({ freeze: { type: 'patterns', patterns: ['conv*'] } }), 'model.pretrained.freeze: the pattern "conv*" matches no layer of the pretrained base. Its layers are "c1", "batch_norm_1"');
    await fails(spec({ freeze: { type: 'count', count: 9 } }), 'model.pretrained.freeze: 9 layers asked for, but the pretrained base has 8 (its input layer not counted). Use a number from 0 to 8, or all.');
  });

  it('a head layer named like a base layer', async () => {
    await fails(spec({}, [dense(4, { name: 'c2' }), softmax(3)]), 'The layer name "c2" is already used by a layer of the pretrained base. Choose another name: for the layer.');
  });

  it('a head that does not end in the classes', async () => {
    await fails(spec({}, [dense(4)]), 'The model ends with 4 units, but the dataset has 3 classes.');
  });

  it('a base layer that draws unseeded random numbers', async () => {
    const noisy = tf.sequential({ layers: [tf.layers.flatten({ inputShape: BASE_SHAPE, name: 'f' }), tf.layers.gaussianNoise({ stddev: 0.1, name: 'noise' }), tf.layers.dense({ units: 3, name: 'd' })] });
    const path = await saveTo(await tempDir(), noisy);
    noisy.dispose();
    await fails(spec({ path, output: undefined }), `The pretrained base ${path} contains "noise" (GaussianNoise), which draws random numbers convlens cannot seed`);
    // Cut before it, the same base is fine.
    const { model } = await buildModel(spec({ path, output: 'f' }), opts);
    model.dispose();
  });
});

describe('pretrainedDigest', () => {
  it('is stable, and changes with any byte of model.json or the weights', async () => {
    const dir = await tempDir();
    await copyFile(base.path, join(dir, 'model.json'));
    await copyFile(join(dirname(base.path), 'weights.bin'), join(dir, 'weights.bin'));
    const path = join(dir, 'model.json');
    const digest = await pretrainedDigest(path);
    expect(digest).toMatch(/^[0-9a-f]{64}$/);
    expect(await pretrainedDigest(base.path)).toBe(digest);
    const bytes = await readFile(join(dir, 'weights.bin'));
    bytes[17] = bytes[17]! ^ 1;
    await writeFile(join(dir, 'weights.bin'), bytes);
    const changedWeights = await pretrainedDigest(path);
    expect(changedWeights).not.toBe(digest);
    await writeFile(path, (await readFile(path, 'utf8')).replace('"c1"', '"c0"'));
    expect(await pretrainedDigest(path)).not.toBe(changedWeights);
  });

  it('reports a broken base like the loader', async () => {
    await expect(pretrainedDigest(fixture('graph-model'))).rejects.toThrow(UserError);
  });
});

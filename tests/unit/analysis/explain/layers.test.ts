/**
 * Layer discovery on models built by model/build.ts: a chain, the resnet preset, a user-named
 * residual block, an Inception-style concatenation, and a pretrained base containing a nested
 * model; named layers and their errors.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evenlySpaced, featureMapLayers, filterLayers, firstConvolution, gradCamLayer, layerByName, spatialLayers } from '../../../../src/analysis/explain/layers.ts';
import { buildLayersModel, buildModel } from '../../../../src/model/build.ts';
import { UserError } from '../../../../src/lib/errors.ts';
import { activation, batchNorm, concatenate, conv, dense, flatten, gap, residual, softmax } from '../../model/specs.ts';
import { removeTempDirs, saveTo, tempDir } from '../../model/saved-base.ts';
import { chainCnn, useCpu } from './helpers.ts';

beforeAll(useCpu);
afterAll(removeTempDirs);

const names = (layers: { name: string }[]) => layers.map((l) => l.name);
const auto = { type: 'auto' } as const;
const opts = (inputShape: [number, number, number] = [8, 8, 1]) => ({ inputShape, numClasses: 3, seeds: { init: 1, dropout: 2 } });

/** A pretrained base whose saved model holds a nested model (a conv + residual feature extractor) followed by a pooling layer. */
async function nestedBase(): Promise<string> {
  const inner = buildLayersModel([conv(4, { name: 'c1' }), batchNorm(), activation('relu'), residual(4), gap, softmax(3)], opts());
  const extractor = tf.model({ inputs: inner.inputs, outputs: inner.getLayer('residual_1_out').output as tf.SymbolicTensor, name: 'extractor' });
  const input = tf.input({ shape: [8, 8, 1], name: 'image' });
  const pooled = tf.layers.maxPooling2d({ poolSize: 2, name: 'outer_pool' }).apply(extractor.apply(input)) as tf.SymbolicTensor;
  const saved = tf.model({ inputs: input, outputs: pooled, name: 'saved' });
  const path = await saveTo(await tempDir(), saved);
  inner.dispose();
  return path;
}

describe('layer discovery', () => {
  it('a chain: Grad-CAM takes the last conv block’s activation; feature maps every block; filters every conv', () => {
    const model = chainCnn();
    expect(gradCamLayer(model)).toMatchObject({ name: 'activation_1', shape: [4, 4, 8], className: 'Activation' });
    // conv 1 (relu inside) → batch_norm_1 ends block 1 (max pooling follows); conv 2 → BN → relu ends block 2.
    expect(names(featureMapLayers(model, auto))).toEqual(['batch_norm_1', 'activation_1']);
    expect(names(filterLayers(model, auto))).toEqual(['conv2d_1', 'conv2d_2']);
    expect(firstConvolution(model)?.name).toBe('conv2d_1');
    model.dispose();
  });

  it('the resnet preset: the last residual block’s output, not its last conv; one feature map per block', async () => {
    const { model } = await buildModel({ kind: 'preset', preset: 'resnet', width: 0.125 }, opts([16, 16, 3]));
    expect(gradCamLayer(model)).toMatchObject({ name: 'residual_6_out', shape: [4, 4, 32] });
    const blocks = ['activation_1', 'residual_1_out', 'residual_2_out', 'residual_3_out', 'residual_4_out', 'residual_5_out', 'residual_6_out'];
    // The relu between a block's two convolutions is bypassed by the shortcut: not a block output.
    expect(names(featureMapLayers(model, auto))).toEqual(blocks);
    expect(names(featureMapLayers(model, auto, 4))).toEqual(['activation_1', 'residual_2_out', 'residual_4_out', 'residual_6_out']);
    expect(names(filterLayers(model, auto, 3))).toEqual(['conv2d_1', 'residual_3_shortcut_conv', 'residual_6_conv_b']);
    model.dispose();
  });

  it('a user-named residual block ends at "<name>_out"; an Inception-style module at its concatenation', () => {
    const named = buildLayersModel([conv(4), residual(6, { name: 'stage' }), gap, softmax(3)], opts());
    expect(gradCamLayer(named).name).toBe('stage_out');
    named.dispose();
    const inception = buildLayersModel(
      [conv(4, { name: 'stem', activation: 'relu' }), conv(3, { name: 'left', inputs: ['stem'], activation: 'relu' }), conv(5, { name: 'right', inputs: ['stem'], kernel: [1, 1], activation: 'relu' }), concatenate(['left', 'right'], { name: 'mixed' }), gap, softmax(3)],
      opts(),
    );
    expect(gradCamLayer(inception)).toMatchObject({ name: 'mixed', shape: [8, 8, 8] });
    // Branch convolutions are inside the module: the stem and the module's output are the blocks.
    expect(names(featureMapLayers(inception, auto))).toEqual(['stem', 'mixed']);
    inception.dispose();
  });

  it('inside a pretrained base with a nested model: the nested residual block’s output, named with its model', async () => {
    const path = await nestedBase();
    const { model } = await buildModel({ kind: 'pretrained', path, pathAsWritten: 'base/model.json', freeze: { type: 'none' }, layers: [gap, softmax(3)] }, opts());
    expect(gradCamLayer(model)).toMatchObject({ name: 'extractor/residual_1_out', shape: [8, 8, 4], className: 'Activation' });
    expect(names(featureMapLayers(model, auto))).toEqual(['extractor/activation_1', 'extractor/residual_1_out']);
    expect(names(filterLayers(model, auto))).toEqual(['extractor/c1', 'extractor/residual_1_conv_a', 'extractor/residual_1_conv_b']);
    expect(spatialLayers(model).map((l) => l.name)).toContain('outer_pool');
    // Names: the full path, or a plain name when only one layer has it.
    expect(layerByName(model, 'extractor/c1', 'k').path.map((l) => l.name)).toEqual(['extractor', 'c1']);
    expect(layerByName(model, 'residual_1_bn_b', 'k').name).toBe('extractor/residual_1_bn_b');
    expect(gradCamLayer(model, { type: 'names', names: ['outer_pool'] }).name).toBe('outer_pool');
    model.dispose();
  });

  it('a named layer that does not exist, is not 4-D, or a model without convolutions: UserErrors that list what to choose', () => {
    const model = chainCnn();
    const unknown = () => layerByName(model, 'activaton_1', 'report.explain.layer');
    expect(unknown).toThrow(UserError);
    expect(unknown).toThrow(
      'report.explain.layer names the layer "activaton_1", but the model has no layer of that name; did you mean "activation_1"? Layers with feature maps (4-D outputs [batch, height, width, channels]) are "conv2d_1", "batch_norm_1", "max_pool_1", "conv2d_2", "batch_norm_2", "activation_1"; layers inside a nested model are written "<model>/<layer>".',
    );
    expect(() => featureMapLayers(model, { type: 'names', names: ['dense_1'] })).toThrow(
      'report.featureMaps.layers names the layer "dense_1", whose output [batch, 3] has no height and width to map onto the image: explanations and feature maps need a layer with a 4-D output [batch, height, width, channels]. Choose one of "conv2d_1", "batch_norm_1", "max_pool_1", "conv2d_2", "batch_norm_2", "activation_1", or write auto.',
    );
    model.dispose();
    const mlp = buildLayersModel([flatten, dense(4, { activation: 'relu' }), softmax(3)], opts());
    expect(() => gradCamLayer(mlp)).toThrow(UserError);
    expect(() => gradCamLayer(mlp)).toThrow(/has no convolutional layer with a 4-D output/);
    expect(featureMapLayers(mlp, auto)).toEqual([]);
    expect(firstConvolution(mlp)).toBeUndefined();
    mlp.dispose();
  });

  it('a plain name found in two nested models, or a layer applied twice: UserErrors that say what to write', () => {
    const makeInner = (name: string) => {
      const input = tf.input({ shape: [8, 8, 1] });
      return tf.model({ inputs: input, outputs: tf.layers.conv2d({ filters: 2, kernelSize: 3, padding: 'same', name: 'c1' }).apply(input) as tf.SymbolicTensor, name });
    };
    const input = tf.input({ shape: [8, 8, 1] });
    const a = makeInner('left').apply(input) as tf.SymbolicTensor;
    const b = makeInner('right').apply(a) as tf.SymbolicTensor;
    const twoNested = tf.model({ inputs: input, outputs: tf.layers.dense({ units: 3, activation: 'softmax' }).apply(tf.layers.flatten().apply(b)) as tf.SymbolicTensor });
    expect(() => layerByName(twoNested, 'c1', 'report.explain.layer')).toThrow(
      'report.explain.layer names the layer "c1", which exists in more than one nested model ("left/c1", "right/c1"). Write the full path, e.g. "left/c1".',
    );
    expect(layerByName(twoNested, 'right/c1', 'k').name).toBe('right/c1');
    twoNested.dispose();
    const shared = tf.layers.conv2d({ filters: 1, kernelSize: 3, padding: 'same', name: 'twice' });
    const x = tf.input({ shape: [8, 8, 1] });
    const twice = tf.model({ inputs: x, outputs: tf.layers.dense({ units: 3, activation: 'softmax' }).apply(tf.layers.flatten().apply(shared.apply(shared.apply(x)))) as tf.SymbolicTensor });
    expect(() => layerByName(twice, 'twice', 'report.featureMaps.layers')).toThrow(
      'report.featureMaps.layers names the layer "twice", which the model applies more than once, so its output is ambiguous. Choose a layer used once, or write auto.',
    );
    twice.dispose();
  });

  it('a MobileNet-style head (pooled features → 1×1 Conv2D classifier) is not taken for a map; depthwise blocks are', () => {
    // Keras Applications MobileNet: … conv_dw_k (DepthwiseConv2D) → BN → ReLU(6) → conv_pw_k (1×1 Conv2D) → BN → ReLU(6),
    // then GlobalAveragePooling2D → Reshape(1, 1, C) → Dropout → conv_preds (1×1 Conv2D) → Reshape → softmax.
    const x = tf.input({ shape: [8, 8, 3] });
    let y = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', name: 'conv1' }).apply(x) as tf.SymbolicTensor;
    y = tf.layers.depthwiseConv2d({ kernelSize: 3, padding: 'same', name: 'conv_dw_1' }).apply(y) as tf.SymbolicTensor;
    y = tf.layers.batchNormalization({ name: 'conv_dw_1_bn' }).apply(y) as tf.SymbolicTensor;
    y = tf.layers.reLU({ maxValue: 6, name: 'conv_dw_1_relu' }).apply(y) as tf.SymbolicTensor;
    y = tf.layers.conv2d({ filters: 6, kernelSize: 1, name: 'conv_pw_1' }).apply(y) as tf.SymbolicTensor;
    y = tf.layers.batchNormalization({ name: 'conv_pw_1_bn' }).apply(y) as tf.SymbolicTensor;
    y = tf.layers.reLU({ maxValue: 6, name: 'conv_pw_1_relu' }).apply(y) as tf.SymbolicTensor;
    y = tf.layers.globalAveragePooling2d({ name: 'gap' }).apply(y) as tf.SymbolicTensor;
    y = tf.layers.reshape({ targetShape: [1, 1, 6], name: 'reshape_1' }).apply(y) as tf.SymbolicTensor;
    y = tf.layers.conv2d({ filters: 3, kernelSize: 1, name: 'conv_preds' }).apply(y) as tf.SymbolicTensor;
    y = tf.layers.reshape({ targetShape: [3], name: 'reshape_2' }).apply(y) as tf.SymbolicTensor;
    y = tf.layers.activation({ activation: 'softmax', name: 'act_softmax' }).apply(y) as tf.SymbolicTensor;
    const model = tf.model({ inputs: x, outputs: y });
    expect(gradCamLayer(model)).toMatchObject({ name: 'conv_pw_1_relu', shape: [8, 8, 6], className: 'ReLU' });
    expect(names(featureMapLayers(model, auto))).toEqual(['conv1', 'conv_dw_1_relu', 'conv_pw_1_relu']);
    expect(names(filterLayers(model, auto))).toEqual(['conv1', 'conv_dw_1', 'conv_pw_1']);
    model.dispose();
  });

  it('evenly spaced selection keeps the first and the last', () => {
    expect(evenlySpaced([1, 2, 3, 4, 5, 6, 7, 8, 9], 3)).toEqual([1, 5, 9]);
    expect(evenlySpaced([1, 2], 5)).toEqual([1, 2]);
    expect(evenlySpaced([1, 2, 3], 1)).toEqual([3]);
  });
});


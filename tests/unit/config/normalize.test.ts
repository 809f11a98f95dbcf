/**
 * Valid fixtures (tests/fixtures/config/valid/) normalize to exactly these specs: defaults
 * filled in, shorthands expanded, seeds derived by name. The expected values are written out
 * by hand from the documented defaults, not computed by the code under test.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadExperiments, parseExperiment } from '../../../src/config/index.ts';
import { normalizeSelector, toPair } from '../../../src/config/normalize.ts';
import type { ExperimentSpec } from '../../../src/config/spec.ts';
import { deriveSeed } from '../../../src/lib/rng.ts';

const DIR = 'tests/fixtures/config/valid';
const seedsOf = (seed: number) => ({
  init: deriveSeed(seed, 'init'),
  dropout: deriveSeed(seed, 'dropout'),
  split: deriveSeed(seed, 'split'),
  shuffle: deriveSeed(seed, 'shuffle'),
  augment: deriveSeed(seed, 'augment'),
  report: deriveSeed(seed, 'report'),
});
/** The report section's defaults, written out from the documented values. */
const REPORT_DEFAULTS = {
  samples: 16,
  topK: 3,
  calibrationBins: 10,
  explain: {
    images: 8,
    methods: ['gradcam', 'gradcamPlusPlus', 'hiresCam', 'xgradCam', 'layerCam', 'scoreCam', 'eigenCam', 'saliency', 'smoothgrad', 'integratedGradients', 'expectedGradients', 'occlusion'],
    layer: { type: 'auto' },
    smoothgrad: { samples: 25, noise: 0.15 },
    integratedGradients: { steps: 32, maxSteps: 1024, tolerance: 0.05, rule: 'gaussLegendre', baseline: 'black' },
    expectedGradients: { background: 100, samples: 64, maxSamples: 2048, tolerance: 0.05 },
    occlusion: { size: 4, stride: 2 },
    layerCam: { layers: { type: 'auto' } },
    faithfulness: { steps: 20, road: { fractions: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9] }, sensitivity: { samples: 5, radius: 0.02 } },
    sanity: { images: 4, steps: 6 },
  },
  featureMaps: { layers: { type: 'auto' }, images: 3, channels: 16 },
  filters: { layers: { type: 'auto' }, count: 16, steps: 80, topImages: 9 },
  embedding: { images: 2000, methods: ['pca', 'umap'] },
};
const IMAGE_DEFAULTS = { fit: 'stretch', interpolation: 'bilinear', padValue: 0, maxPixels: 40_000_000 } as const;

async function loadOne(name: string): Promise<ExperimentSpec> {
  const file = `${DIR}/${name}`;
  const { experiments, errors } = await loadExperiments([file]);
  expect(errors).toEqual([]);
  expect(experiments).toHaveLength(1);
  const spec = experiments[0]!;
  expect(spec.file).toBe(file);
  expect(spec.source).toBe(readFileSync(file, 'utf8'));
  return spec;
}

const ADAM_DEFAULTS = { type: 'adam', learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, weightDecay: 0 } as const;

describe('normalize', () => {
  it('minimal file: every default and every shorthand', async () => {
    const { file: _f, source: _s, ...spec } = await loadOne('minimal-shorthands.yaml');
    expect(spec).toEqual({
      id: 'minimal-shorthands',
      title: 'Minimal',
      description: '',
      seed: 42,
      seeds: seedsOf(42),
      data: { source: 'mnist', limit: {}, split: { validation: 0.1, test: 0.2, stratify: true }, image: IMAGE_DEFAULTS, normalize: 'rescale', onError: 'fail' },
      model: {
        kind: 'layers',
        layers: [
          { type: 'conv2d', filters: 8, kernel: [3, 3], strides: [1, 1], padding: 'same', dilation: [1, 1], activation: 'linear', useBias: true, kernelInitializer: 'glorotUniform' },
          { type: 'batchNorm', momentum: 0.99, epsilon: 0.001 },
          { type: 'batchNorm', momentum: 0.99, epsilon: 0.001 },
          { type: 'maxPool', size: [2, 2], strides: [2, 2], padding: 'valid' },
          { type: 'avgPool', size: [2, 3], strides: [2, 3], padding: 'valid' },
          { type: 'maxPool', size: [3, 3], strides: [3, 3], padding: 'valid' },
          { type: 'residual', filters: 16, kernel: [3, 3], strides: [1, 1] },
          { type: 'dropout', rate: 0.5 },
          { type: 'activation', activation: 'relu' },
          { type: 'flatten' },
          { type: 'globalAvgPool' },
          { type: 'dense', units: 10, activation: 'linear', useBias: true, kernelInitializer: 'glorotUniform' },
        ],
      },
      train: { epochs: 1, batchSize: 32, replicas: 2, optimizer: ADAM_DEFAULTS, schedule: { type: 'constant' }, labelSmoothing: 0 },
      report: REPORT_DEFAULTS,
    });
  });

  it('full file: every key given explicitly is kept, pairs and mapping forms included', async () => {
    const { file: _f, source: _s, ...spec } = await loadOne('full.yaml');
    expect(spec).toEqual({
      id: 'fashion-small_cnn',
      title: 'Fashion-MNIST: small CNN',
      description: 'Every key spelled out, nothing left to defaults.',
      seed: 7,
      seeds: seedsOf(7),
      data: {
        source: 'fashion-mnist',
        limit: { train: 2000, test: 500 },
        split: { validation: 0.2, test: 0.3, stratify: false },
        image: IMAGE_DEFAULTS,
        normalize: 'rescale',
        onError: 'fail',
      },
      model: {
        kind: 'layers',
        layers: [
          { type: 'conv2d', filters: 16, kernel: [3, 5], strides: [1, 2], padding: 'valid', dilation: [1, 1], activation: 'relu', useBias: false, kernelInitializer: 'glorotUniform' },
          { type: 'batchNorm', momentum: 0.9, epsilon: 0.01 },
          { type: 'maxPool', size: [2, 3], strides: [1, 1], padding: 'same' },
          { type: 'avgPool', size: [2, 2], strides: [2, 1], padding: 'valid' },
          { type: 'residual', filters: 32, kernel: [5, 5], strides: [2, 2] },
          { type: 'dropout', rate: 0.25 },
          { type: 'activation', activation: 'tanh' },
          { type: 'globalAvgPool' },
          { type: 'flatten' },
          { type: 'dense', units: 10, activation: 'softmax', useBias: true, kernelInitializer: 'glorotUniform' },
        ],
      },
      train: {
        epochs: 3,
        batchSize: 128,
        replicas: 2,
        optimizer: { type: 'sgd', learningRate: 0.05, momentum: 0.9, nesterov: false, weightDecay: 0 },
        schedule: { type: 'constant' },
        labelSmoothing: 0,
      },
      report: {
        samples: 4,
        topK: 5,
        calibrationBins: 15,
        explain: {
          images: 2,
          methods: ['gradcam', 'occlusion'],
          layer: { type: 'names', names: ['conv2d_1'] },
          smoothgrad: { samples: 10, noise: 0.2 },
          integratedGradients: { steps: 32, maxSteps: 64, tolerance: 0.1, rule: 'trapezoid', baseline: 'mean' },
          expectedGradients: { background: 20, samples: 10, maxSamples: 40, tolerance: 0.1 },
          occlusion: { size: 6, stride: 3 },
          layerCam: { layers: { type: 'names', names: ['conv2d_1'] } },
          faithfulness: { steps: 10, road: { fractions: [0.25, 0.5] }, sensitivity: { samples: 4, radius: 0.05 } },
          sanity: { images: 2, steps: 3 },
        },
        featureMaps: { layers: { type: 'names', names: ['conv2d_1', 'residual_1_out'] }, images: 1, channels: 8 },
        filters: { layers: { type: 'names', names: ['conv2d_1'] }, count: 4, steps: 20, topImages: 5 },
        embedding: { images: 500, methods: ['pca'] },
      },
    });
  });

  it('flow style, bounds accepted at their limits, partial optimizer settings merged with defaults', async () => {
    const spec = await loadOne('adam-partial.yaml');
    expect(spec.seed).toBe(0);
    expect(spec.seeds).toEqual(seedsOf(0));
    expect(spec.data).toEqual({ source: 'mnist', limit: { test: 100 }, split: { validation: 0, test: 0.2, stratify: true }, image: IMAGE_DEFAULTS, normalize: 'rescale', onError: 'fail' });
    expect(spec.model).toEqual({
      kind: 'layers',
      layers: [{ type: 'flatten' }, { type: 'dense', units: 10, activation: 'softmax', useBias: true, kernelInitializer: 'glorotUniform' }],
    });
    expect(spec.train!).toEqual({
      epochs: 10000,
      batchSize: 65536,
      replicas: 2,
      optimizer: { ...ADAM_DEFAULTS, learningRate: 0.01 },
      schedule: { type: 'constant' },
      labelSmoothing: 0,
    });
    expect('train' in spec.data.limit).toBe(false);
  });

  it('seeds differ by purpose and follow the experiment seed', async () => {
    const a = await loadOne('minimal-shorthands.yaml');
    const b = await loadOne('full.yaml');
    expect(new Set(Object.values(a.seeds)).size).toBe(6);
    expect(a.seeds.init).not.toBe(b.seeds.init);
  });

  it('sgd with no settings gets its own defaults', () => {
    const text = 'title: t\ndata: { source: mnist }\nmodel: { layers: [ { flatten: } ] }\ntrain: { epochs: 2, optimizer: { sgd: } }\n';
    const result = parseExperiment('x/sgd-defaults.yml', text);
    expect('spec' in result && result.spec.train!.optimizer).toEqual({ type: 'sgd', learningRate: 0.01, momentum: 0, nesterov: false, weightDecay: 0 });
    expect('spec' in result && result.spec.id).toBe('sgd-defaults');
  });

  it('toPair copies, so specs never share arrays with the input', () => {
    const input: [number, number] = [1, 2];
    const pair = toPair(input);
    expect(pair).toEqual([1, 2]);
    expect(pair).not.toBe(input);
    expect(toPair(4)).toEqual([4, 4]);
  });
});

describe('normalize: graphs, presets, pretrained bases, training options', () => {
  const conv = { strides: [1, 1], padding: 'same', dilation: [1, 1], activation: 'linear', useBias: true, kernelInitializer: 'glorotUniform' } as const;

  it('a branching layer graph keeps names and inputs; every training option is expanded', async () => {
    const spec = await loadOne('graph-and-training.yaml');
    expect(spec.model).toEqual({
      kind: 'layers',
      layers: [
        { type: 'conv2d', filters: 8, ...conv, kernel: [3, 3], dilation: [2, 2], kernelInitializer: 'heNormal', kernelRegularizer: { l1: 0, l2: 0.0005 }, name: 'stem' },
        { type: 'depthwiseConv2d', depthMultiplier: 2, ...conv, kernel: [3, 3], strides: [2, 2] },
        { type: 'separableConv2d', filters: 16, depthMultiplier: 1, ...conv, kernel: [3, 1], activation: 'gelu', name: 'left' },
        { type: 'conv2d', filters: 16, ...conv, kernel: [1, 1], activation: 'swish', inputs: ['stem'], name: 'right_in' },
        { type: 'maxPool', size: [2, 2], strides: [2, 2], padding: 'valid', name: 'right' },
        { type: 'concatenate', axis: -1, inputs: ['left', 'right'], name: 'joined' },
        { type: 'spatialDropout', rate: 0.1 },
        { type: 'activation', activation: 'leakyRelu', alpha: 0.1 },
        { type: 'conv2d', filters: 24, ...conv, kernel: [1, 1], name: 'proj' },
        { type: 'conv2d', filters: 24, ...conv, kernel: [1, 1], inputs: ['joined'], name: 'shortcut' },
        { type: 'add', inputs: ['proj', 'shortcut'], name: 'sum' },
        { type: 'globalMaxPool' },
        { type: 'dense', units: 10, activation: 'softmax', useBias: false, kernelInitializer: 'glorotUniform', kernelRegularizer: { l1: 0.001, l2: 0 } },
      ],
    });
    expect(spec.train!).toEqual({
      epochs: 30,
      batchSize: 64,
      replicas: 1,
      optimizer: { type: 'sgd', learningRate: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.0005 },
      schedule: { type: 'piecewise', boundaries: [10, 20], factors: [1, 0.1, 0.01] },
      earlyStopping: { monitor: 'val_accuracy', mode: 'max', patience: 5, minDelta: 0.001, restoreBest: true },
      clip: { type: 'norm', value: 5 },
      labelSmoothing: 0.1,
      classWeights: { type: 'byName', weights: { Shirt: 2, Pullover: 1.5 } },
    });
  });

  it('a preset with a width; Keras defaults for early stopping; cosine, adamw, value clipping, balanced weights', async () => {
    const spec = await loadOne('preset.yaml');
    expect(spec.model).toEqual({ kind: 'preset', preset: 'resnet', width: 0.25 });
    expect(spec.train!).toEqual({
      epochs: 100,
      batchSize: 32,
      replicas: 2,
      optimizer: { type: 'adamw', learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, weightDecay: 0.004 },
      schedule: { type: 'cosine', warmup: 5, minFactor: 0 },
      earlyStopping: { monitor: 'val_loss', mode: 'min', patience: 0, minDelta: 0, restoreBest: false },
      clip: { type: 'value', value: 0.5 },
      labelSmoothing: 0,
      classWeights: { type: 'balanced' },
    });
    expect(parseExperiment('x/p.yaml', 'title: t\ndata: { source: mnist }\nmodel: { preset: simple-cnn }\ntrain: { epochs: 1 }\n')).toMatchObject({
      spec: { model: { kind: 'preset', preset: 'simple-cnn', width: 1 } },
    });
  });

  it('a pretrained base: the path resolved against the experiment file, selectors, the head, fine-tuning', async () => {
    const spec = await loadOne('pretrained.yaml');
    expect(spec.model).toEqual({
      kind: 'pretrained',
      path: resolve(DIR, '../bases/small/model.json'),
      pathAsWritten: '../bases/small/model.json',
      output: 'global_avg_pool_1',
      freeze: { type: 'patterns', patterns: ['conv2d_*', 'batch_norm_1'] },
      layers: [{ type: 'dense', units: 10, activation: 'softmax', useBias: true, kernelInitializer: 'glorotUniform', inputs: ['base'] }],
    });
    expect(spec.train!.optimizer).toEqual({ type: 'rmsprop', learningRate: 0.001, rho: 0.9, momentum: 0, epsilon: 1e-7, centered: true, weightDecay: 0 });
    expect(spec.train!.schedule).toEqual({ type: 'reduceOnPlateau', monitor: 'val_accuracy', mode: 'max', factor: 0.1, patience: 2, minDelta: 1e-4, cooldown: 0, minFactor: 0 });
    expect(spec.train!.fineTune).toEqual({ epochs: 2, learningRate: 0.00001, unfreeze: { type: 'count', count: 4 } });
  });

  it('layer selectors: all, none, a count, one glob, several globs', () => {
    expect(normalizeSelector('all')).toEqual({ type: 'all' });
    expect(normalizeSelector('none')).toEqual({ type: 'none' });
    expect(normalizeSelector(0)).toEqual({ type: 'count', count: 0 });
    expect(normalizeSelector('mixed*')).toEqual({ type: 'patterns', patterns: ['mixed*'] });
    expect(normalizeSelector(['a', 'b?'])).toEqual({ type: 'patterns', patterns: ['a', 'b?'] });
  });
});

describe('normalize: data sources, image preprocessing, augmentation', () => {
  it('a folder source: the path resolved against the file, image settings, Keras-style ranges expanded', async () => {
    const spec = await loadOne('folder-augment.yaml');
    expect(spec.data).toEqual({
      source: 'folder',
      path: resolve(DIR, '../flowers'),
      pathAsWritten: '../flowers',
      limit: {},
      split: { validation: 0.1, test: 0.2, stratify: true },
      image: { size: [64, 48], channels: 3, fit: 'pad', interpolation: 'lanczos3', padValue: 128, maxPixels: 1_000_000 },
      normalize: 'standardize',
      onError: 'skip',
      augment: {
        rotation: 15,
        widthShift: 0.1,
        heightShift: 0.1,
        horizontalFlip: true,
        verticalFlip: false,
        zoom: [0.9, 1.1],
        shear: 0.1,
        channelShift: 0.1,
        brightness: [0.8, 1.2],
        fill: 'reflect',
        fillValue: 0,
        crop: { padding: 4 },
        cutout: { size: 8, count: 1 },
        mixup: { alpha: 0.2 },
      },
    });
  });
});

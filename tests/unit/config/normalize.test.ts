/**
 * Valid fixtures (tests/fixtures/config/valid/) normalize to exactly these specs: defaults
 * filled in, shorthands expanded, seeds derived by name. The expected values are written out
 * by hand from the documented defaults, not computed by the code under test.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadExperiments, parseExperiment } from '../../../src/config/index.ts';
import { toPair } from '../../../src/config/normalize.ts';
import type { ExperimentSpec } from '../../../src/config/spec.ts';
import { deriveSeed } from '../../../src/lib/rng.ts';

const DIR = 'tests/fixtures/config/valid';
const seedsOf = (seed: number) => ({
  init: deriveSeed(seed, 'init'),
  dropout: deriveSeed(seed, 'dropout'),
  split: deriveSeed(seed, 'split'),
  shuffle: deriveSeed(seed, 'shuffle'),
});

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

const ADAM_DEFAULTS = { type: 'adam', learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 } as const;

describe('normalize', () => {
  it('minimal file: every default and every shorthand', async () => {
    const { file: _f, source: _s, ...spec } = await loadOne('minimal-shorthands.yaml');
    expect(spec).toEqual({
      id: 'minimal-shorthands',
      title: 'Minimal',
      description: '',
      seed: 42,
      seeds: seedsOf(42),
      data: { source: 'mnist', limit: {}, split: { validation: 0.1, test: 0.2, stratify: true }, normalize: 'rescale' },
      model: {
        layers: [
          { type: 'conv2d', filters: 8, kernel: [3, 3], strides: [1, 1], padding: 'same', activation: 'linear', useBias: true },
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
          { type: 'dense', units: 10, activation: 'linear' },
        ],
      },
      train: { epochs: 1, batchSize: 32, optimizer: ADAM_DEFAULTS },
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
      data: { source: 'fashion-mnist', limit: { train: 2000, test: 500 }, split: { validation: 0.2, test: 0.3, stratify: false }, normalize: 'rescale' },
      model: {
        layers: [
          { type: 'conv2d', filters: 16, kernel: [3, 5], strides: [1, 2], padding: 'valid', activation: 'relu', useBias: false },
          { type: 'batchNorm', momentum: 0.9, epsilon: 0.01 },
          { type: 'maxPool', size: [2, 3], strides: [1, 1], padding: 'same' },
          { type: 'avgPool', size: [2, 2], strides: [2, 1], padding: 'valid' },
          { type: 'residual', filters: 32, kernel: [5, 5], strides: [2, 2] },
          { type: 'dropout', rate: 0.25 },
          { type: 'activation', activation: 'tanh' },
          { type: 'globalAvgPool' },
          { type: 'flatten' },
          { type: 'dense', units: 10, activation: 'softmax' },
        ],
      },
      train: { epochs: 3, batchSize: 128, optimizer: { type: 'sgd', learningRate: 0.05, momentum: 0.9 } },
    });
  });

  it('flow style, bounds accepted at their limits, partial optimizer settings merged with defaults', async () => {
    const spec = await loadOne('adam-partial.yaml');
    expect(spec.seed).toBe(0);
    expect(spec.seeds).toEqual(seedsOf(0));
    expect(spec.data).toEqual({ source: 'mnist', limit: { test: 100 }, split: { validation: 0, test: 0.2, stratify: true }, normalize: 'rescale' });
    expect(spec.model.layers).toEqual([{ type: 'flatten' }, { type: 'dense', units: 10, activation: 'softmax' }]);
    expect(spec.train).toEqual({ epochs: 10000, batchSize: 65536, optimizer: { ...ADAM_DEFAULTS, learningRate: 0.01 } });
    expect('train' in spec.data.limit).toBe(false);
  });

  it('seeds differ by purpose and follow the experiment seed', async () => {
    const a = await loadOne('minimal-shorthands.yaml');
    const b = await loadOne('full.yaml');
    expect(new Set(Object.values(a.seeds)).size).toBe(4);
    expect(a.seeds.init).not.toBe(b.seeds.init);
  });

  it('sgd with no settings gets its own defaults', () => {
    const text = 'title: t\ndata: { source: mnist }\nmodel: { layers: [ { flatten: } ] }\ntrain: { epochs: 2, optimizer: { sgd: } }\n';
    const result = parseExperiment('x/sgd-defaults.yml', text);
    expect('spec' in result && result.spec.train.optimizer).toEqual({ type: 'sgd', learningRate: 0.01, momentum: 0 });
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

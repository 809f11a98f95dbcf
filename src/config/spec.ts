/**
 * The normalized experiment: what every stage after `config/` consumes.
 *
 * `config/normalize.ts` produces it from validated YAML: every default filled in, every
 * shorthand expanded (e.g. `maxPool: 2` → `{ size: [2, 2], strides: [2, 2], padding: 'valid' }`),
 * and per-purpose seeds derived from the one experiment `seed`. Stages never see raw YAML.
 */

/** Activation names accepted by layers (tfjs-layers identifiers). */
export const ACTIVATIONS = ['linear', 'relu', 'elu', 'selu', 'sigmoid', 'tanh', 'softmax', 'softplus', 'swish'] as const;
export type Activation = (typeof ACTIVATIONS)[number];

/** Dataset sources understood by `data/sources/`. */
export const SOURCES = ['fashion-mnist', 'mnist'] as const;
export type SourceName = (typeof SOURCES)[number];

export type Pair = [number, number];
export type Padding = 'same' | 'valid';

export type LayerSpec =
  | { type: 'conv2d'; filters: number; kernel: Pair; strides: Pair; padding: Padding; activation: Activation; useBias: boolean }
  | { type: 'batchNorm'; momentum: number; epsilon: number }
  | { type: 'maxPool' | 'avgPool'; size: Pair; strides: Pair; padding: Padding }
  | { type: 'dropout'; rate: number }
  | { type: 'flatten' }
  | { type: 'globalAvgPool' }
  | { type: 'dense'; units: number; activation: Activation }
  | { type: 'activation'; activation: Activation }
  /** Two kernel×kernel conv+BN (relu between), shortcut = 1×1 conv+BN when shape changes, add, relu. */
  | { type: 'residual'; filters: number; kernel: Pair; strides: Pair };

export type OptimizerSpec =
  | { type: 'adam'; learningRate: number; beta1: number; beta2: number; epsilon: number }
  | { type: 'sgd'; learningRate: number; momentum: number };

/** Seeds derived by name from the experiment seed (see lib/rng.ts `deriveSeed`). */
export interface Seeds {
  init: number;
  dropout: number;
  split: number;
  shuffle: number;
}

export interface ExperimentSpec {
  /** File name without extension; unique across the experiments directory. */
  id: string;
  /** Path of the YAML file, as given to the loader (relative to the working directory when relative). */
  file: string;
  /** The YAML text exactly as read: published as `experiment.yaml`. */
  source: string;
  title: string;
  description: string;
  seed: number;
  seeds: Seeds;
  data: {
    source: SourceName;
    /** Upper bounds on images taken per split (stratified); undefined = all. */
    limit: { train?: number; test?: number };
    /**
     * `validation`: fraction of the training pool held out for validation (0 = none).
     * `test`: fraction held out as the test set, only for sources without a fixed test set (mnist).
     * Both stratified by class when `stratify`.
     */
    split: { validation: number; test: number; stratify: boolean };
    normalize: 'rescale';
  };
  model: { layers: LayerSpec[] };
  train: { epochs: number; batchSize: number; optimizer: OptimizerSpec };
}

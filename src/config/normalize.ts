/**
 * Stage 4 of the config pipeline: validated experiment → ExperimentSpec. Pure.
 *
 * zod has already filled in plain defaults; this expands shorthands (`kernel: 3` → [3, 3],
 * `maxPool: 2` → size and strides [2, 2], `dropout: 0.5` → { rate: 0.5 }), fills defaults
 * that depend on siblings (pool strides = size) and derives the per-purpose seeds.
 */
import { deriveSeed } from '../lib/rng.ts';
import type { ExperimentInput, LayerInput } from './schema.ts';
import type { ExperimentSpec, LayerSpec, OptimizerSpec, Pair } from './spec.ts';

/** Where the experiment came from: not part of the YAML's own content. */
export interface ExperimentOrigin {
  /** The resolved id (explicit `id:` or the file name); validated by the caller. */
  id: string;
  /** The file as given to the loader. */
  file: string;
  /** The YAML text exactly as read. */
  source: string;
}

/** `3` → `[3, 3]`; pairs pass through (copied). */
export function toPair(v: number | readonly [number, number]): Pair {
  return typeof v === 'number' ? [v, v] : [v[0], v[1]];
}

type PoolInput = NonNullable<LayerInput['maxPool']>;

function pool(type: 'maxPool' | 'avgPool', v: PoolInput): LayerSpec {
  if (typeof v === 'number' || Array.isArray(v)) {
    const size = toPair(v as number | [number, number]);
    return { type, size, strides: [...size], padding: 'valid' };
  }
  const { size, strides, padding } = v as Exclude<PoolInput, number | [number, number]>;
  return { type, size: toPair(size), strides: toPair(strides ?? size), padding };
}

/** One layer item (a mapping with one key naming its type) → LayerSpec. */
export function normalizeLayer(item: LayerInput): LayerSpec {
  if (item.conv2d) {
    const c = item.conv2d;
    return { type: 'conv2d', filters: c.filters, kernel: toPair(c.kernel), strides: toPair(c.strides), padding: c.padding, activation: c.activation, useBias: c.useBias };
  }
  if (item.batchNorm) return { type: 'batchNorm', momentum: item.batchNorm.momentum, epsilon: item.batchNorm.epsilon };
  if (item.maxPool !== undefined) return pool('maxPool', item.maxPool);
  if (item.avgPool !== undefined) return pool('avgPool', item.avgPool);
  if (item.dropout !== undefined) return { type: 'dropout', rate: typeof item.dropout === 'number' ? item.dropout : item.dropout.rate };
  if (item.flatten) return { type: 'flatten' };
  if (item.globalAvgPool) return { type: 'globalAvgPool' };
  if (item.dense) return { type: 'dense', units: item.dense.units, activation: item.dense.activation };
  if (item.activation !== undefined) return { type: 'activation', activation: typeof item.activation === 'string' ? item.activation : item.activation.type };
  if (item.residual) {
    const r = item.residual;
    return { type: 'residual', filters: r.filters, kernel: toPair(r.kernel), strides: toPair(r.strides) };
  }
  // Unreachable after validation (exactly one known key); a loud failure beats a silent wrong model.
  throw new Error(`normalizeLayer: no known layer type in ${JSON.stringify(Object.keys(item))}`);
}

function normalizeOptimizer(o: ExperimentInput['train']['optimizer']): OptimizerSpec {
  if (o.adam) return { type: 'adam', ...o.adam };
  if (o.sgd) return { type: 'sgd', ...o.sgd };
  throw new Error(`normalizeOptimizer: no known optimizer in ${JSON.stringify(Object.keys(o))}`);
}

/** Validated experiment + origin → the spec every later stage consumes. */
export function normalizeExperiment(input: ExperimentInput, origin: ExperimentOrigin): ExperimentSpec {
  const { seed, data, train } = input;
  return {
    id: origin.id,
    file: origin.file,
    source: origin.source,
    title: input.title,
    description: input.description,
    seed,
    seeds: {
      init: deriveSeed(seed, 'init'),
      dropout: deriveSeed(seed, 'dropout'),
      split: deriveSeed(seed, 'split'),
      shuffle: deriveSeed(seed, 'shuffle'),
    },
    data: {
      source: data.source,
      limit: {
        ...(data.limit.train !== undefined && { train: data.limit.train }),
        ...(data.limit.test !== undefined && { test: data.limit.test }),
      },
      split: { validation: data.split.validation, test: data.split.test, stratify: data.split.stratify },
      normalize: data.normalize,
    },
    model: { layers: input.model.layers.map(normalizeLayer) },
    train: { epochs: train.epochs, batchSize: train.batchSize, optimizer: normalizeOptimizer(train.optimizer) },
  };
}

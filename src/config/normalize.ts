/**
 * Stage 4 of the config pipeline: validated experiment → ExperimentSpec. Pure.
 *
 * zod has already filled in plain defaults; this expands shorthands (`kernel: 3` → [3, 3],
 * `maxPool: 2` → size and strides [2, 2], `dropout: 0.5` → { rate: 0.5 }), fills defaults
 * that depend on siblings (pool strides = size) and derives the per-purpose seeds of every run.
 */
import { dirname, resolve } from 'node:path';
import { deriveSeed } from '../lib/rng.ts';
import type { ExperimentInput, LayerInput } from './schema.ts';
import type { AugmentSpec, ExperimentSpec, ImageSpec, LayerChoice, LayerSelector, ReportSpec, LayerSpec, ModelSpec, Monitor, NodeFields, OptimizerSpec, Pair, RunSeeds, ScheduleSpec, Seeds, TrainSpec } from './spec.ts';

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

/** The node fields (name, inputs) of a layer's mapping form, copied only when present. */
function nodeFields(v: unknown): NodeFields {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return {};
  const { name, inputs } = v as NodeFields;
  return { ...(name !== undefined && { name }), ...(inputs !== undefined && { inputs: [...inputs] }) };
}

function pool(type: 'maxPool' | 'avgPool', v: PoolInput): LayerSpec {
  if (typeof v === 'number' || Array.isArray(v)) {
    const size = toPair(v as number | [number, number]);
    return { type, size, strides: [...size], padding: 'valid' };
  }
  const { size, strides, padding } = v as Exclude<PoolInput, number | [number, number]>;
  return { type, size: toPair(size), strides: toPair(strides ?? size), padding, ...nodeFields(v) };
}

type ConvInput = Omit<NonNullable<LayerInput['conv2d']>, 'filters'>;

function convFields(c: ConvInput) {
  return {
    kernel: toPair(c.kernel),
    strides: toPair(c.strides),
    padding: c.padding,
    dilation: toPair(c.dilation),
    activation: c.activation,
    useBias: c.useBias,
    kernelInitializer: c.kernelInitializer,
    ...(c.kernelRegularizer && { kernelRegularizer: { ...c.kernelRegularizer } }),
  };
}

/** One layer item (a mapping with one key naming its type) → LayerSpec. */
export function normalizeLayer(item: LayerInput): LayerSpec {
  if (item.conv2d) return { type: 'conv2d', filters: item.conv2d.filters, ...convFields(item.conv2d), ...nodeFields(item.conv2d) };
  if (item.depthwiseConv2d) {
    const c = item.depthwiseConv2d;
    return { type: 'depthwiseConv2d', depthMultiplier: c.depthMultiplier, ...convFields(c), ...nodeFields(c) };
  }
  if (item.separableConv2d) {
    const c = item.separableConv2d;
    return { type: 'separableConv2d', filters: c.filters, depthMultiplier: c.depthMultiplier, ...convFields(c), ...nodeFields(c) };
  }
  if (item.batchNorm) return { type: 'batchNorm', momentum: item.batchNorm.momentum, epsilon: item.batchNorm.epsilon, ...nodeFields(item.batchNorm) };
  if (item.maxPool !== undefined) return pool('maxPool', item.maxPool);
  if (item.avgPool !== undefined) return pool('avgPool', item.avgPool);
  for (const type of ['globalAvgPool', 'globalMaxPool', 'flatten', 'add'] as const) {
    if (item[type]) return { type, ...nodeFields(item[type]) };
  }
  if (item.concatenate) return { type: 'concatenate', axis: item.concatenate.axis, ...nodeFields(item.concatenate) };
  if (item.dense) {
    const d = item.dense;
    return {
      type: 'dense',
      units: d.units,
      activation: d.activation,
      useBias: d.useBias,
      kernelInitializer: d.kernelInitializer,
      ...(d.kernelRegularizer && { kernelRegularizer: { ...d.kernelRegularizer } }),
      ...nodeFields(d),
    };
  }
  for (const type of ['dropout', 'spatialDropout'] as const) {
    const v = item[type];
    if (v !== undefined) return typeof v === 'number' ? { type, rate: v } : { type, rate: v.rate, ...nodeFields(v) };
  }
  if (item.activation !== undefined) {
    const a = item.activation;
    if (typeof a === 'string') return { type: 'activation', activation: a };
    return { type: 'activation', activation: a.type, ...(a.alpha !== undefined && { alpha: a.alpha }), ...nodeFields(a) };
  }
  if (item.residual) {
    const r = item.residual;
    return { type: 'residual', filters: r.filters, kernel: toPair(r.kernel), strides: toPair(r.strides), ...nodeFields(r) };
  }
  // Unreachable after validation (exactly one known key); a loud failure beats a silent wrong model.
  throw new Error(`normalizeLayer: no known layer type in ${JSON.stringify(Object.keys(item))}`);
}

/** `all` | `none` | a count | one glob | a list of globs → LayerSelector. */
export function normalizeSelector(v: string | number | string[]): LayerSelector {
  if (v === 'all' || v === 'none') return { type: v };
  if (typeof v === 'number') return { type: 'count', count: v };
  return { type: 'patterns', patterns: typeof v === 'string' ? [v] : [...v] };
}

function normalizeModel(m: ExperimentInput['model'], file: string): ModelSpec {
  const at = (written: string) => ({ path: resolve(dirname(file), written), pathAsWritten: written });
  if (m.load !== undefined) {
    return {
      kind: 'imported',
      ...at(m.load),
      output: m.output ?? 'probabilities',
      ...(m.history !== undefined && { history: at(m.history) }),
      ...(m.classes !== undefined && { classes: [...m.classes] }),
    };
  }
  if (m.preset) return { kind: 'preset', preset: m.preset, width: m.width ?? 1 };
  const layers = (m.layers ?? []).map(normalizeLayer);
  if (m.pretrained) {
    const p = m.pretrained;
    return {
      kind: 'pretrained',
      path: resolve(dirname(file), p.path),
      pathAsWritten: p.path,
      ...(p.output !== undefined && { output: p.output }),
      freeze: normalizeSelector(p.freeze),
      layers,
    };
  }
  return { kind: 'layers', layers };
}

/** `0.1` → [0.9, 1.1]; pairs pass through. */
const aroundOne = (v: number | readonly [number, number]): Pair => (typeof v === 'number' ? [1 - v, 1 + v] : [v[0], v[1]]);

function normalizeImage(i: ExperimentInput['data']['image']): ImageSpec {
  return {
    ...(i.size !== undefined && { size: toPair(i.size) }),
    ...(i.channels !== undefined && { channels: i.channels }),
    fit: i.fit,
    interpolation: i.interpolation,
    padValue: i.padValue,
    maxPixels: i.maxPixels,
  };
}

function normalizeAugment(a: NonNullable<ExperimentInput['data']['augment']>): AugmentSpec {
  return {
    rotation: a.rotation,
    widthShift: a.widthShift,
    heightShift: a.heightShift,
    horizontalFlip: a.horizontalFlip,
    verticalFlip: a.verticalFlip,
    zoom: aroundOne(a.zoom),
    shear: a.shear,
    channelShift: a.channelShift,
    ...(a.brightness !== undefined && { brightness: aroundOne(a.brightness) }),
    fill: a.fill,
    fillValue: a.fillValue,
    ...(a.crop && { crop: { ...a.crop } }),
    ...(a.cutout && { cutout: { ...a.cutout } }),
    ...(a.mixup && { mixup: { ...a.mixup } }),
  };
}

/** `auto`, a name, or names → LayerChoice. */
function layerChoice(v: string | string[]): LayerChoice {
  if (v === 'auto') return { type: 'auto' };
  return { type: 'names', names: typeof v === 'string' ? [v] : [...v] };
}

function normalizeReport(r: ExperimentInput['report']): ReportSpec {
  const e = r.explain;
  return {
    samples: r.samples,
    topK: r.topK,
    calibrationBins: r.calibrationBins,
    explain: {
      images: e.images,
      methods: [...new Set(e.methods)],
      layer: layerChoice(e.layer),
      smoothgrad: { ...e.smoothgrad },
      integratedGradients: { ...e.integratedGradients },
      expectedGradients: { ...e.expectedGradients },
      occlusion: { ...e.occlusion },
      layerCam: { layers: layerChoice(e.layerCam.layers) },
      faithfulness: { steps: e.faithfulness.steps, road: { fractions: [...e.faithfulness.road.fractions].sort((a, b) => a - b) }, sensitivity: { ...e.faithfulness.sensitivity } },
      sanity: { ...e.sanity },
    },
    featureMaps: { layers: layerChoice(r.featureMaps.layers), images: r.featureMaps.images, channels: r.featureMaps.channels },
    filters: { layers: layerChoice(r.filters.layers), count: r.filters.count, steps: r.filters.steps, topImages: r.filters.topImages },
    embedding: { images: r.embedding.images, methods: [...new Set(r.embedding.methods)] },
  };
}

/** One-key choice mapping → `{ type, ...settings }`. */
function choice<T>(o: object): T {
  const [type, settings] = Object.entries(o).find(([, v]) => v !== undefined)!;
  return { type, ...(settings as object) } as T;
}

const resolveMode = (mode: 'auto' | 'min' | 'max', monitor: Monitor): 'min' | 'max' =>
  mode !== 'auto' ? mode : monitor.endsWith('accuracy') ? 'max' : 'min';

function normalizeSchedule(s: NonNullable<ExperimentInput['train']>['schedule']): ScheduleSpec {
  if (s.reduceOnPlateau) return { type: 'reduceOnPlateau', ...s.reduceOnPlateau, mode: resolveMode(s.reduceOnPlateau.mode, s.reduceOnPlateau.monitor) };
  if (s.piecewise) return { type: 'piecewise', boundaries: [...s.piecewise.boundaries], factors: [...s.piecewise.factors] };
  return choice<ScheduleSpec>(s);
}

function normalizeTrain(t: NonNullable<ExperimentInput['train']>): TrainSpec {
  const e = t.earlyStopping;
  const c = t.classWeights;
  return {
    epochs: t.epochs,
    batchSize: t.batchSize,
    replicas: t.replicas,
    optimizer: choice<OptimizerSpec>(t.optimizer),
    schedule: normalizeSchedule(t.schedule),
    ...(e && { earlyStopping: { ...e, mode: resolveMode(e.mode, e.monitor) } }),
    ...(t.clip && { clip: t.clip.norm !== undefined ? { type: 'norm' as const, value: t.clip.norm } : { type: 'value' as const, value: t.clip.value! } }),
    labelSmoothing: t.labelSmoothing,
    ...(c && { classWeights: c === 'balanced' ? { type: 'balanced' as const } : { type: 'byName' as const, weights: { ...c } } }),
    ...(t.fineTune && { fineTune: { epochs: t.fineTune.epochs, learningRate: t.fineTune.learningRate, unfreeze: normalizeSelector(t.fineTune.unfreeze) } }),
  };
}

/**
 * The seeds of the run with seed `run` of the experiment with seed `seed`. The split and the
 * report's picks come from the experiment seed whatever the run: repeated runs train on the same
 * images and are evaluated on the same test set, so their metrics differ only by the training's
 * randomness (initialization, dropout, shuffling, augmentation) and can be compared pairwise.
 */
export function runSeeds(seed: number, run: number): Seeds {
  return {
    init: deriveSeed(run, 'init'),
    dropout: deriveSeed(run, 'dropout'),
    split: deriveSeed(seed, 'split'),
    shuffle: deriveSeed(run, 'shuffle'),
    augment: deriveSeed(run, 'augment'),
    report: deriveSeed(seed, 'report'),
  };
}

/**
 * The seed of every run, run 0 first: the listed `train.seeds`, or the experiment seed followed by
 * `deriveSeed(seed, 'repeat/<i>')` for i = 1 … repeats − 1. One run, unlisted: the experiment seed.
 */
export function runSeedList(seed: number, train: { repeats: number; seeds?: number[] | undefined } | undefined): number[] {
  if (train?.seeds) return [...train.seeds];
  return Array.from({ length: train?.repeats ?? 1 }, (_, i) => (i === 0 ? seed : deriveSeed(seed, `repeat/${i}`)));
}

/** Validated experiment + origin → the spec every later stage consumes. */
export function normalizeExperiment(input: ExperimentInput, origin: ExperimentOrigin): ExperimentSpec {
  const { seed, data, train } = input;
  const runs = runSeedList(seed, train).map((run): RunSeeds => ({ seed: run, seeds: runSeeds(seed, run) }));
  return {
    id: origin.id,
    file: origin.file,
    source: origin.source,
    title: input.title,
    description: input.description,
    seed,
    seeds: runs[0]!.seeds,
    ...(runs.length > 1 && { runs }),
    data: {
      source: data.source,
      ...(data.path !== undefined && { path: resolve(dirname(origin.file), data.path), pathAsWritten: data.path }),
      limit: {
        ...(data.limit.train !== undefined && { train: data.limit.train }),
        ...(data.limit.test !== undefined && { test: data.limit.test }),
      },
      split: { validation: data.split.validation, test: data.split.test, stratify: data.split.stratify },
      image: normalizeImage(data.image),
      normalize: data.normalize,
      ...(data.augment && { augment: normalizeAugment(data.augment) }),
      onError: data.onError,
    },
    model: normalizeModel(input.model, origin.file),
    ...(train && { train: normalizeTrain(train) }),
    report: normalizeReport(input.report),
  };
}

/**
 * The experiment YAML vocabulary as a zod schema: the single source of truth for shape,
 * types, ranges and defaults. `json-schema.ts` derives the published JSON Schema from it,
 * `validate.ts` reads it back to phrase errors, `normalize.ts` consumes its output.
 *
 * Extending the vocabulary is meant to be one line: a new source goes in `SOURCES`
 * (spec.ts), a new layer in `LAYERS`, a new optimizer in `OPTIMIZERS`, a schedule in `SCHEDULES`.
 * Shorthands (`maxPool: 2`, `dropout: 0.5`, `kernel: 3`) are accepted here and expanded in
 * `normalize.ts`; a bare `flatten:` (YAML null) is turned into `{}` here so its defaults apply.
 */
import { z } from 'zod';
import { ACTIVATIONS, EXPLAIN_METHODS, INITIALIZERS, INTERPOLATIONS, MONITORS, PRESETS, SOURCES } from './spec.ts';

/** Experiment ids appear in URLs and paths. */
export const ID_PATTERN = /^[a-z0-9][a-z0-9-_]*$/;

const int = (min: number, max?: number) => (max === undefined ? z.number().int().min(min) : z.number().int().min(min).max(max));
/** An integer ≥ 1, or a pair of them (`3` means `[3, 3]`). */
const intOrPair = z.union([int(1), z.tuple([int(1), int(1)])]);
const activation = z.enum(ACTIVATIONS);
const padding = z.enum(['same', 'valid']);

/**
 * Mappings whose one key names a choice (a layer type, an optimizer). Kept as one strict
 * object with optional keys, not a union, so an unknown or misspelt choice gets the same
 * did-you-mean as any other key. The noun names the choice in error messages.
 */
export const choiceNouns = new WeakMap<z.ZodType, string>();
function oneKeyOf<T extends Record<string, z.ZodType>>(noun: string, options: T) {
  const shape = Object.fromEntries(Object.entries(options).map(([k, v]) => [k, v.optional()])) as {
    [K in keyof T]: z.ZodOptional<T[K]>;
  };
  const schema = z
    .strictObject(shape)
    .check(z.refine((v) => Object.keys(v).length === 1, { params: { oneKey: true } }))
    .meta({ minProperties: 1, maxProperties: 1 });
  choiceNouns.set(schema, noun);
  return schema;
}

/** `key: {}` and a bare `key:` (YAML null) both mean "all defaults". */
function emptyOr<T extends z.ZodObject>(object: T) {
  return z.union([z.null(), object]).transform((v): z.output<T> => (v === null ? object.parse({}) : v));
}

/** Node fields every layer's mapping form accepts (see NodeFields in spec.ts). */
export const NODE_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_]*$/;
const node = {
  name: z.string().regex(NODE_NAME_PATTERN).optional(),
  inputs: z.array(z.string()).min(1).optional(),
};

const initializer = z.enum(INITIALIZERS);
const regularizer = z.strictObject({ l1: z.number().min(0).default(0), l2: z.number().min(0).default(0) });

/** Fields shared by conv2d, depthwiseConv2d and separableConv2d. */
const convFields = {
  kernel: intOrPair,
  strides: intOrPair.default(1),
  padding: padding.default('same'),
  dilation: intOrPair.default(1),
  activation: activation.default('linear'),
  useBias: z.boolean().default(true),
  kernelInitializer: initializer.default('glorotUniform'),
  kernelRegularizer: regularizer.optional(),
  ...node,
};

const pool = z.union([
  int(1),
  z.tuple([int(1), int(1)]),
  z.strictObject({ size: intOrPair, strides: intOrPair.optional(), padding: padding.default('valid'), ...node }),
]);

const rate = z.number().min(0).lt(1);
const nodeOnly = emptyOr(z.strictObject({ ...node }));

/** Layer types: one line each. */
export const LAYERS = {
  conv2d: z.strictObject({ filters: int(1), ...convFields }),
  depthwiseConv2d: z.strictObject({ depthMultiplier: int(1).default(1), ...convFields }),
  separableConv2d: z.strictObject({ filters: int(1), depthMultiplier: int(1).default(1), ...convFields }),
  batchNorm: emptyOr(z.strictObject({ momentum: z.number().gt(0).lt(1).default(0.99), epsilon: z.number().gt(0).default(0.001), ...node })),
  maxPool: pool,
  avgPool: pool,
  globalAvgPool: nodeOnly,
  globalMaxPool: nodeOnly,
  flatten: nodeOnly,
  dense: z.strictObject({
    units: int(1),
    activation: activation.default('linear'),
    useBias: z.boolean().default(true),
    kernelInitializer: initializer.default('glorotUniform'),
    kernelRegularizer: regularizer.optional(),
    ...node,
  }),
  dropout: z.union([rate, z.strictObject({ rate, ...node })]),
  spatialDropout: z.union([rate, z.strictObject({ rate, ...node })]),
  activation: z.union([activation, z.strictObject({ type: activation, alpha: z.number().min(0).optional(), ...node })]),
  add: nodeOnly,
  concatenate: emptyOr(z.strictObject({ axis: z.number().int().default(-1), ...node })),
  residual: z.strictObject({ filters: int(1), kernel: intOrPair.default(3), strides: intOrPair.default(1), ...node }),
};

const weightDecay = z.number().min(0).default(0);
const beta = (d: number) => z.number().min(0).lt(1).default(d);

/** Optimizers: one line each. */
export const OPTIMIZERS = {
  sgd: emptyOr(
    z.strictObject({ learningRate: z.number().gt(0).default(0.01), momentum: z.number().min(0).lt(1).default(0), nesterov: z.boolean().default(false), weightDecay }),
  ),
  adam: emptyOr(
    z.strictObject({ learningRate: z.number().gt(0).default(0.001), beta1: beta(0.9), beta2: beta(0.999), epsilon: z.number().gt(0).default(1e-7), weightDecay }),
  ),
  adamw: emptyOr(
    z.strictObject({
      learningRate: z.number().gt(0).default(0.001),
      beta1: beta(0.9),
      beta2: beta(0.999),
      epsilon: z.number().gt(0).default(1e-7),
      weightDecay: z.number().min(0).default(0.004),
    }),
  ),
  rmsprop: emptyOr(
    z.strictObject({
      learningRate: z.number().gt(0).default(0.001),
      rho: beta(0.9),
      momentum: z.number().min(0).lt(1).default(0),
      epsilon: z.number().gt(0).default(1e-7),
      centered: z.boolean().default(false),
      weightDecay,
    }),
  ),
};

const monitor = z.enum(MONITORS);
const mode = z.enum(['auto', 'min', 'max']).default('auto');

/** Learning-rate schedules: one line each. */
export const SCHEDULES = {
  constant: emptyOr(z.strictObject({})),
  piecewise: z.strictObject({ boundaries: z.array(int(1)).min(1), factors: z.array(z.number().gt(0)).min(2) }),
  step: z.strictObject({ every: int(1), factor: z.number().gt(0) }),
  exponential: z.strictObject({ rate: z.number().gt(0).max(1) }),
  cosine: emptyOr(z.strictObject({ warmup: int(0).default(0), minFactor: z.number().min(0).lt(1).default(0) })),
  reduceOnPlateau: emptyOr(
    z.strictObject({
      monitor: monitor.default('val_loss'),
      mode,
      factor: z.number().gt(0).lt(1).default(0.1),
      patience: int(0).default(10),
      minDelta: z.number().min(0).default(1e-4),
      cooldown: int(0).default(0),
      minFactor: z.number().min(0).lt(1).default(0),
    }),
  ),
};

/** Which layers of a pretrained base: all, none, a count, or name globs. */
const layerSelector = z.union([z.enum(['all', 'none']), int(0), z.string().min(1), z.array(z.string().min(1)).min(1)]);

export const layerSchema = oneKeyOf('layer type', LAYERS);
export const optimizerSchema = oneKeyOf('optimizer', OPTIMIZERS);
export const scheduleSchema = oneKeyOf('schedule', SCHEDULES);
export const clipSchema = oneKeyOf('clipping', { norm: z.number().gt(0), value: z.number().gt(0) });

const fraction = z.number().min(0).lt(1);
/** A range written as one number f (→ [1 − f, 1 + f]) or as [lo, hi]. */
const aroundOne = z.union([fraction, z.tuple([z.number().gt(0), z.number().gt(0)])]);

export const imageSchema = z.strictObject({
  size: intOrPair.optional(),
  channels: z.union([z.literal(1), z.literal(3)]).optional(),
  fit: z.enum(['stretch', 'pad', 'crop']).default('stretch'),
  interpolation: z.enum(INTERPOLATIONS).default('bilinear'),
  padValue: int(0, 255).default(0),
  maxPixels: int(1).default(40_000_000),
});

export const augmentSchema = z.strictObject({
  rotation: z.number().min(0).max(180).default(0),
  widthShift: fraction.default(0),
  heightShift: fraction.default(0),
  horizontalFlip: z.boolean().default(false),
  verticalFlip: z.boolean().default(false),
  zoom: aroundOne.default(0),
  shear: z.number().min(0).max(89).default(0),
  channelShift: z.number().min(0).max(1).default(0),
  brightness: aroundOne.optional(),
  fill: z.enum(['nearest', 'constant', 'reflect', 'wrap']).default('nearest'),
  fillValue: z.number().min(0).max(1).default(0),
  crop: z.strictObject({ padding: int(1) }).optional(),
  cutout: z.strictObject({ size: int(1), count: int(1).default(1) }).optional(),
  mixup: z.strictObject({ alpha: z.number().gt(0) }).optional(),
});

export const dataSchema = z.strictObject({
  source: z.enum(SOURCES),
  path: z.string().min(1).optional(),
  limit: z.strictObject({ train: int(1).optional(), test: int(1).optional() }).prefault({}),
  split: z
    .strictObject({
      validation: z.number().min(0).max(0.9).default(0.1),
      test: z.number().gt(0).max(0.9).default(0.2),
      stratify: z.boolean().default(true),
    })
    .prefault({}),
  image: imageSchema.prefault({}),
  normalize: z
    .union([
      z.enum(['none', 'rescale', 'standardize']),
      z.strictObject({ scale: z.number().gt(0), offset: z.number() }),
      z.strictObject({ mean: z.array(z.number()).min(1).max(3), std: z.array(z.number().gt(0)).min(1).max(3) }),
    ])
    .default('rescale'),
  augment: augmentSchema.optional(),
  onError: z.enum(['fail', 'skip']).default('fail'),
});

/**
 * `layers` alone, `preset` (+ `width`) alone, `pretrained` (+ optional `layers` as the head), or
 * `load` (a model trained elsewhere, + `output`, `history`, `classes`). Which combinations are
 * allowed is checked in checks.ts, where messages can name the keys.
 */
export const modelSchema = z.strictObject({
  load: z.string().min(1).optional(),
  output: z.enum(['probabilities', 'logits']).optional(),
  history: z.string().min(1).optional(),
  classes: z.array(z.string().min(1)).min(2).optional(),
  layers: z.array(layerSchema).min(1).optional(),
  preset: z.enum(PRESETS).optional(),
  width: z.number().gt(0).max(16).optional(),
  pretrained: z
    .strictObject({
      path: z.string().min(1),
      output: z.string().min(1).optional(),
      freeze: layerSelector.default('all'),
    })
    .optional(),
});

// Capped at 2^32-1: deriveSeed works on uint32, so larger seeds would silently collide.
const seed = int(0, 4294967295);
/** The most runs one experiment may train (`train.repeats`, `train.seeds`). */
export const MAX_RUNS = 100;

export const trainSchema = z.strictObject({
  epochs: int(1, 10000),
  batchSize: int(1, 65536).default(32),
  replicas: int(1, 64).default(2),
  optimizer: optimizerSchema.prefault({ adam: {} }),
  schedule: scheduleSchema.prefault({ constant: {} }),
  earlyStopping: z
    .strictObject({
      monitor: monitor.default('val_loss'),
      mode,
      patience: int(0).default(0),
      minDelta: z.number().min(0).default(0),
      restoreBest: z.boolean().default(false),
    })
    .optional(),
  clip: clipSchema.optional(),
  labelSmoothing: z.number().min(0).lt(1).default(0),
  classWeights: z.union([z.literal('balanced'), z.record(z.string(), z.number().gt(0))]).optional(),
  fineTune: z.strictObject({ epochs: int(1, 10000), learningRate: z.number().gt(0), unfreeze: layerSelector.default('all') }).optional(),
  // Repeated runs: how many (seeds drawn from `seed`), or the seeds themselves; one of the two (checks.ts).
  repeats: int(1, MAX_RUNS).default(1),
  seeds: z.array(seed).min(1).max(MAX_RUNS).optional(),
});

/** `auto`, one layer name, or a list of names. */
const layerChoice = z.union([z.literal('auto'), z.string().min(1), z.array(z.string().min(1)).min(1)]);

export const reportSchema = z.strictObject({
  samples: int(0, 1000).default(16),
  topK: int(2, 100).default(3),
  calibrationBins: int(2, 100).default(10),
  explain: z
    .strictObject({
      images: int(0, 200).default(8),
      methods: z.array(z.enum(EXPLAIN_METHODS)).default([...EXPLAIN_METHODS]),
      layer: z.union([z.literal('auto'), z.string().min(1)]).default('auto'),
      smoothgrad: z.strictObject({ samples: int(1, 1000).default(25), noise: z.number().gt(0).max(1).default(0.15) }).prefault({}),
      integratedGradients: z
        .strictObject({
          steps: int(2, 4096).default(32),
          maxSteps: int(2, 16384).default(1024),
          tolerance: z.number().gt(0).max(1).default(0.05),
          rule: z.enum(['gaussLegendre', 'trapezoid']).default('gaussLegendre'),
          baseline: z.enum(['black', 'white', 'mean']).default('black'),
        })
        .prefault({}),
      expectedGradients: z
        .strictObject({
          background: int(1, 10000).default(100),
          samples: int(1, 10000).default(64),
          maxSamples: int(1, 100000).default(2048),
          tolerance: z.number().gt(0).max(1).default(0.05),
        })
        .prefault({}),
      occlusion: z.strictObject({ size: int(1).default(4), stride: int(1).default(2) }).prefault({}),
      layerCam: z.strictObject({ layers: layerChoice.default('auto') }).prefault({}),
      faithfulness: z
        .strictObject({
          steps: int(2, 1000).default(20),
          road: z.strictObject({ fractions: z.array(z.number().gt(0).lt(1)).min(1).default([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]) }).prefault({}),
          sensitivity: z.strictObject({ samples: int(1, 1000).default(5), radius: z.number().gt(0).max(1).default(0.02) }).prefault({}),
        })
        .prefault({}),
      sanity: z.strictObject({ images: int(0, 200).default(4), steps: int(1, 100).default(6) }).prefault({}),
    })
    .prefault({}),
  featureMaps: z.strictObject({ layers: layerChoice.default('auto'), images: int(0, 50).default(3), channels: int(1, 512).default(16) }).prefault({}),
  filters: z.strictObject({ layers: layerChoice.default('auto'), count: int(0, 512).default(16), steps: int(1, 10000).default(80), topImages: int(0, 100).default(9) }).prefault({}),
  embedding: z.strictObject({ images: int(0, 100000).default(2000), methods: z.array(z.enum(['pca', 'umap'])).min(1).default(['pca', 'umap']) }).prefault({}),
});

/** One experiment file. */
export const experimentSchema = z.strictObject({
  id: z.string().regex(ID_PATTERN).optional(),
  title: z.string(),
  description: z.string().default(''),
  seed: seed.default(42),
  data: dataSchema,
  model: modelSchema,
  // Absent exactly when model.load imports a trained model (checks.ts).
  train: trainSchema.optional(),
  report: reportSchema.prefault({}),
});

/** A validated experiment file: defaults applied, shorthands not yet expanded. */
export type ExperimentInput = z.output<typeof experimentSchema>;
export type LayerInput = z.output<typeof layerSchema>;

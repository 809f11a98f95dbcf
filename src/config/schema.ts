/**
 * The experiment YAML vocabulary as a zod schema: the single source of truth for shape,
 * types, ranges and defaults. `json-schema.ts` derives the published JSON Schema from it,
 * `validate.ts` reads it back to phrase errors, `normalize.ts` consumes its output.
 *
 * Extending the vocabulary is meant to be one line: a new source goes in `SOURCES`
 * (spec.ts), a new layer in `LAYERS`, a new optimizer in `OPTIMIZERS`.
 * Shorthands (`maxPool: 2`, `dropout: 0.5`, `kernel: 3`) are accepted here and expanded in
 * `normalize.ts`; a bare `flatten:` (YAML null) is turned into `{}` here so its defaults apply.
 */
import { z } from 'zod';
import { ACTIVATIONS, SOURCES } from './spec.ts';

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

const pool = z.union([
  int(1),
  z.tuple([int(1), int(1)]),
  z.strictObject({ size: intOrPair, strides: intOrPair.optional(), padding: padding.default('valid') }),
]);

/** Layer types: one line each. */
export const LAYERS = {
  conv2d: z.strictObject({
    filters: int(1),
    kernel: intOrPair,
    strides: intOrPair.default(1),
    padding: padding.default('same'),
    activation: activation.default('linear'),
    useBias: z.boolean().default(true),
  }),
  batchNorm: emptyOr(z.strictObject({ momentum: z.number().gt(0).lt(1).default(0.99), epsilon: z.number().gt(0).default(0.001) })),
  maxPool: pool,
  avgPool: pool,
  dropout: z.union([z.number().min(0).lt(1), z.strictObject({ rate: z.number().min(0).lt(1) })]),
  flatten: emptyOr(z.strictObject({})),
  globalAvgPool: emptyOr(z.strictObject({})),
  dense: z.strictObject({ units: int(1), activation: activation.default('linear') }),
  activation: z.union([activation, z.strictObject({ type: activation })]),
  residual: z.strictObject({ filters: int(1), kernel: intOrPair.default(3), strides: intOrPair.default(1) }),
};

/** Optimizers: one line each. */
export const OPTIMIZERS = {
  adam: emptyOr(
    z.strictObject({
      learningRate: z.number().gt(0).default(0.001),
      beta1: z.number().min(0).lt(1).default(0.9),
      beta2: z.number().min(0).lt(1).default(0.999),
      epsilon: z.number().gt(0).default(1e-7),
    }),
  ),
  sgd: emptyOr(z.strictObject({ learningRate: z.number().gt(0).default(0.01), momentum: z.number().min(0).lt(1).default(0) })),
};

export const layerSchema = oneKeyOf('layer type', LAYERS);
export const optimizerSchema = oneKeyOf('optimizer', OPTIMIZERS);

export const dataSchema = z.strictObject({
  source: z.enum(SOURCES),
  limit: z.strictObject({ train: int(1).optional(), test: int(1).optional() }).prefault({}),
  split: z
    .strictObject({
      validation: z.number().min(0).max(0.9).default(0.1),
      test: z.number().gt(0).max(0.9).default(0.2),
      stratify: z.boolean().default(true),
    })
    .prefault({}),
  normalize: z.enum(['rescale']).default('rescale'),
});

export const modelSchema = z.strictObject({
  layers: z.array(layerSchema).min(1),
});

export const trainSchema = z.strictObject({
  epochs: int(1, 10000),
  batchSize: int(1, 65536).default(32),
  optimizer: optimizerSchema.prefault({ adam: {} }),
});

/** One experiment file. */
export const experimentSchema = z.strictObject({
  id: z.string().regex(ID_PATTERN).optional(),
  title: z.string(),
  description: z.string().default(''),
  // Capped at 2^32-1: deriveSeed works on uint32, so larger seeds would silently collide.
  seed: z.number().int().min(0).max(4294967295).default(42),
  data: dataSchema,
  model: modelSchema,
  train: trainSchema,
});

/** A validated experiment file: defaults applied, shorthands not yet expanded. */
export type ExperimentInput = z.output<typeof experimentSchema>;
export type LayerInput = z.output<typeof layerSchema>;

/**
 * Adebayo et al.'s (2018) cascading model-parameter randomization test: re-initialize the
 * weights from the output layer down, cumulatively, recompute every method's maps after each
 * step, and measure how similar they stay to the maps of the trained model. A map that barely
 * changes once the whole network is random cannot be showing what the network learned.
 *
 *   1 groups     the layers with weights (also inside nested models), output first, in at most
 *                `steps` contiguous groups: the output layer alone (Adebayo's "logits" step),
 *                then the rest split evenly; a normalization layer stays with the layer it
 *                normalizes (the next weighted one toward the input)
 *   2 originals  explainAll(model) once with the weights as they are
 *   3 cascade    per group: re-initialize its weights (earlier groups stay random), explainAll,
 *                Spearman and SSIM per image against the originals, mean over the images
 *   4 restore    every weight written back exactly (finally: also after an error)
 *
 * Cost: 1 + groups calls of `explainAll`, i.e. (steps + 1) × the methods' passes on `images`.
 *
 * Re-initialization draws each weight from the layer's own initializer (the one it was built
 * or loaded with: Glorot uniform for convlens's layers, a Keras file's `kernel_initializer`,
 * zeros for biases, ones/zeros for batch norm's scale/shift and statistics) with a fresh seed,
 * `deriveSeed(seed, "sanity:<layer>/<weight>")`: the same layer gets the same random weights
 * whatever the grouping. Adebayo et al. re-initialize the same way (their truncated normal is
 * Inception's own initializer). A weight without a usable initializer falls back to Glorot
 * uniform (ones/zeros for the names above). Constraints are not applied (Keras applies them
 * after optimizer steps, never at initialization), and restoring bypasses them so the weights
 * come back bit for bit.
 *
 * Similarities (similarity.ts), per image, then the mean over images:
 * - Spearman of |map| (the main number; Adebayo et al.'s "absolute value" rank correlation),
 *   and of the signed map for signed methods. An undefined correlation (a constant map: e.g.
 *   Grad-CAM all zero once its layer's activations die) counts as 1 when both maps are
 *   constant, 0 when only one is: a flat map keeps none of the original ranking.
 * - SSIM of |map| normalized by its own min and max to [0, 1] (constant: all 0), data range 1,
 *   skimage's defaults (7 × 7 window; smaller odd window for maps under 7 pixels a side).
 *   Adebayo et al. compare such normalized visualizations; their 99th-percentile clipping is
 *   not applied.
 *
 * The caller's `explainAll` should keep its targets fixed (the trained model's predicted
 * classes): only the weights may change between steps.
 */
import * as tf from '@tensorflow/tfjs';
import { deriveSeed } from '../../lib/rng.ts';
import { isGraph, type Graph } from './graph.ts';
import type { AttributionMaps } from './maps.ts';
import { spearman, ssim, SSIM_WINDOW } from './similarity.ts';

type Layer = tf.layers.Layer;
type LayerVariable = Layer['weights'][number];

/**
 * A method is flagged when its |map| keeps a mean Spearman correlation above this with the
 * original once every weight is random. Maps that depend on the weights fall towards 0 (the
 * gradient's did in Adebayo et al.'s Inception v3 and in our tests); above 0.5 — a "large"
 * correlation by Cohen's convention — more than half of the original ranking's structure
 * survives without anything learned, so it comes from the input or the architecture.
 */
export const SANITY_FLAG_SPEARMAN = 0.5;

/** One cascade step: the layers re-initialized at that step. */
export interface RandomizationGroup {
  /** "dense_2" for one layer; "dense_1 … conv2d_3" (output-most … input-most) for several. */
  label: string;
  /** Report names ("conv2d_3", "base/block5_conv3"), output first. */
  layers: string[];
  /** The layers themselves, in the same order. */
  members: Layer[];
}

/** The test's result, plain JSON: per method, one value per step (not counting the original, which is 1). */
export interface SanityResult {
  steps: { label: string; layers: string[] }[];
  methods: {
    method: string;
    /** Mean over images of Spearman's correlation of |map| with the original |map|. */
    spearman: number[];
    /** The same for the signed maps (signed methods only). */
    spearmanSigned?: number[];
    /** Mean over images of SSIM of the min–max normalized |map|s. */
    ssim: number[];
    /** Whether the last step's `spearman` exceeds `threshold`: the maps stayed similar with every weight random. */
    flagged: boolean;
  }[];
  /** Ids of the images compared (the caller's, e.g. test-set indices). */
  images: number[];
  /** SANITY_FLAG_SPEARMAN. */
  threshold: number;
}

/** What `cascadingRandomization` needs besides the model. */
export interface SanityOptions {
  /** The report seed: every re-initialization derives its own from it and the weight's name. */
  seed: number;
  /** Ids of the explained images (default 0..n−1). */
  ids?: ArrayLike<number>;
}

/** Every explanation method's maps for the same images and targets, with the model's current weights. */
export type ExplainAll = (model: tf.LayersModel) => Readonly<Partial<Record<string, AttributionMaps>>>;

const NORMALIZATIONS = new Set(['BatchNormalization', 'LayerNormalization']);

interface Named {
  name: string;
  layer: Layer;
}

/** Layers with weights, input first, nested models walked (names "<model>/<layer>"); a shared layer once. */
function weightedLayers(graph: Graph, seen = new Set<Layer>(), prefix = ''): Named[] {
  const out: Named[] = [];
  for (const layer of graph.layers) {
    if (seen.has(layer)) continue;
    seen.add(layer);
    if (isGraph(layer)) out.push(...weightedLayers(layer, seen, `${prefix}${layer.name}/`));
    else if (layer.weights.length > 0) out.push({ name: prefix + layer.name, layer });
  }
  return out;
}

/**
 * The cascade's steps: layers with weights from the output to the input, in at most `steps`
 * contiguous groups; the first is the output layer alone (with `steps` 1, one group of all).
 */
export function randomizationGroups(model: tf.LayersModel, steps: number): RandomizationGroup[] {
  if (!(Number.isInteger(steps) && steps >= 1)) throw new RangeError(`The randomization needs a whole number of steps, at least 1; received ${steps}.`);
  const layers = weightedLayers(model).reverse();
  // Units that are never split: a normalization layer joins the next weighted layer toward the input.
  const units: Named[][] = [];
  let pending: Named[] = [];
  for (const l of layers) {
    pending.push(l);
    if (!NORMALIZATIONS.has(l.layer.getClassName())) {
      units.push(pending);
      pending = [];
    }
  }
  if (pending.length > 0) {
    if (units.length > 0) units[units.length - 1]!.push(...pending);
    else units.push(pending);
  }
  if (units.length === 0) return [];
  let parts: Named[][];
  if (steps === 1) parts = [units.flat()];
  else {
    const rest = units.slice(1);
    const k = Math.min(steps - 1, rest.length);
    parts = [units[0]!, ...Array.from({ length: k }, (_, i) => rest.slice(Math.round((i * rest.length) / k), Math.round(((i + 1) * rest.length) / k)).flat())];
  }
  return parts.map((part) => ({
    label: part.length === 1 ? part[0]!.name : `${part[0]!.name} … ${part[part.length - 1]!.name}`,
    layers: part.map((p) => p.name),
    members: part.map((p) => p.layer),
  }));
}

interface InitializerLike {
  apply(shape: number[], dtype?: tf.DataType): tf.Tensor;
  getConfig(): Record<string, unknown>;
}

const isInitializer = (v: unknown): v is InitializerLike => typeof (v as InitializerLike | undefined)?.apply === 'function' && typeof (v as InitializerLike).getConfig === 'function';
const camel = (s: string) => s.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/** The layer's initializer of weight `short` ("kernel" → kernelInitializer, "depthwise_kernel" → depthwiseInitializer, "moving_mean" → movingMeanInitializer). */
function ownInitializer(layer: Layer, short: string): InitializerLike | undefined {
  const fields = layer as unknown as Record<string, unknown>;
  for (const key of [`${camel(short)}Initializer`, `${camel(short.replace(/_kernel$/, ''))}Initializer`]) {
    if (isInitializer(fields[key])) return fields[key];
  }
  return undefined;
}

/** A copy of `init` drawing from `seed` (tfjs initializers take their config back as constructor arguments); deterministic ones as they are. */
function reseeded(init: InitializerLike, seed: number): InitializerLike {
  const config = init.getConfig();
  if (!('seed' in config)) return init;
  const Ctor = init.constructor as new (args: Record<string, unknown>) => InitializerLike;
  return new Ctor({ ...config, seed });
}

/** Fresh values for one weight: its layer's initializer with a new seed, or the fallback for its name. */
function freshValue(layer: Layer, variable: LayerVariable, seed: number): tf.Tensor {
  const short = variable.originalName.split('/').pop()!;
  const shape = variable.shape as number[];
  const own = ownInitializer(layer, short);
  if (own) {
    try {
      return tf.tidy(() => reseeded(own, seed).apply(shape, variable.dtype));
    } catch {
      // An initializer that cannot rebuild or draw (a custom class): the fallback below.
    }
  }
  if (short === 'gamma' || short === 'moving_variance') return tf.ones(shape, variable.dtype);
  if (short === 'beta' || short === 'bias' || short === 'moving_mean') return tf.zeros(shape, variable.dtype);
  return tf.initializers.glorotUniform({ seed }).apply(shape, variable.dtype);
}

/** The tf.Variable behind a layer weight (assigning to it bypasses the weight's constraint). */
const variableOf = (v: LayerVariable) => v.read() as tf.Variable;

/** Re-initialize `layer`'s weights, saving each original (shared, not copied) into `saved` first. */
function randomizeLayer(layer: Layer, name: string, seed: number, saved: Map<LayerVariable, tf.Tensor>): void {
  for (const v of layer.weights) {
    if (!saved.has(v)) saved.set(v, tf.clone(variableOf(v)));
    const value = freshValue(layer, v, deriveSeed(seed, `sanity:${name}/${v.originalName.split('/').pop()}`) || 1);
    variableOf(v).assign(value);
    value.dispose();
  }
}

const absolute = (m: ArrayLike<number>) => Float64Array.from(m, Math.abs);

/** Spearman with the constant cases defined: both constant 1, one constant 0. */
function rankSimilarity(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const rho = spearman(a, b);
  if (!Number.isNaN(rho)) return rho;
  const constant = (v: ArrayLike<number>) => Array.prototype.every.call(v, (x: number) => x === v[0]);
  return constant(a) && constant(b) ? 1 : 0;
}

/** `values` scaled by their own min and max to [0, 1]; a constant map becomes all 0. */
function minMaxNormalized(values: Float64Array): Float64Array {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const span = max - min;
  return values.map((v) => (span > 0 ? (v - min) / span : 0));
}

/** The largest odd window up to skimage's 7 that fits the map. */
const windowFor = (width: number, height: number) => {
  const side = Math.min(SSIM_WINDOW, width, height);
  return side % 2 === 1 ? side : side - 1;
};

const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;

/** Per-image similarities of one method's maps with its original maps, averaged. */
function compare(original: AttributionMaps, current: AttributionMaps): { spearman: number; spearmanSigned: number; ssim: number } {
  if (current.maps.length !== original.maps.length || current.width !== original.width || current.height !== original.height) {
    throw new Error(`${original.method} returned ${current.maps.length} maps of ${current.width} × ${current.height} after randomization, ${original.maps.length} of ${original.width} × ${original.height} before.`);
  }
  const { width, height } = original;
  const win = windowFor(width, height);
  const rows = original.maps.map((o, i) => {
    const c = current.maps[i]!;
    const [ao, ac] = [absolute(o), absolute(c)];
    return { spearman: rankSimilarity(ao, ac), spearmanSigned: original.signed ? rankSimilarity(o, c) : NaN, ssim: ssim(minMaxNormalized(ao), minMaxNormalized(ac), width, height, 1, win) };
  });
  return { spearman: mean(rows.map((r) => r.spearman)), spearmanSigned: mean(rows.map((r) => r.spearmanSigned)), ssim: mean(rows.map((r) => r.ssim)) };
}

/**
 * Run the cascade on `model` (its weights are changed during the run and restored exactly
 * before returning, also when `explainAll` throws): originals, then per group re-initialize
 * and compare. See the file comment for the definitions.
 */
export function cascadingRandomization(model: tf.LayersModel, groups: readonly RandomizationGroup[], explainAll: ExplainAll, options: SanityOptions): SanityResult {
  const originals = explainAll(model);
  const methods = Object.keys(originals).filter((m) => originals[m] !== undefined);
  const count = methods.length > 0 ? originals[methods[0]!]!.maps.length : 0;
  const ids = options.ids ? Array.from(options.ids) : Array.from({ length: count }, (_, i) => i);
  if (ids.length !== count) throw new Error(`${ids.length} image ids for ${count} explained images.`);
  const rows = methods.map((method) => ({ method, spearman: [] as number[], spearmanSigned: [] as number[], ssim: [] as number[] }));
  const saved = new Map<LayerVariable, tf.Tensor>();
  try {
    for (const group of groups) {
      group.members.forEach((layer, i) => randomizeLayer(layer, group.layers[i]!, options.seed, saved));
      const current = explainAll(model);
      for (const row of rows) {
        const maps = current[row.method];
        if (!maps) throw new Error(`explainAll returned no ${row.method} maps after randomizing ${group.label}.`);
        const s = compare(originals[row.method]!, maps);
        row.spearman.push(s.spearman);
        row.spearmanSigned.push(s.spearmanSigned);
        row.ssim.push(s.ssim);
      }
    }
  } finally {
    for (const [v, original] of saved) {
      variableOf(v).assign(original);
      original.dispose();
    }
  }
  return {
    steps: groups.map((g) => ({ label: g.label, layers: [...g.layers] })),
    methods: rows.map((row) => ({
      method: row.method,
      spearman: row.spearman,
      ...(originals[row.method]!.signed && { spearmanSigned: row.spearmanSigned }),
      ssim: row.ssim,
      flagged: row.spearman.length > 0 && row.spearman[row.spearman.length - 1]! > SANITY_FLAG_SPEARMAN,
    })),
    images: ids,
    threshold: SANITY_FLAG_SPEARMAN,
  };
}

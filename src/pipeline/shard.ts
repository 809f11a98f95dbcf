/**
 * Sharding: which experiments `convlens run --shard i/N` runs. Pure: no tfjs, no dataset, no
 * disk, so every machine of a CI matrix or Kubernetes Indexed Job computes the same share from
 * the experiment files alone.
 *
 *   1 estimate   each experiment's cost from its spec (estimateCost)
 *                  trained:  runs × epochs × training images × forward FLOPs per image
 *                            (runs: train.repeats or the listed train.seeds, 1 otherwise)
 *                  imported: IMPORTED_FLOPS_PER_IMAGE × test images (evaluation only)
 *   2 assign     longest processing time first (assignShards): by cost descending, id as the
 *                tie-break, each to the least-loaded shard (the lowest index on a tie)
 *
 * The estimate is rough on purpose (it only has to rank experiments): FLOPs are counted for the
 * forward pass only (backward is ≈ 2× forward for every layer alike, so the ranking is the same),
 * validation passes and report figures are left out. See docs/scale.md.
 */
import { createHash } from 'node:crypto';
import type { ExperimentSpec, LayerSpec, Pair, SourceName } from '../config/spec.ts';
import { presetLayers } from '../model/presets.ts';

/** What the estimate knows of a source without reading it: image shape, images, fixed test set size. */
interface SourceFacts {
  shape: [number, number, number];
  /** All images the source holds (train pool + fixed test set). */
  images: number;
  /** Size of the source's own test set; absent = a seeded `split.test` fraction. */
  fixedTest?: number;
}

/**
 * Known sizes of the bundled sources (src/data/README.md). `folder` and `csv` are not read to
 * keep the estimate pure: they count as 10,000 images of 64×64×3 unless `data.limit` and
 * `data.image` say otherwise.
 */
const SOURCES: Record<SourceName, SourceFacts> = {
  'fashion-mnist': { shape: [28, 28, 1], images: 70_000, fixedTest: 10_000 },
  mnist: { shape: [28, 28, 1], images: 10_000 },
  cifar10: { shape: [32, 32, 3], images: 60_000, fixedTest: 10_000 },
  folder: { shape: [64, 64, 3], images: 10_000 },
  csv: { shape: [64, 64, 3], images: 10_000 },
};

/** Classes assumed for a preset's output layer (every bundled source has 10; folder/csv unknown). */
const ASSUMED_CLASSES = 10;

/** Forward FLOPs per test image of an imported model: a mid-size CNN (its file is not read). */
export const IMPORTED_FLOPS_PER_IMAGE = 10_000_000;

/** Forward FLOPs per input pixel of a pretrained base (≈ MobileNetV2: 0.6 GFLOPs at 224×224). */
const PRETRAINED_FLOPS_PER_PIXEL = 12_000;

/** Channels of a pretrained base's output, assumed at 1/32 of the input's height and width. */
const PRETRAINED_OUTPUT_CHANNELS = 1280;

/** An experiment's estimated cost and the numbers it is made of. */
export interface CostEstimate {
  /** Training epochs (fine-tuning epochs included); 0 for an imported model. */
  epochs: number;
  /** Training images per epoch, or the test images an imported model is evaluated on. */
  images: number;
  /** Forward FLOPs per image (multiply-add = 2). */
  flopsPerImage: number;
  /** Training runs (`train.repeats`/`train.seeds`; 1 for an imported model). */
  runs: number;
  /** runs × epochs × images × flopsPerImage, or images × flopsPerImage for an imported model. */
  cost: number;
}

/** Training and test images after the fixed test set, `split.test`, `limit` and `split.validation`. */
export function estimatedImages(data: ExperimentSpec['data']): { train: number; test: number } {
  const facts = SOURCES[data.source];
  const seededTest = Math.round(facts.images * data.split.test);
  let test = facts.fixedTest ?? seededTest;
  let pool = facts.images - test;
  if (data.limit.test !== undefined) test = Math.min(test, data.limit.test);
  if (data.limit.train !== undefined) pool = Math.min(pool, data.limit.train);
  const train = pool - Math.round(pool * data.split.validation);
  return { train: Math.max(1, train), test: Math.max(1, test) };
}

/** The model's input shape [height, width, channels]: data.image, else the source's own. */
export function inputShape(data: ExperimentSpec['data']): [number, number, number] {
  const [h, w, c] = SOURCES[data.source].shape;
  const size = data.image.size ?? [h, w];
  return [size[0], size[1], data.image.channels ?? c];
}

type Shape = number[];

const numel = (shape: Shape) => shape.reduce((a, b) => a * b, 1);

/** Output length of one spatial axis (Keras's rule for same / valid padding). */
function outLength(n: number, kernel: number, stride: number, dilation: number, padding: 'same' | 'valid'): number {
  if (padding === 'same') return Math.ceil(n / stride);
  return Math.max(1, Math.floor((n - (kernel - 1) * dilation - 1) / stride) + 1);
}

function spatial(shape: Shape, kernel: Pair, strides: Pair, dilation: Pair, padding: 'same' | 'valid'): [number, number] {
  const [h = 1, w = 1] = shape;
  return [outLength(h, kernel[0], strides[0], dilation[0], padding), outLength(w, kernel[1], strides[1], dilation[1], padding)];
}

const channels = (shape: Shape) => shape[shape.length - 1] ?? 1;

/** One layer's forward FLOPs and output shape, given its input shapes (conv: 2·k²·Cin·Cout·H·W; dense: 2·in·out). */
function layerCost(layer: LayerSpec, inputs: Shape[]): { flops: number; shape: Shape } {
  const x = inputs[0]!;
  switch (layer.type) {
    case 'conv2d':
    case 'depthwiseConv2d':
    case 'separableConv2d': {
      const [h, w] = spatial(x, layer.kernel, layer.strides, layer.dilation, layer.padding);
      const cin = channels(x);
      const k = layer.kernel[0] * layer.kernel[1];
      if (layer.type === 'conv2d') return { flops: 2 * k * cin * layer.filters * h * w, shape: [h, w, layer.filters] };
      const depth = 2 * k * cin * layer.depthMultiplier * h * w;
      if (layer.type === 'depthwiseConv2d') return { flops: depth, shape: [h, w, cin * layer.depthMultiplier] };
      return { flops: depth + 2 * cin * layer.depthMultiplier * layer.filters * h * w, shape: [h, w, layer.filters] };
    }
    case 'maxPool':
    case 'avgPool': {
      const [h, w] = spatial(x, layer.size, layer.strides, [1, 1], layer.padding);
      return { flops: layer.size[0] * layer.size[1] * h * w * channels(x), shape: [h, w, channels(x)] };
    }
    case 'globalAvgPool':
    case 'globalMaxPool':
      return { flops: numel(x), shape: [channels(x)] };
    case 'flatten':
      return { flops: 0, shape: [numel(x)] };
    case 'dense': {
      // Keras applies a dense layer to the last axis of whatever reaches it.
      const positions = numel(x) / channels(x);
      return { flops: 2 * positions * channels(x) * layer.units, shape: [...x.slice(0, -1), layer.units] };
    }
    case 'residual': {
      const [h, w] = spatial(x, layer.kernel, layer.strides, [1, 1], 'same');
      const cin = channels(x);
      const k = layer.kernel[0] * layer.kernel[1];
      const out = h * w * layer.filters;
      const projected = layer.strides[0] !== 1 || layer.strides[1] !== 1 || cin !== layer.filters;
      // Two convolutions, their batch norms, the shortcut's 1×1 convolution when the shape changes, add, relus.
      const flops = 2 * k * cin * layer.filters * h * w + 2 * k * layer.filters * layer.filters * h * w + (projected ? 2 * cin * out : 0) + 6 * out;
      return { flops, shape: [h, w, layer.filters] };
    }
    case 'add':
      return { flops: numel(x) * Math.max(1, inputs.length - 1), shape: x };
    case 'concatenate': {
      const axis = layer.axis < 0 ? x.length + layer.axis : layer.axis - 1;
      const shape = x.map((d, i) => (i === axis ? inputs.reduce((sum, s) => sum + (s[i] ?? 0), 0) : d));
      return { flops: 0, shape };
    }
    case 'batchNorm':
    case 'dropout':
    case 'spatialDropout':
    case 'activation':
      return { flops: numel(x), shape: x };
  }
}

/** Forward FLOPs of a layer list applied from `start` (a chain, or a DAG through name/inputs). */
function layersFlops(layers: LayerSpec[], start: Shape, named: Record<string, Shape>): number {
  const nodes = new Map<string, Shape>(Object.entries(named));
  let previous = start;
  let total = 0;
  for (const layer of layers) {
    const inputs = (layer.inputs ?? []).map((name) => nodes.get(name) ?? previous);
    const { flops, shape } = layerCost(layer, inputs.length > 0 ? inputs : [previous]);
    total += flops;
    previous = shape;
    if (layer.name !== undefined) nodes.set(layer.name, shape);
  }
  return total;
}

/** Forward FLOPs per image of the experiment's model, from its layer list, preset or pretrained base. */
export function flopsPerImage(spec: ExperimentSpec): number {
  const input = inputShape(spec.data);
  const model = spec.model;
  switch (model.kind) {
    case 'layers':
      return layersFlops(model.layers, input, { input });
    case 'preset':
      return layersFlops(presetLayers(model.preset, model.width, ASSUMED_CLASSES), input, { input });
    case 'pretrained': {
      const [h, w] = input;
      const base: Shape = [Math.max(1, Math.ceil(h / 32)), Math.max(1, Math.ceil(w / 32)), PRETRAINED_OUTPUT_CHANNELS];
      return PRETRAINED_FLOPS_PER_PIXEL * h * w + layersFlops(model.layers, base, { input, base });
    }
    case 'imported':
      return IMPORTED_FLOPS_PER_IMAGE;
  }
}

/** The experiment's estimated cost (see the file comment for the formula). */
export function estimateCost(spec: ExperimentSpec): CostEstimate {
  const images = estimatedImages(spec.data);
  if (spec.model.kind === 'imported' || spec.train === undefined) {
    return { epochs: 0, images: images.test, flopsPerImage: IMPORTED_FLOPS_PER_IMAGE, runs: 1, cost: images.test * IMPORTED_FLOPS_PER_IMAGE };
  }
  const epochs = spec.train.epochs + (spec.train.fineTune?.epochs ?? 0);
  const flops = flopsPerImage(spec);
  const runs = spec.runs?.length ?? 1;
  return { epochs, images: images.train, flopsPerImage: flops, runs, cost: runs * epochs * images.train * flops };
}

/** An item to place: an experiment id and its cost (any positive unit). */
export interface Costed {
  id: string;
  cost: number;
}

/** Code-point order, never the locale's, so every machine sorts alike. */
const byId = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Split `items` into `count` shards by LPT: cost descending (id ascending on a tie), each to the
 * currently least-loaded shard (the lowest index on a tie). Independent of the input order; every
 * id lands in exactly one shard. Returns the ids of each shard, shard 1 first, in placing order.
 */
export function assignShards(items: readonly Costed[], count: number): string[][] {
  if (!Number.isInteger(count) || count < 1) throw new Error(`assignShards: count must be a whole number ≥ 1, not ${count}`);
  const sorted = [...items].sort((a, b) => b.cost - a.cost || byId(a.id, b.id));
  const shards: string[][] = Array.from({ length: count }, () => []);
  const loads = new Array<number>(count).fill(0);
  for (const item of sorted) {
    let least = 0;
    for (let s = 1; s < count; s++) if (loads[s]! < loads[least]!) least = s;
    shards[least]!.push(item.id);
    loads[least]! += item.cost;
  }
  return shards;
}

/** One shard's experiments (`index` counted from 1) and its share of the estimated cost (0..1). */
export interface Share {
  ids: string[];
  /** Fraction of the total estimated cost; 0 when the shard is empty. */
  costShare: number;
}

/** The share of shard `index` of `count` among `specs`. */
export function shareOf(specs: readonly ExperimentSpec[], index: number, count: number): Share {
  const costed = specs.map((spec) => ({ id: spec.id, cost: estimateCost(spec).cost }));
  const ids = assignShards(costed, count)[index - 1] ?? [];
  const total = costed.reduce((sum, c) => sum + c.cost, 0);
  const mine = costed.filter((c) => ids.includes(c.id)).reduce((sum, c) => sum + c.cost, 0);
  return { ids, costShare: total > 0 ? mine / total : 0 };
}

/**
 * Every experiment's shard (counted from 1) for `count` shards, and the digest of the experiment
 * set it was made for. A readwrite shard leaves this on the remote cache so the merge build can
 * name the shard that should have produced a missing experiment; the digest keeps a plan made
 * for other experiment files from being believed.
 */
export function shardPlan(specs: readonly ExperimentSpec[], count: number): { setDigest: string; shards: Record<string, number> } {
  const costed = specs.map((spec) => ({ id: spec.id, cost: estimateCost(spec).cost }));
  const shards: Record<string, number> = {};
  assignShards(costed, count).forEach((ids, i) => {
    for (const id of ids) shards[id] = i + 1;
  });
  return { setDigest: experimentSetDigest(specs), shards };
}

/** sha256 of the sorted experiment ids: the same on every machine that loads the same files. */
export function experimentSetDigest(specs: readonly ExperimentSpec[]): string {
  return createHash('sha256').update(JSON.stringify(specs.map((s) => s.id).sort())).digest('hex');
}

/**
 * The layer vocabulary: one LayerSpec applied to its input node(s), as one or more tfjs layers.
 *
 * Names come from `LayerNames` (a user `name:` wins), every initializer is seeded from the
 * experiment's `init` seed and the layer name, every dropout mask from the `dropout` seed and
 * the layer name. Convolutions are the dilation-capable subclasses (layers/dilated-conv.ts),
 * batch norms the freeze-aware one (layers/batch-norm.ts): both serialize as the stock classes.
 */
import * as tf from '@tensorflow/tfjs';
import type { LayerSpec, Pair } from '../config/spec.ts';
import { deriveSeed } from '../lib/rng.ts';
import { UserError } from '../lib/errors.ts';
import { DilatedConv2D, DilatedDepthwiseConv2D, DilatedSeparableConv2D } from './layers/dilated-conv.ts';
import { FreezableBatchNorm } from './layers/batch-norm.ts';
import { SeededDropout } from './layers/seeded-dropout.ts';
import { activationLayer, initializer, layerActivation, regularizer } from './layer-options.ts';
import type { LayerNames } from './names.ts';
import { messages, shapeText } from './messages.ts';

type Sym = tf.SymbolicTensor;
type Spec<T extends LayerSpec['type']> = Extract<LayerSpec, { type: T }>;
type ConvSpec = Spec<'conv2d'> | Spec<'depthwiseConv2d'> | Spec<'separableConv2d'>;

/** What applying layers needs: names, seeds, and a record of every layer made (to free them if the build fails). */
export interface VocabularyContext {
  names: LayerNames;
  seeds: { init: number; dropout: number };
  created: tf.layers.Layer[];
}

/** Generated-name prefix per layer type: `conv2d_1`, `batch_norm_2`, … */
export const NAME_KINDS: Record<LayerSpec['type'], string> = {
  conv2d: 'conv2d',
  depthwiseConv2d: 'depthwise_conv2d',
  separableConv2d: 'separable_conv2d',
  batchNorm: 'batch_norm',
  maxPool: 'max_pool',
  avgPool: 'avg_pool',
  globalAvgPool: 'global_avg_pool',
  globalMaxPool: 'global_max_pool',
  flatten: 'flatten',
  dense: 'dense',
  dropout: 'dropout',
  spatialDropout: 'spatial_dropout',
  activation: 'activation',
  add: 'add',
  concatenate: 'concatenate',
  residual: 'residual',
};

/** The tfjs layers a residual block consists of, named `<block>_<part>`. */
export const RESIDUAL_PARTS = ['conv_a', 'bn_a', 'relu_a', 'conv_b', 'bn_b', 'shortcut_conv', 'shortcut_bn', 'add', 'out'] as const;

/** Extra tfjs layers a spec owns besides the one carrying its name. */
function partsOf(spec: LayerSpec): readonly string[] {
  if (spec.type === 'residual') return RESIDUAL_PARTS;
  if ('activation' in spec && spec.type !== 'activation' && spec.activation === 'leakyRelu') return ['leaky_relu'];
  return [];
}

const isOne = (p: readonly number[]) => p.every((v) => v === 1);

function apply(ctx: VocabularyContext, layer: tf.layers.Layer, x: Sym | Sym[]): Sym {
  ctx.created.push(layer);
  return layer.apply(x) as Sym;
}

function convolution(ctx: VocabularyContext, name: string, spec: ConvSpec, x: Sym, where: string): Sym {
  if (!isOne(spec.strides) && !isOne(spec.dilation)) throw new UserError(messages.stridesAndDilation(where, spec.strides, spec.dilation));
  const act = layerActivation(spec.activation);
  const common = {
    name,
    kernelSize: spec.kernel,
    strides: spec.strides,
    padding: spec.padding,
    dilationRate: spec.dilation,
    activation: act.inside,
    useBias: spec.useBias,
  };
  const reg = regularizer(spec.kernelRegularizer);
  const init = (purpose: string) => initializer(spec.kernelInitializer, ctx.seeds.init, purpose);
  let layer: tf.layers.Layer;
  if (spec.type === 'conv2d') {
    layer = new DilatedConv2D({ ...common, filters: spec.filters, kernelInitializer: init(name), ...(reg && { kernelRegularizer: reg }) });
  } else if (spec.type === 'depthwiseConv2d') {
    layer = new DilatedDepthwiseConv2D({ ...common, depthMultiplier: spec.depthMultiplier, depthwiseInitializer: init(name), ...(reg && { depthwiseRegularizer: reg }) });
  } else {
    layer = new DilatedSeparableConv2D({
      ...common,
      filters: spec.filters,
      depthMultiplier: spec.depthMultiplier,
      depthwiseInitializer: init(`${name}/depthwise`),
      pointwiseInitializer: init(`${name}/pointwise`),
      ...(reg && { depthwiseRegularizer: reg, pointwiseRegularizer: reg }),
    });
  }
  const y = apply(ctx, layer, x);
  return act.separate ? apply(ctx, activationLayer(`${name}_leaky_relu`, 'leakyRelu'), y) : y;
}

function plainConv(ctx: VocabularyContext, name: string, filters: number, kernel: Pair, strides: Pair, x: Sym): Sym {
  const layer = new DilatedConv2D({ name, filters, kernelSize: kernel, strides, padding: 'same', activation: 'linear', kernelInitializer: initializer('glorotUniform', ctx.seeds.init, name) });
  return apply(ctx, layer, x);
}

const batchNorm = (ctx: VocabularyContext, name: string, x: Sym, momentum = 0.99, epsilon = 0.001) => apply(ctx, new FreezableBatchNorm({ name, momentum, epsilon }), x);

/**
 * The book chapter's residual_block: conv+BN+relu → conv+BN, plus the input or (when the
 * channel count or the stride changes) a 1×1 conv+BN projection of it, added, then relu.
 */
function residual(ctx: VocabularyContext, base: string, spec: Spec<'residual'>, x: Sym): Sym {
  const inChannels = x.shape[x.shape.length - 1];
  let y = plainConv(ctx, `${base}_conv_a`, spec.filters, spec.kernel, spec.strides, x);
  y = batchNorm(ctx, `${base}_bn_a`, y);
  y = apply(ctx, activationLayer(`${base}_relu_a`, 'relu'), y);
  y = plainConv(ctx, `${base}_conv_b`, spec.filters, spec.kernel, [1, 1], y);
  y = batchNorm(ctx, `${base}_bn_b`, y);
  let shortcut = x;
  if (inChannels !== spec.filters || !isOne(spec.strides)) {
    shortcut = plainConv(ctx, `${base}_shortcut_conv`, spec.filters, [1, 1], spec.strides, x);
    shortcut = batchNorm(ctx, `${base}_shortcut_bn`, shortcut);
  }
  const sum = apply(ctx, tf.layers.add({ name: `${base}_add` }), [y, shortcut]);
  return apply(ctx, activationLayer(`${base}_out`, 'relu'), sum);
}

function checkMerge(spec: Spec<'add'> | Spec<'concatenate'>, xs: Sym[], where: string): void {
  const shapes = xs.map((x) => shapeText(x.shape));
  if (spec.type === 'add') {
    if (xs.some((x) => JSON.stringify(x.shape) !== JSON.stringify(xs[0]!.shape))) throw new UserError(messages.addShapes(where, shapes));
    return;
  }
  const rank = xs[0]!.shape.length;
  const axis = spec.axis < 0 ? rank + spec.axis : spec.axis;
  // Axis 0 is the batch: joining there would mix images, which no classifier wants.
  if (axis < 1 || axis >= rank) throw new UserError(messages.concatAxis(where, spec.axis, shapes[0]!));
  const comparable = (x: Sym) => JSON.stringify(x.shape.filter((_, i) => i !== axis));
  if (xs.some((x) => x.shape.length !== rank || comparable(x) !== comparable(xs[0]!))) throw new UserError(messages.concatShapes(where, shapes, spec.axis));
}

/**
 * Apply `spec` to `inputs` (one node, or several for add/concatenate) and return its output.
 * `where` locates the layer in messages (e.g. `model.layers[3] (conv2d "stem")`).
 */
export function applyLayer(ctx: VocabularyContext, spec: LayerSpec, inputs: Sym[], where: string): Sym {
  const parts = partsOf(spec);
  const name = spec.name !== undefined ? ctx.names.claim(spec.name, parts) : ctx.names.generate(NAME_KINDS[spec.type], parts);
  const x = inputs[0]!;
  switch (spec.type) {
    case 'conv2d':
    case 'depthwiseConv2d':
    case 'separableConv2d':
      return convolution(ctx, name, spec, x, where);
    case 'batchNorm':
      return batchNorm(ctx, name, x, spec.momentum, spec.epsilon);
    case 'maxPool':
      return apply(ctx, tf.layers.maxPooling2d({ name, poolSize: spec.size, strides: spec.strides, padding: spec.padding }), x);
    case 'avgPool':
      return apply(ctx, tf.layers.averagePooling2d({ name, poolSize: spec.size, strides: spec.strides, padding: spec.padding }), x);
    case 'globalAvgPool':
      return apply(ctx, tf.layers.globalAveragePooling2d({ name }), x);
    case 'globalMaxPool':
      return apply(ctx, tf.layers.globalMaxPooling2d({ name }), x);
    case 'flatten':
      return apply(ctx, tf.layers.flatten({ name }), x);
    case 'dense': {
      const act = layerActivation(spec.activation);
      const reg = regularizer(spec.kernelRegularizer);
      const dense = tf.layers.dense({
        name,
        units: spec.units,
        activation: act.inside,
        useBias: spec.useBias,
        kernelInitializer: initializer(spec.kernelInitializer, ctx.seeds.init, name),
        ...(reg && { kernelRegularizer: reg }),
      });
      const y = apply(ctx, dense, x);
      return act.separate ? apply(ctx, activationLayer(`${name}_leaky_relu`, 'leakyRelu'), y) : y;
    }
    case 'dropout':
    case 'spatialDropout': {
      const spatial = spec.type === 'spatialDropout';
      if (spatial && x.shape.length !== 4) throw new UserError(messages.spatialRank(where, shapeText(x.shape)));
      return apply(ctx, new SeededDropout({ name, rate: spec.rate, spatial, streamSeed: deriveSeed(ctx.seeds.dropout, name) }), x);
    }
    case 'activation':
      return apply(ctx, activationLayer(name, spec.activation, spec.alpha), x);
    case 'add':
    case 'concatenate':
      checkMerge(spec, inputs, where);
      return apply(ctx, spec.type === 'add' ? tf.layers.add({ name }) : tf.layers.concatenate({ name, axis: spec.axis }), inputs);
    case 'residual':
      return residual(ctx, name, spec, x);
  }
}

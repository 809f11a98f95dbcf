/**
 * The layer vocabulary: LayerSpec[] (config/spec.ts) → tf.LayersModel.
 *
 * Every layer gets a stable, readable name (`conv2d_1`, `residual_3_conv_a`, …) so figures,
 * summaries and cache keys never depend on tfjs's global name counters, and every initializer
 * is seeded from the experiment's `init` seed and the layer name (Keras defaults:
 * glorot-uniform kernels, zero biases).
 */
import * as tf from '@tensorflow/tfjs';
import type { Activation, LayerSpec, Pair } from '../config/spec.ts';
import { deriveSeed } from '../lib/rng.ts';
import { SeededDropout } from './layers/seeded-dropout.ts';
import { UserError } from '../lib/errors.ts';

export interface BuildOptions {
  /** Input image shape [height, width, channels]. */
  inputShape: [number, number, number];
  numClasses: number;
  seeds: { init: number; dropout: number };
}

type SymbolicTensor = tf.SymbolicTensor;

class Builder {
  private readonly counts = new Map<string, number>();
  private readonly opts: BuildOptions;
  constructor(opts: BuildOptions) {
    this.opts = opts;
  }

  /** Next stable name for a layer of this kind: conv2d_1, conv2d_2, … */
  name(kind: string): string {
    const n = (this.counts.get(kind) ?? 0) + 1;
    this.counts.set(kind, n);
    return `${kind}_${n}`;
  }

  kernelInit(name: string): ReturnType<typeof tf.initializers.glorotUniform> {
    return tf.initializers.glorotUniform({ seed: deriveSeed(this.opts.seeds.init, name) });
  }

  conv(x: SymbolicTensor, name: string, filters: number, kernel: Pair, strides: Pair, padding: 'same' | 'valid', activation: Activation, useBias = true): SymbolicTensor {
    return tf.layers
      .conv2d({ name, filters, kernelSize: kernel, strides, padding, activation, useBias, kernelInitializer: this.kernelInit(name) })
      .apply(x) as SymbolicTensor;
  }

  batchNorm(x: SymbolicTensor, name: string, momentum = 0.99, epsilon = 0.001): SymbolicTensor {
    return tf.layers.batchNormalization({ name, momentum, epsilon }).apply(x) as SymbolicTensor;
  }

  activation(x: SymbolicTensor, name: string, activation: Activation): SymbolicTensor {
    return tf.layers.activation({ name, activation }).apply(x) as SymbolicTensor;
  }

  /** conv+BN+relu → conv+BN, plus identity or 1×1 conv+BN projection shortcut, add, relu. */
  residual(x: SymbolicTensor, spec: Extract<LayerSpec, { type: 'residual' }>): SymbolicTensor {
    const base = this.name('residual');
    const inChannels = x.shape[x.shape.length - 1];
    let y = this.conv(x, `${base}_conv_a`, spec.filters, spec.kernel, spec.strides, 'same', 'linear');
    y = this.batchNorm(y, `${base}_bn_a`);
    y = this.activation(y, `${base}_relu_a`, 'relu');
    y = this.conv(y, `${base}_conv_b`, spec.filters, spec.kernel, [1, 1], 'same', 'linear');
    y = this.batchNorm(y, `${base}_bn_b`);
    let shortcut = x;
    if (inChannels !== spec.filters || spec.strides[0] !== 1 || spec.strides[1] !== 1) {
      shortcut = this.conv(x, `${base}_shortcut_conv`, spec.filters, [1, 1], spec.strides, 'same', 'linear');
      shortcut = this.batchNorm(shortcut, `${base}_shortcut_bn`);
    }
    const sum = tf.layers.add({ name: `${base}_add` }).apply([y, shortcut]) as SymbolicTensor;
    return this.activation(sum, `${base}_out`, 'relu');
  }

  layer(x: SymbolicTensor, spec: LayerSpec): SymbolicTensor {
    switch (spec.type) {
      case 'conv2d':
        return this.conv(x, this.name('conv2d'), spec.filters, spec.kernel, spec.strides, spec.padding, spec.activation, spec.useBias);
      case 'batchNorm':
        return this.batchNorm(x, this.name('batch_norm'), spec.momentum, spec.epsilon);
      case 'maxPool':
        return tf.layers.maxPooling2d({ name: this.name('max_pool'), poolSize: spec.size, strides: spec.strides, padding: spec.padding }).apply(x) as SymbolicTensor;
      case 'avgPool':
        return tf.layers.averagePooling2d({ name: this.name('avg_pool'), poolSize: spec.size, strides: spec.strides, padding: spec.padding }).apply(x) as SymbolicTensor;
      case 'dropout': {
        const name = this.name('dropout');
        return new SeededDropout({ name, rate: spec.rate, streamSeed: deriveSeed(this.opts.seeds.dropout, name) }).apply(x) as SymbolicTensor;
      }
      case 'flatten':
        return tf.layers.flatten({ name: this.name('flatten') }).apply(x) as SymbolicTensor;
      case 'globalAvgPool':
        return tf.layers.globalAveragePooling2d({ name: this.name('global_avg_pool') }).apply(x) as SymbolicTensor;
      case 'dense': {
        const name = this.name('dense');
        return tf.layers.dense({ name, units: spec.units, activation: spec.activation, kernelInitializer: this.kernelInit(name) }).apply(x) as SymbolicTensor;
      }
      case 'activation':
        return this.activation(x, this.name('activation'), spec.activation);
      case 'residual':
        return this.residual(x, spec);
    }
  }
}

/**
 * Build the model. The network must end in `numClasses` units; a final softmax is required
 * because every metric and explanation works on class probabilities.
 */
export function buildModel(layers: LayerSpec[], opts: BuildOptions): tf.LayersModel {
  const builder = new Builder(opts);
  const input = tf.input({ shape: opts.inputShape, name: 'input' });
  let x: SymbolicTensor = input;
  for (const spec of layers) x = builder.layer(x, spec);
  const model = tf.model({ inputs: input, outputs: x, name: 'model' });
  checkHead(model, opts.numClasses);
  return model;
}

/** The model must output one probability per class: [batch, numClasses] through a softmax. */
function checkHead(model: tf.LayersModel, numClasses: number): void {
  const shape = model.outputs[0]!.shape;
  const fix = `End model.layers with "- dense: { units: ${numClasses}, activation: softmax }".`;
  if (shape.length !== 2) {
    throw new UserError(
      `The model's output has shape [${shape.map((d) => d ?? 'batch').join(', ')}], but a classifier must output one value per class. ` +
        `Add "- flatten: {}" or "- globalAvgPool: {}" before the last dense layer. ${fix}`,
    );
  }
  if (shape[1] !== numClasses) {
    throw new UserError(`The model ends with ${shape[1]} units, but the dataset has ${numClasses} classes. ${fix}`);
  }
  const last = model.layers[model.layers.length - 1]!;
  const activation = (last.getConfig() as { activation?: string }).activation;
  if (activation !== 'softmax') {
    throw new UserError(`The model's last layer ("${last.name}") uses activation "${activation ?? 'none'}", but convlens needs class probabilities. ${fix}`);
  }
}

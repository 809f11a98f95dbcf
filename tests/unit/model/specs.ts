/**
 * LayerSpec factories with the defaults config/normalize.ts fills in, so tests read like YAML.
 */
import type { LayerSpec, Pair } from '../../../src/config/spec.ts';

/** The LayerSpec member whose `type` admits T (some members share one shape for two types). */
type Of<T extends LayerSpec['type']> = LayerSpec extends infer U ? (U extends { type: infer K } ? (T extends K ? U : never) : never) : never;
type Extra<T extends LayerSpec['type']> = Partial<Omit<Of<T>, 'type'>>;

const convDefaults = {
  kernel: [3, 3] as Pair,
  strides: [1, 1] as Pair,
  padding: 'same' as const,
  dilation: [1, 1] as Pair,
  activation: 'linear' as const,
  useBias: true,
  kernelInitializer: 'glorotUniform' as const,
};

export const conv = (filters: number, extra: Extra<'conv2d'> = {}): LayerSpec => ({ type: 'conv2d', filters, ...convDefaults, ...extra });
export const depthwise = (depthMultiplier: number, extra: Extra<'depthwiseConv2d'> = {}): LayerSpec => ({ type: 'depthwiseConv2d', depthMultiplier, ...convDefaults, ...extra });
export const separable = (filters: number, extra: Extra<'separableConv2d'> = {}): LayerSpec => ({ type: 'separableConv2d', filters, depthMultiplier: 1, ...convDefaults, ...extra });
export const dense = (units: number, extra: Extra<'dense'> = {}): LayerSpec => ({ type: 'dense', units, activation: 'linear', useBias: true, kernelInitializer: 'glorotUniform', ...extra });
export const batchNorm = (extra: Extra<'batchNorm'> = {}): LayerSpec => ({ type: 'batchNorm', momentum: 0.99, epsilon: 0.001, ...extra });
export const maxPool = (size = 2, extra: Extra<'maxPool'> = {}): LayerSpec => ({ type: 'maxPool', size: [size, size], strides: [size, size], padding: 'valid', ...extra });
export const avgPool = (size = 2, extra: Extra<'avgPool'> = {}): LayerSpec => ({ type: 'avgPool', size: [size, size], strides: [size, size], padding: 'valid', ...extra });
export const residual = (filters: number, extra: Extra<'residual'> = {}): LayerSpec => ({ type: 'residual', filters, kernel: [3, 3], strides: [1, 1], ...extra });
export const activation = (a: Of<'activation'>['activation'], extra: Extra<'activation'> = {}): LayerSpec => ({ type: 'activation', activation: a, ...extra });
export const dropout = (rate: number, extra: Extra<'dropout'> = {}): LayerSpec => ({ type: 'dropout', rate, ...extra });
export const spatialDropout = (rate: number, extra: Extra<'spatialDropout'> = {}): LayerSpec => ({ type: 'spatialDropout', rate, ...extra });
export const add = (inputs: string[], extra: Extra<'add'> = {}): LayerSpec => ({ type: 'add', inputs, ...extra });
export const concatenate = (inputs: string[], extra: Extra<'concatenate'> = {}): LayerSpec => ({ type: 'concatenate', axis: -1, inputs, ...extra });
export const flatten: LayerSpec = { type: 'flatten' };
export const gap: LayerSpec = { type: 'globalAvgPool' };
export const gmp: LayerSpec = { type: 'globalMaxPool' };
export const softmax = (classes = 10): LayerSpec => dense(classes, { activation: 'softmax' });

/** Build options for small test images. */
export const options = (inputShape: [number, number, number] = [8, 8, 1], numClasses = 10) => ({ inputShape, numClasses, seeds: { init: 1, dropout: 2 } });

/**
 * Model presets (`model.preset`) as layer lists. Pure: no tfjs.
 *
 * - `resnet`: the book chapter's `build_improved_cnn` (conv 64 + BN + relu; two residual blocks
 *   each of 64, 128 and 256 channels with a 2×2 max pool between the stages; global average
 *   pooling; dense 512 relu; dropout 0.5; dense softmax). Width 0.25 is BENCHMARK.md's
 *   resnet-w16.
 * - `simple-cnn`: BENCHMARK.md's small-cnn (conv 32 relu → BN → max pool → conv 64 relu →
 *   max pool → conv 128 relu → global average pooling → dense softmax).
 *
 * `width` multiplies every channel and hidden-unit count (rounded, at least 1); the class count
 * is never scaled.
 */
import type { LayerSpec, PresetName } from '../config/spec.ts';

/** `n`·width, rounded to the nearest whole number, at least 1. */
export function scaled(n: number, width: number): number {
  return Math.max(1, Math.round(n * width));
}

/** Keras's Conv2D defaults (3×3, stride 1, same padding as the book writes it). */
const conv = (filters: number, activation: 'linear' | 'relu'): LayerSpec => ({
  type: 'conv2d',
  filters,
  kernel: [3, 3],
  strides: [1, 1],
  padding: 'same',
  dilation: [1, 1],
  activation,
  useBias: true,
  kernelInitializer: 'glorotUniform',
});
const batchNorm: LayerSpec = { type: 'batchNorm', momentum: 0.99, epsilon: 0.001 };
const maxPool: LayerSpec = { type: 'maxPool', size: [2, 2], strides: [2, 2], padding: 'valid' };
const residual = (filters: number): LayerSpec => ({ type: 'residual', filters, kernel: [3, 3], strides: [1, 1] });
const dense = (units: number, activation: 'relu' | 'softmax'): LayerSpec => ({ type: 'dense', units, activation, useBias: true, kernelInitializer: 'glorotUniform' });

function resnet(width: number, numClasses: number): LayerSpec[] {
  const c = (n: number) => scaled(n, width);
  return [
    conv(c(64), 'linear'),
    batchNorm,
    { type: 'activation', activation: 'relu' },
    residual(c(64)),
    residual(c(64)),
    maxPool,
    residual(c(128)),
    residual(c(128)),
    maxPool,
    residual(c(256)),
    residual(c(256)),
    { type: 'globalAvgPool' },
    dense(c(512), 'relu'),
    { type: 'dropout', rate: 0.5 },
    dense(numClasses, 'softmax'),
  ];
}

function simpleCnn(width: number, numClasses: number): LayerSpec[] {
  const c = (n: number) => scaled(n, width);
  return [conv(c(32), 'relu'), batchNorm, maxPool, conv(c(64), 'relu'), maxPool, conv(c(128), 'relu'), { type: 'globalAvgPool' }, dense(numClasses, 'softmax')];
}

/** The layer list of preset `name` at `width` for `numClasses` classes. */
export function presetLayers(name: PresetName, width: number, numClasses: number): LayerSpec[] {
  switch (name) {
    case 'resnet':
      return resnet(width, numClasses);
    case 'simple-cnn':
      return simpleCnn(width, numClasses);
  }
}

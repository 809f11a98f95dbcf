/**
 * The benchmark models of BENCHMARK.md, as layer lists (NHWC), so `convlens bench` measures
 * exactly what the PyTorch anchor (shared/bench/torch_anchor.py) measures.
 */
import type { LayerSpec } from '../config/spec.ts';

const conv = (filters: number, activation: 'relu' | 'linear'): LayerSpec => ({
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
const maxPool: LayerSpec = { type: 'maxPool', size: [2, 2], strides: [2, 2], padding: 'valid' };
const batchNorm: LayerSpec = { type: 'batchNorm', momentum: 0.99, epsilon: 0.001 };
const dense = (units: number, activation: 'relu' | 'softmax'): LayerSpec => ({ type: 'dense', units, activation, useBias: true, kernelInitializer: 'glorotUniform' });
const residual = (filters: number): LayerSpec => ({ type: 'residual', filters, kernel: [3, 3], strides: [1, 1] });

export interface BenchModel {
  name: string;
  shape: [number, number, number];
  layers: LayerSpec[];
}

/** small-cnn-28x28x1 and resnet-w16-32x32x3, 10 classes each. */
export const BENCH_MODELS: BenchModel[] = [
  {
    name: 'small-cnn-28x28x1',
    shape: [28, 28, 1],
    layers: [conv(32, 'relu'), batchNorm, maxPool, conv(64, 'relu'), maxPool, conv(128, 'relu'), { type: 'globalAvgPool' }, dense(10, 'softmax')],
  },
  {
    name: 'resnet-w16-32x32x3',
    shape: [32, 32, 3],
    layers: [
      conv(16, 'linear'),
      batchNorm,
      { type: 'activation', activation: 'relu' },
      residual(16),
      residual(16),
      maxPool,
      residual(32),
      residual(32),
      maxPool,
      residual(64),
      residual(64),
      { type: 'globalAvgPool' },
      dense(128, 'relu'),
      { type: 'dropout', rate: 0.5 },
      dense(10, 'softmax'),
    ],
  },
];

/**
 * The benchmark models of BENCHMARK.md, so `convlens bench` measures exactly what the PyTorch
 * anchor (shared/bench/torch_anchor.py) measures: they are the two presets, `simple-cnn` and
 * `resnet` at a quarter of the book chapter's width.
 */
import type { ModelSpec } from '../config/spec.ts';

export interface BenchModel {
  name: string;
  shape: [number, number, number];
  model: ModelSpec;
}

/** small-cnn-28x28x1 and resnet-w16-32x32x3, 10 classes each. */
export const BENCH_MODELS: BenchModel[] = [
  { name: 'small-cnn-28x28x1', shape: [28, 28, 1], model: { kind: 'preset', preset: 'simple-cnn', width: 1 } },
  { name: 'resnet-w16-32x32x3', shape: [32, 32, 3], model: { kind: 'preset', preset: 'resnet', width: 0.25 } },
];

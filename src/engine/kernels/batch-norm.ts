/**
 * FusedBatchNorm (forward) for the wasm backend, in native SIMD code.
 *
 * Why: the stock wasm kernel is a scalar loop that takes ~3.5 ms per million floats; batch norm
 * runs after every conv of the resnet benchmark, in training (batch statistics) and in
 * inference (moving statistics), where it was ~20% of an inference batch.
 *
 * Approach: per channel, a = scale / sqrt(variance + eps) is computed in float64 and rounded
 * once; native/batch-norm.c then writes y = (x − mean)·a + offset in one SIMD pass. This
 * differs from the cpu backend's (x − mean)·scale / sqrt(variance + eps) + offset (float64,
 * rounded once) only by float32 rounding (tested). Mean, variance, offset and scale must each
 * hold one value per channel (x's innermost axis) or a single value; other layouts and dtypes
 * go to the stock kernel.
 */
import { FusedBatchNorm, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs';
import { native } from './native.ts';
import { heapView, type WasmBackend } from './wasm-backend.ts';

type Args = {
  inputs: { x: TensorInfo; mean: TensorInfo; variance: TensorInfo; offset?: TensorInfo; scale?: TensorInfo };
  backend: WasmBackend;
  attrs: { varianceEpsilon?: number };
};

const size = (t: TensorInfo): number => t.shape.reduce((p, q) => p * q, 1);

/** Builds the kernel function; `fallback` is the stock kernel. */
export function makeBatchNormWasm(fallback: KernelFunc | undefined): (args: Args) => TensorInfo {
  return (args) => {
    const { inputs, backend, attrs } = args;
    const { x, mean, variance, offset, scale } = inputs;
    const C = x.shape.length > 0 ? (x.shape[x.shape.length - 1] as number) : 1;
    const params = [mean, variance, offset, scale].filter((t): t is TensorInfo => t != null);
    const fits = x.dtype === 'float32' && params.every((t) => t.dtype === 'float32' && (size(t) === C || size(t) === 1));
    if (!fits) {
      if (fallback === undefined) throw new Error('FusedBatchNorm on wasm has no route for these shapes and no stock kernel.');
      return fallback(args as never) as TensorInfo;
    }
    const eps = attrs.varianceEpsilon ?? 0.001;
    const out = backend.makeOutput([...x.shape], 'float32');
    const n = size(x);
    if (n === 0) return out;
    const nat = native(backend);
    const coef = nat.scratch(3 * C);
    // Views are taken after the scratch allocation, which may grow the heap.
    const heap = new Float32Array(heapView(backend, x).buffer);
    const view = (t: TensorInfo | undefined, absent: number): Float32Array => (t == null ? Float32Array.of(absent) : heapView(backend, t));
    const [m, v, o, s] = [view(mean, 0), view(variance, 0), view(offset, 0), view(scale, 1)];
    const at = (values: Float32Array, c: number): number => values[values.length === 1 ? 0 : c] as number;
    const base = coef / 4;
    for (let c = 0; c < C; c++) {
      heap[base + c] = at(m, c);
      heap[base + C + c] = at(s, c) / Math.sqrt(at(v, c) + eps);
      heap[base + 2 * C + c] = at(o, c);
    }
    nat.fn.batch_norm_f32(nat.ptr(x), coef, nat.ptr(out), n / C, C);
    return out;
  };
}

/** Registration record for FusedBatchNorm on 'wasm', falling back to `stock`. */
export function batchNormConfig(stock: KernelConfig | undefined): KernelConfig {
  return {
    kernelName: FusedBatchNorm,
    backendName: 'wasm',
    kernelFunc: makeBatchNormWasm(stock?.kernelFunc) as unknown as KernelFunc,
    ...(stock?.setupFunc ? { setupFunc: stock.setupFunc } : {}),
  };
}

/**
 * Step (1 where x > 0, NaN where x is NaN, alpha elsewhere) on float32 for the wasm backend.
 *
 * Why: the stock wasm kernel is a scalar loop (~2 ms per million floats); the gradients of
 * fused conv2d + relu (dy · step(y)) run it on every such layer's output each step.
 *
 * Approach: native/elementwise.c, one SIMD select pass; same values as the cpu backend. Other
 * dtypes go to the stock kernel.
 */
import { Step, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs';
import { native } from './native.ts';
import type { WasmBackend } from './wasm-backend.ts';

type Args = { inputs: { x: TensorInfo }; backend: WasmBackend; attrs: { alpha?: number } };

function makeStep(fallback: KernelFunc | undefined): (args: Args) => TensorInfo {
  return (args) => {
    const { inputs, backend, attrs } = args;
    const { x } = inputs;
    if (x.dtype !== 'float32') {
      if (fallback === undefined) throw new Error(`Step on wasm has no route for ${x.dtype} and no stock kernel.`);
      return fallback(args as never) as TensorInfo;
    }
    const out = backend.makeOutput([...x.shape], 'float32');
    const n = x.shape.reduce((p, q) => p * q, 1);
    if (n > 0) {
      const nat = native(backend);
      nat.fn.step_f32(nat.ptr(x), nat.ptr(out), n, attrs.alpha ?? 0);
    }
    return out;
  };
}

/** Registration record for Step on 'wasm', falling back to `stock` for non-float32. */
export function stepConfig(stock: KernelConfig | undefined): KernelConfig {
  return {
    kernelName: Step,
    backendName: 'wasm',
    kernelFunc: makeStep(stock?.kernelFunc) as unknown as KernelFunc,
    ...(stock?.setupFunc ? { setupFunc: stock.setupFunc } : {}),
  };
}

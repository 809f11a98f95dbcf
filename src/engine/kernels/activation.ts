/**
 * Tanh and Selu on float32 for the wasm backend, in native SIMD code.
 *
 * Why: the stock wasm kernels call libm per element: Tanh took ~20 ms and Selu ~7.5 ms per
 * million floats (Sigmoid and Elu, through XNNPACK, ~1 ms). Both are in convlens's activation
 * vocabulary, and a layer's activation runs on its whole output every step.
 *
 * Approach: native/activation.c evaluates fixed polynomials (a Cody-Waite exp, an odd
 * polynomial for small |x| so tanh and selu keep full relative accuracy near 0), so results
 * are deterministic and within a few float32 ulps of the cpu backend's float64 Math.tanh/exp.
 * Other dtypes go to the stock kernels.
 */
import { Selu, Tanh, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs';
import { native } from './native.ts';
import type { WasmBackend } from './wasm-backend.ts';

type Args = { inputs: { x: TensorInfo }; backend: WasmBackend };

function makeUnary(name: string, run: 'tanh_f32' | 'selu_f32', fallback: KernelFunc | undefined): (args: Args) => TensorInfo {
  return (args) => {
    const { inputs, backend } = args;
    const { x } = inputs;
    if (x.dtype !== 'float32') {
      if (fallback === undefined) throw new Error(`${name} on wasm has no route for ${x.dtype} and no stock kernel.`);
      return fallback(args as never) as TensorInfo;
    }
    const out = backend.makeOutput([...x.shape], 'float32');
    const n = x.shape.reduce((p, q) => p * q, 1);
    if (n > 0) {
      const nat = native(backend);
      nat.fn[run](nat.ptr(x), nat.ptr(out), n);
    }
    return out;
  };
}

function config(name: string, run: 'tanh_f32' | 'selu_f32') {
  return (stock: KernelConfig | undefined): KernelConfig => ({
    kernelName: name,
    backendName: 'wasm',
    kernelFunc: makeUnary(name, run, stock?.kernelFunc) as unknown as KernelFunc,
    ...(stock?.setupFunc ? { setupFunc: stock.setupFunc } : {}),
  });
}

/** Native Tanh (stock kernel for non-float32). */
export const tanhConfig = config(Tanh, 'tanh_f32');
/** Native Selu (stock kernel for non-float32). */
export const seluConfig = config(Selu, 'selu_f32');

/**
 * Tanh, Selu, Softplus and Exp on float32 for the wasm backend, in native SIMD code.
 *
 * Why: the stock wasm kernels call libm per element: Tanh took ~20 ms, Softplus ~15 ms and
 * Selu ~7.5 ms per million floats (Sigmoid and Elu, through XNNPACK, ~1 ms). tanh, selu and
 * softplus are in convlens's activation vocabulary (a layer's activation runs on its whole
 * output every step), and selu's gradient runs Exp.
 *
 * Approach: native/activation.c evaluates fixed polynomials (a Cody-Waite exp with denormal
 * and overflow results as IEEE gives them, Cephes' logf, an odd polynomial for small |x| in
 * tanh, a Taylor expm1 near 0 in selu, log1p(u) = log(1+u)·u/((1+u)−1) in softplus), so results
 * are deterministic and within a few float32 ulps of the cpu backend's float64 Math functions.
 * Other dtypes go to the stock kernels.
 */
import { Exp, Selu, Softplus, Tanh, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs';
import { native } from './native.ts';
import type { WasmBackend } from './wasm-backend.ts';

type Args = { inputs: { x: TensorInfo }; backend: WasmBackend };
type Run = 'tanh_f32' | 'selu_f32' | 'softplus_f32' | 'exp_f32';

function makeUnary(name: string, run: Run, fallback: KernelFunc | undefined): (args: Args) => TensorInfo {
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

function config(name: string, run: Run) {
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
/** Native Softplus (stock kernel for non-float32). */
export const softplusConfig = config(Softplus, 'softplus_f32');
/** Native Exp (stock kernel for non-float32). */
export const expConfig = config(Exp, 'exp_f32');

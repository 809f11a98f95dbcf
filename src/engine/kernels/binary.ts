/**
 * Add, Sub, Multiply and RealDiv on float32 for the wasm backend, in native SIMD code.
 *
 * Why: training spends many full-size elementwise ops around batch norm and in gradients, and
 * the stock wasm kernels are slow for the cases training produces: a same-shape Multiply took
 * ~2 ms per million floats, a per-channel broadcast ~0.9 ms (a memory-bound pass is ~0.2 ms).
 *
 * Approach: native/elementwise.c handles three layouts: equal shapes; one operand repeating
 * along the other (its shape, leading 1s dropped, is a suffix of the output shape: per-channel
 * vectors [C] or [1,1,1,C] against NHWC, rows against matrices); and scalars (period 1). Every
 * output element is one IEEE float32 operation, bit-identical to the cpu backend. Other
 * broadcasts and dtypes go to the stock kernel.
 */
import { Add, backend_util, Multiply, RealDiv, Sub, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs';
import { native } from './native.ts';
import type { WasmBackend } from './wasm-backend.ts';

type Args = { inputs: { a: TensorInfo; b: TensorInfo }; backend: WasmBackend; attrs: Record<string, never> };

const OPS: Record<string, number> = { [Add]: 0, [Sub]: 1, [Multiply]: 2, [RealDiv]: 3 };

const size = (shape: readonly number[]): number => shape.reduce((p, q) => p * q, 1);

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Size of `small` if it repeats along `out` (leading 1s dropped, a suffix of `out`), else -1. */
export function repeatPeriod(small: readonly number[], out: readonly number[]): number {
  let first = 0;
  while (first < small.length && small[first] === 1) first++;
  const core = small.slice(first);
  if (core.length > out.length) return -1;
  return sameShape(core, out.slice(out.length - core.length)) ? size(core) : -1;
}

function makeBinary(name: string, fallback: KernelFunc | undefined): (args: Args) => TensorInfo {
  const op = OPS[name] as number;
  return (args) => {
    const { inputs, backend } = args;
    const { a, b } = inputs;
    const outShape = backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
    let period = -1;
    let bRepeats = 1;
    if (a.dtype === 'float32' && b.dtype === 'float32') {
      if (sameShape(a.shape, b.shape)) period = 0;
      else if (sameShape(a.shape, outShape) && (period = repeatPeriod(b.shape, outShape)) >= 0) bRepeats = 1;
      else if (sameShape(b.shape, outShape) && (period = repeatPeriod(a.shape, outShape)) >= 0) bRepeats = 0;
    }
    if (period < 0) {
      if (fallback === undefined) throw new Error(`${name} on wasm has no route for shapes [${a.shape}] and [${b.shape}] and no stock kernel.`);
      return fallback(args as never) as TensorInfo;
    }
    const out = backend.makeOutput(outShape, 'float32');
    const n = size(outShape);
    if (n === 0) return out;
    const nat = native(backend);
    nat.fn.binary_f32(op, nat.ptr(a), nat.ptr(b), nat.ptr(out), n, period, bRepeats);
    return out;
  };
}

function config(name: string) {
  return (stock: KernelConfig | undefined): KernelConfig => ({
    kernelName: name,
    backendName: 'wasm',
    kernelFunc: makeBinary(name, stock?.kernelFunc) as unknown as KernelFunc,
    ...(stock?.setupFunc ? { setupFunc: stock.setupFunc } : {}),
  });
}

/** Native Add (stock kernel kept as fallback). */
export const addConfig = config(Add);
/** Native Sub (stock kernel kept as fallback). */
export const subConfig = config(Sub);
/** Native Multiply (stock kernel kept as fallback). */
export const multiplyConfig = config(Multiply);
/** Native RealDiv (stock kernel kept as fallback). */
export const realDivConfig = config(RealDiv);

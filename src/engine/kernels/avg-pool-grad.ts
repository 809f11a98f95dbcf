/**
 * AvgPoolGrad for the wasm backend, in native code.
 *
 * Why: the stock wasm kernel takes ~12 ms for a 2x2 pool over 64x32x32x16 (the max-pool
 * gradient, native, takes ~3.5 ms); avgPool is part of convlens's layer vocabulary.
 *
 * Approach: native/avg-pool-grad.c gathers, for every dx pixel, the dy values of the windows
 * that cover it, summed in float64 in the cpu backend's order and scaled by 1/(FH·FW) (tfjs's
 * definition, which counts padded window cells too) before one rounding, so results equal the
 * cpu backend's bit for bit. NHWC float32 only; anything else goes to the stock kernel.
 */
import { AvgPoolGrad, backend_util, type AvgPoolGradAttrs, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs';
import { native } from './native.ts';
import type { WasmBackend } from './wasm-backend.ts';

type Args = { inputs: { dy: TensorInfo; input: TensorInfo }; backend: WasmBackend; attrs: AvgPoolGradAttrs };

/** Builds the kernel function; `fallback` is the stock kernel. */
export function makeAvgPoolGradWasm(fallback: KernelFunc | undefined): (args: Args) => TensorInfo {
  return (args) => {
    const { inputs, backend, attrs } = args;
    const { dy, input: x } = inputs;
    if (x.dtype !== 'float32' || dy.dtype !== 'float32' || x.shape.length !== 4) {
      if (fallback === undefined) throw new Error('AvgPoolGrad on wasm has no route for this input and no stock kernel.');
      return fallback(args as never) as TensorInfo;
    }
    // As the cpu backend: no dimRoundingMode here.
    const info = backend_util.computePool2DInfo(x.shape as [number, number, number, number], attrs.filterSize, attrs.strides, 1, attrs.pad);
    const { batchSize: N, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = info;
    const { strideHeight: SH, strideWidth: SW, filterHeight: FH, filterWidth: FW } = info;
    const out = backend.makeOutput([...x.shape], 'float32');
    if (N * H * W * C === 0) return out;
    const nat = native(backend);
    const acc = nat.scratch(2 * C);
    nat.fn.avg_pool_grad_f32(nat.ptr(dy), nat.ptr(out), acc, N, H, W, C, OH, OW, FH, FW, SH, SW, FH - 1 - info.padInfo.top, FW - 1 - info.padInfo.left, 1 / (FH * FW));
    return out;
  };
}

/** Registration record for AvgPoolGrad on 'wasm', falling back to `stock`. */
export function avgPoolGradConfig(stock: KernelConfig | undefined): KernelConfig {
  return {
    kernelName: AvgPoolGrad,
    backendName: 'wasm',
    kernelFunc: makeAvgPoolGradWasm(stock?.kernelFunc) as unknown as KernelFunc,
    ...(stock?.setupFunc ? { setupFunc: stock.setupFunc } : {}),
  };
}

/**
 * MaxPoolGrad for the wasm backend.
 *
 * Why: the stock wasm kernel is a scalar C++ loop that, for every input pixel, revisits every
 * window covering it and recomputes argmaxes (~19 ms for a 2x2 pool over 64x28x28x16, against
 * 0.4 ms for the forward MaxPool); it was the largest kernel in a training step once Tile and
 * the transposed matmuls were fixed.
 *
 * Approach: native/max-pool-grad.c, one pass over the output windows on the wasm heap: the
 * argmax of each window is found for 4 channels at a time (NHWC keeps channels contiguous; an
 * f32x4 compare selects value and index), then dy goes to dx at that position. Tie-breaking is
 * tfjs's: the first maximum in row-major window order wins (strict >), and a window with no
 * value above -Infinity (all -Infinity or NaN, or entirely in the padding) passes no gradient.
 * When windows do not overlap (stride ≥ pool size) each dx element receives at most one value,
 * written directly; when they overlap, contributions are summed in float64 in ascending output
 * order and rounded once, as the cpu backend does, so results match it exactly either way. Any
 * pool size, stride and padding (NHWC, float32); anything else goes to the stock kernel.
 */
import {
  backend_util,
  MaxPoolGrad,
  type KernelConfig,
  type KernelFunc,
  type MaxPoolGradAttrs,
  type TensorInfo,
} from '@tensorflow/tfjs';
import { native } from './native.ts';
import type { WasmBackend } from './wasm-backend.ts';

type Args = { inputs: { dy: TensorInfo; input: TensorInfo; output: TensorInfo }; backend: WasmBackend; attrs: MaxPoolGradAttrs };

/** Builds the kernel function; `fallback` is the stock kernel. */
export function makeMaxPoolGradWasm(fallback: KernelFunc | undefined): (args: Args) => TensorInfo {
  return (args) => {
    const { inputs, backend, attrs } = args;
    const { dy, input: x } = inputs;
    const info = backend_util.computePool2DInfo(
      x.shape as [number, number, number, number],
      attrs.filterSize,
      attrs.strides,
      1,
      attrs.pad,
      attrs.dimRoundingMode,
    );
    if (x.dtype !== 'float32' || dy.dtype !== 'float32' || x.shape.length !== 4 || info.dataFormat !== 'channelsLast') {
      if (fallback === undefined) throw new Error(`MaxPoolGrad on wasm has no route for this input and no stock kernel.`);
      return fallback(args as never) as TensorInfo;
    }
    const { batchSize: N, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = info;
    const { strideHeight: SH, strideWidth: SW, effectiveFilterHeight: FH, effectiveFilterWidth: FW } = info;
    const out = backend.makeOutput([...x.shape], 'float32');
    if (N * H * W * C === 0) return out;
    const nat = native(backend);
    const overlap = SH < FH || SW < FW;
    const acc = overlap ? nat.scratch(2 * N * H * W * C) : 0; // float64 accumulators
    nat.fn.max_pool_grad_f32(nat.ptr(x), nat.ptr(dy), nat.ptr(out), acc, N, H, W, C, OH, OW, FH, FW, SH, SW, info.padInfo.top, info.padInfo.left);
    return out;
  };
}

/** Registration record for MaxPoolGrad on 'wasm', falling back to `stock`. */
export function maxPoolGradConfig(stock: KernelConfig | undefined): KernelConfig {
  return {
    kernelName: MaxPoolGrad,
    backendName: 'wasm',
    kernelFunc: makeMaxPoolGradWasm(stock?.kernelFunc) as unknown as KernelFunc,
    ...(stock?.setupFunc ? { setupFunc: stock.setupFunc } : {}),
  };
}

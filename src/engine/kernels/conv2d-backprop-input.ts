/**
 * Conv2DBackpropInput for the wasm backend.
 *
 * Why: the stock wasm kernel is a scalar C++ loop running ~10x below wasm's XNNPACK forward
 * Conv2D, which makes it the slowest step of training a CNN on wasm.
 *
 * Approach: for stride 1 the input gradient is itself a forward convolution,
 *   dx = conv2d(dy, W'),  W'[kh, kw, co, ci] = W[KH-1-kh, KW-1-kw, ci, co],
 * with explicit padding (KH-1-top, KH-1-bottom) x (KW-1-left, KW-1-right). We build the
 * flipped, in/out-swapped filter in JS into a fresh wasm-heap tensor (it is small; XNNPACK
 * packs it and drops its cached operator when we free the tensor) and run the wasm Conv2D
 * kernel (our native one, conv2d.ts). Strides above 1, and paddings larger than the filter
 * (negative transposed padding), run native/conv2d-backprop-input.c: a gather, phase by phase,
 * over the taps that reach each input pixel, with the filter transposed to [KH, KW, Cout, Cin]
 * in scratch (see the C file). NCHW and non-float32 go to the stock kernel.
 */
import {
  backend_util,
  Conv2D,
  Conv2DBackpropInput,
  type Conv2DBackpropInputAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs';
import { native } from './native.ts';
import { freeAll, heapView, runWasmKernel, type WasmBackend } from './wasm-backend.ts';

type Args = { inputs: { dy: TensorInfo; filter: TensorInfo }; backend: WasmBackend; attrs: Conv2DBackpropInputAttrs };

/** Writes W' (KH, KW, Cout, Cin) from W (KH, KW, Cin, Cout): spatially flipped, channels swapped. */
function flipAndSwap(w: Float32Array, KH: number, KW: number, cin: number, cout: number, out: Float32Array): void {
  for (let kh = 0; kh < KH; kh++) {
    for (let kw = 0; kw < KW; kw++) {
      const src = ((KH - 1 - kh) * KW + (KW - 1 - kw)) * cin * cout;
      const dst = (kh * KW + kw) * cout * cin;
      for (let ci = 0; ci < cin; ci++) {
        for (let co = 0; co < cout; co++) out[dst + co * cin + ci] = w[src + ci * cout + co] as number;
      }
    }
  }
}

/** dx for any stride and padding (NHWC float32), natively: see native/conv2d-backprop-input.c. */
function backpropInputStrided(backend: WasmBackend, dy: TensorInfo, filter: TensorInfo, info: backend_util.Conv2DInfo): TensorInfo {
  const { batchSize: N, inHeight: H, inWidth: W, inChannels: CI, outHeight: OH, outWidth: OW, outChannels: CO } = info;
  const { filterHeight: KH, filterWidth: KW, strideHeight: SH, strideWidth: SW } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const out = backend.makeOutput([N, H, W, CI], 'float32');
  if (N * H * W * CI === 0) return out;
  // Margins of the zero-padded dy image that cover every tap's output row/column.
  const mt = Math.max(0, Math.ceil((KH - 1 - top) / SH));
  const mb = Math.max(0, Math.floor((H - 1 + top) / SH) - (OH - 1));
  const ml = Math.max(0, Math.ceil((KW - 1 - left) / SW));
  const mr = Math.max(0, Math.floor((W - 1 + left) / SW) - (OW - 1));
  const OHP = mt + OH + mb;
  const OWP = ml + OW + mr;
  const CI4 = Math.ceil(CI / 4) * 4;
  const taps = KH * KW;
  const nat = native(backend);
  const padded = CI4 !== CI;
  // Scratch: [filter as KH x KW x CO x CI4 | dx with CI4 channels (if padded) | padded dy image].
  const scratch = nat.scratch(taps * CO * CI4 + (padded ? N * H * W * CI4 : 0) + OHP * OWP * CO);
  const heap = new Float32Array(heapView(backend, out).buffer);
  const wt = scratch / 4;
  const w = nat.ptr(filter) / 4;
  heap.fill(0, wt, wt + taps * CO * CI4);
  for (let t = 0; t < taps; t++) {
    for (let ci = 0; ci < CI; ci++) {
      for (let co = 0; co < CO; co++) heap[wt + (t * CO + co) * CI4 + ci] = heap[w + (t * CI + ci) * CO + co] as number;
    }
  }
  const dxAt = padded ? wt + taps * CO * CI4 : nat.ptr(out) / 4;
  const dyImage = wt + taps * CO * CI4 + (padded ? N * H * W * CI4 : 0);
  nat.fn.conv2d_backprop_input_strided(nat.ptr(dy), wt * 4, dxAt * 4, dyImage * 4, N, H, W, CI4, OH, OW, CO, KH, KW, SH, SW, top, left, mt, ml, OHP, OWP);
  if (padded) nat.fn.copy_rows_f32(dxAt * 4, CI4, nat.ptr(out), CI, N * H * W, CI, 0);
  return out;
}

/**
 * Builds the kernel function; `fallback` is the stock kernel, used for the shapes the
 * forward-conv route does not cover.
 */
export function makeConv2dBackpropInputWasm(fallback: KernelFunc | undefined): (args: Args) => TensorInfo {
  return (args) => {
    const { inputs, backend, attrs } = args;
    const { dy, filter } = inputs;
    const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs;
    const format = backend_util.convertConv2DDataFormat(dataFormat);
    const info = backend_util.computeConv2DInfo(
      inputShape,
      filter.shape as [number, number, number, number],
      strides,
      1,
      pad,
      dimRoundingMode,
      false,
      format,
    );
    const { filterHeight: KH, filterWidth: KW, inChannels: cin, outChannels: cout } = info;
    const padTop = KH - 1 - info.padInfo.top;
    const padBottom = KH - 1 - info.padInfo.bottom;
    const padLeft = KW - 1 - info.padInfo.left;
    const padRight = KW - 1 - info.padInfo.right;
    const direct =
      format === 'channelsLast' &&
      info.strideHeight === 1 &&
      info.strideWidth === 1 &&
      Math.min(padTop, padBottom, padLeft, padRight) >= 0 &&
      // Stride 1 output size: OH = H + top + bottom - KH + 1; any mismatch means rounding we do not model.
      info.outHeight === info.inHeight + info.padInfo.top + info.padInfo.bottom - KH + 1 &&
      info.outWidth === info.inWidth + info.padInfo.left + info.padInfo.right - KW + 1;
    if (!direct && format === 'channelsLast' && dy.dtype === 'float32' && filter.dtype === 'float32') {
      return backpropInputStrided(backend, dy, filter, info);
    }
    if (!direct) {
      if (fallback === undefined) {
        throw new Error(
          `Conv2DBackpropInput on wasm has no route for strides [${info.strideHeight}, ${info.strideWidth}] ` +
            `and padding ${JSON.stringify(pad)} because the stock kernel was not registered.`,
        );
      }
      return fallback(args as never) as TensorInfo;
    }
    const flipped = backend.makeOutput([KH, KW, cout, cin], 'float32');
    flipAndSwap(heapView(backend, filter), KH, KW, cin, cout, heapView(backend, flipped));
    const dx = runWasmKernel(Conv2D, backend, { x: dy, filter: flipped }, {
      strides: 1,
      pad: [[0, 0], [padTop, padBottom], [padLeft, padRight], [0, 0]],
      dataFormat: 'NHWC',
      dilations: 1,
      dimRoundingMode: undefined as never,
    });
    freeAll(backend, [flipped]);
    return dx;
  };
}

/** Registration record for Conv2DBackpropInput on 'wasm', falling back to `stock`. */
export function conv2dBackpropInputConfig(stock: KernelConfig | undefined): KernelConfig {
  return {
    kernelName: Conv2DBackpropInput,
    backendName: 'wasm',
    kernelFunc: makeConv2dBackpropInputWasm(stock?.kernelFunc) as unknown as KernelFunc,
    // The stock kernel binds its wasm export in setupFunc; keep that running on backend init.
    ...(stock?.setupFunc ? { setupFunc: stock.setupFunc } : {}),
  };
}

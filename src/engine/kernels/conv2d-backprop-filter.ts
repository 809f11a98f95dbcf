/**
 * Conv2DBackpropFilter for the wasm backend.
 *
 * Why: stock tfjs-backend-wasm 4.22 has no Conv2DBackpropFilter kernel, so a conv2d layer cannot
 * be trained on wasm at all, and the cpu backend runs it ~100x below wasm's forward conv.
 *
 * Approach: native/conv2d-backprop-filter.c computes
 *   dW[kh, kw, ci, co] = Σ_{n,oh,ow} x[n, oh·SH + kh − top, ow·SW + kw − left, ci] · dy[n, oh, ow, co]
 * straight from x and dy on the wasm heap with SIMD register blocks, one zero-padded image at a
 * time in scratch memory (no im2col matrix; see the C file). It writes tfjs's
 * [KH, KW, Cin, Cout] layout directly. The C code reads dy and writes dW with a channel stride
 * that is a multiple of 4; for other Cout, dy is copied into a channel-padded scratch copy and
 * dW is cropped back. All strides and paddings; dilation 1 (tfjs's conv2d gradient rejects
 * dilation > 1 before calling this kernel). 3x3 stride-1 filters with channel counts divisible by
 * 4 take the Winograd F(2x2, 3x3) route instead (native/winograd.c: 2.25x fewer multiplies). The
 * previous route (a JS-built im2col matrix fed to
 * XNNPACK's GEMM) is described in README.md with its measurements.
 */
import {
  backend_util,
  Conv2DBackpropFilter,
  type Conv2DBackpropFilterAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs';
import { winogradGradTiles } from './conv2d.ts';
import { native } from './native.ts';
import { heapView, type WasmBackend } from './wasm-backend.ts';

/** Kernel function: dW for x [N,H,W,Cin] and dy [N,OH,OW,Cout] (NHWC only). */
export function conv2dBackpropFilterWasm(args: {
  inputs: { x: TensorInfo; dy: TensorInfo };
  backend: WasmBackend;
  attrs: Conv2DBackpropFilterAttrs;
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { x, dy } = inputs;
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs;
  const format = backend_util.convertConv2DDataFormat(dataFormat);
  if (format !== 'channelsLast') {
    throw new Error(
      `The wasm Conv2DBackpropFilter kernel supports only NHWC data, but received dataFormat '${dataFormat}'. ` +
        `Use channels-last layers on the wasm backend (its forward Conv2D has the same limit).`,
    );
  }
  const info = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    1, // tfjs passes no dilations here: its conv2d gradient rejects dilation > 1.
    pad,
    dimRoundingMode,
    false,
    format,
  );
  const [, dyH, dyW, dyC] = dy.shape;
  if (dyH !== info.outHeight || dyW !== info.outWidth || dyC !== info.outChannels || dy.shape[0] !== info.batchSize) {
    throw new Error(
      `Conv2DBackpropFilter received dy of shape [${dy.shape}] but the convolution of x [${x.shape}] ` +
        `with filter [${filterShape}] produces [${info.outShape}].`,
    );
  }
  const { batchSize: N, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW, outChannels: CO } = info;
  const { filterHeight: KH, filterWidth: KW, strideHeight: SH, strideWidth: SW } = info;
  const out = backend.makeOutput([...filterShape], 'float32');
  if (N * OH * OW === 0) {
    heapView(backend, out).fill(0);
    return out;
  }
  const nat = native(backend);
  const CO4 = Math.ceil(CO / 4) * 4;
  const padFloats = ((OH - 1) * SH + KH) * ((OW - 1) * SW + KW) * C;
  const pixels = N * OH * OW;
  const rows = KH * KW * C;
  const T = winogradGradTiles();
  if (T > 0 && KH === 3 && KW === 3 && SH === 1 && SW === 1 && C % 4 === 0 && CO % 4 === 0) {
    // Winograd F(2x2, 3x3) backwards; scratch [dU | padded x | padded dy | V and dM of a chunk].
    const TH = Math.ceil(OH / 2);
    const TW = Math.ceil(OW / 2);
    const scratch = nat.scratch(16 * C * CO + (2 * TH + 2) * (2 * TW + 2) * C + 4 * TH * TW * CO + 16 * T * (C + CO));
    nat.fn.conv2d_backprop_filter_winograd(nat.ptr(x), nat.ptr(dy), nat.ptr(out), scratch, N, H, W, C, OH, OW, CO, info.padInfo.top, info.padInfo.left, T);
    return out;
  }
  if (CO4 === CO) {
    const scratch = nat.scratch(padFloats);
    nat.fn.conv2d_backprop_filter(nat.ptr(x), nat.ptr(dy), nat.ptr(out), scratch, N, H, W, C, OH, OW, CO4, KH, KW, SH, SW, info.padInfo.top, info.padInfo.left);
    return out;
  }
  // Channel-padded copies: [dy (pixels x CO4) | dW (rows x CO4) | padded image].
  const scratch = nat.scratch(pixels * CO4 + rows * CO4 + padFloats);
  const dyPadded = scratch;
  const dwPadded = dyPadded + pixels * CO4 * 4;
  nat.fn.copy_rows_f32(nat.ptr(dy), CO, dyPadded, CO4, pixels, CO, 1);
  nat.fn.conv2d_backprop_filter(nat.ptr(x), dyPadded, dwPadded, dwPadded + rows * CO4 * 4, N, H, W, C, OH, OW, CO4, KH, KW, SH, SW, info.padInfo.top, info.padInfo.left);
  nat.fn.copy_rows_f32(dwPadded, CO4, nat.ptr(out), CO, rows, CO, 0);
  return out;
}

/** Registration record for Conv2DBackpropFilter on 'wasm'. */
export const conv2dBackpropFilterConfig: KernelConfig = {
  kernelName: Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: conv2dBackpropFilterWasm as unknown as KernelFunc,
};

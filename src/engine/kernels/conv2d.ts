/**
 * Conv2D and FusedConv2D (bias + any tfjs activation) for the wasm backend, in native SIMD code.
 *
 * Why: the stock kernels (XNNPACK) run at ~35–38 GFLOP/s on the benchmark shapes but only
 * ~8 GFLOP/s with one input channel, and forward convolutions are a third of a training step
 * and nearly all of inference. The same register-blocked direct convolution that computes the
 * filter gradient (native/conv2d.c) needs no im2col and no weight packing.
 *
 * Approach: native/conv2d.c, one zero-padded image at a time, 4 output pixels x 8 output
 * channels per register block, bias added first and linear/relu/relu6/leakyrelu applied before
 * the store; elu, sigmoid and prelu (rare) are applied afterwards in JS with the cpu backend's
 * formulas. Output channels that are not a multiple of 4 run on channel-padded scratch copies of
 * the filter, bias and output. NCHW, dilation > 1 and non-float32 go to the stock kernel. (The
 * stock kernel is also wrong for some strides: with strides [1, 2] and numeric padding it
 * differs from cpu by O(1); the tests cover those shapes on our route.)
 */
import {
  backend_util,
  Conv2D,
  FusedConv2D,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs';
import { native } from './native.ts';
import { heapView, type WasmBackend } from './wasm-backend.ts';

/** Activations applied in native code, by their code in native/conv2d.c. */
const ACTIVATIONS: Record<string, number> = { linear: 0, relu: 1, relu6: 2, leakyrelu: 3 };
/** Activations applied afterwards in JS, as the cpu backend computes them (float64, rounded once). */
const POST: Record<string, (v: number, alpha: number) => number> = {
  elu: (v) => (v >= 0 ? v : Math.exp(v) - 1),
  sigmoid: (v) => 1 / (1 + Math.exp(-v)),
  prelu: (v, alpha) => (v < 0 ? alpha * v : v),
};

const size = (t: TensorInfo): number => t.shape.reduce((p, q) => p * q, 1);

type Args = {
  inputs: { x: TensorInfo; filter: TensorInfo; bias?: TensorInfo; preluActivationWeights?: TensorInfo };
  backend: WasmBackend;
  attrs: {
    strides: number | [number, number];
    pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
    dataFormat: 'NHWC' | 'NCHW';
    dilations: number | [number, number];
    dimRoundingMode?: 'floor' | 'round' | 'ceil';
    activation?: string;
    leakyreluAlpha?: number;
  };
};

/** Whether 3x3 stride-1 convolutions use Winograd F(2x2, 3x3) (tests and benchmarks turn it off). */
let winograd = true;
/** Tiles per Winograd chunk for the forward and filter-gradient kernels (0: the measured defaults). */
let winogradChunk = 0;
let winogradGradChunk = 0;

/**
 * Turns the Winograd route (forward, stride-1 dInput and dFilter) on or off, optionally with
 * chunk sizes for benchmarking; returns the previous on/off setting.
 */
export function setWinograd(enabled: boolean, chunkTiles = 0, gradChunkTiles = 0): boolean {
  const previous = winograd;
  winograd = enabled;
  winogradChunk = chunkTiles;
  winogradGradChunk = gradChunkTiles;
  return previous;
}

/** Tiles per chunk for the Winograd filter gradient, or 0 when the Winograd route is off. */
export function winogradGradTiles(): number {
  // 24 tiles per chunk measured best (8-256 tried): V and dM of a chunk stay in L1.
  return winograd ? winogradGradChunk || 24 : 0;
}

/**
 * Writes conv(x, filter) (+ bias, activation) into `out` [N, OH, OW, CO] natively. `filter` and
 * `bias` are heap byte offsets of float32 data in tfjs layouts ([KH, KW, C, CO] and [CO]).
 */
export function nativeConv2d(
  backend: WasmBackend,
  x: TensorInfo,
  filter: number,
  bias: number,
  out: TensorInfo,
  info: backend_util.Conv2DInfo,
  activation = 0,
  alpha = 0,
): void {
  const { batchSize: N, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW, outChannels: CO } = info;
  const { filterHeight: KH, filterWidth: KW, strideHeight: SH, strideWidth: SW } = info;
  if (N * OH * OW * CO === 0) return;
  const nat = native(backend);
  const padFloats = ((OH - 1) * SH + KH) * ((OW - 1) * SW + KW) * C;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  if (winograd && KH === 3 && KW === 3 && SH === 1 && SW === 1 && C % 4 === 0 && CO % 4 === 0) {
    // Winograd F(2x2, 3x3): scratch [U (16 x C x CO) | padded image | V and M of one chunk].
    const TH = Math.ceil(OH / 2);
    const TW = Math.ceil(OW / 2);
    // 8 tiles per chunk measured best from 16 to 128 channels (4-64 tried; see README.md).
    const T = winogradChunk > 0 ? winogradChunk : 8;
    const floatsU = 16 * C * CO;
    const scratch = nat.scratch(floatsU + (2 * TH + 2) * (2 * TW + 2) * C + 16 * T * (C + CO));
    nat.fn.winograd_filter(filter, scratch, C, CO);
    nat.fn.conv2d_winograd(nat.ptr(x), scratch, bias, nat.ptr(out), scratch + 4 * floatsU, N, H, W, C, OH, OW, CO, top, left, activation, alpha, T);
    return;
  }
  if (CO % 4 === 0) {
    const scratch = nat.scratch(padFloats);
    nat.fn.conv2d_forward(nat.ptr(x), filter, bias, nat.ptr(out), scratch, N, H, W, C, OH, OW, CO, KH, KW, SH, SW, top, left, activation, alpha);
    return;
  }
  // Channel-padded copies: [filter (rows x CO4) | bias (CO4) | output (pixels x CO4) | padded image].
  const CO4 = Math.ceil(CO / 4) * 4;
  const rows = KH * KW * C;
  const pixels = N * OH * OW;
  const scratch = nat.scratch(rows * CO4 + CO4 + pixels * CO4 + padFloats);
  const f4 = scratch;
  const b4 = f4 + rows * CO4 * 4;
  const y4 = b4 + CO4 * 4;
  nat.fn.copy_rows_f32(filter, CO, f4, CO4, rows, CO, 1);
  if (bias !== 0) nat.fn.copy_rows_f32(bias, CO, b4, CO4, 1, CO, 1);
  nat.fn.conv2d_forward(nat.ptr(x), f4, bias !== 0 ? b4 : 0, y4, y4 + pixels * CO4 * 4, N, H, W, C, OH, OW, CO4, KH, KW, SH, SW, top, left, activation, alpha);
  nat.fn.copy_rows_f32(y4, CO4, nat.ptr(out), CO, pixels, CO, 0);
}

function makeConv(fused: boolean, fallback: KernelFunc | undefined): (args: Args) => TensorInfo {
  return (args) => {
    const { inputs, backend, attrs } = args;
    const { x, filter, bias, preluActivationWeights } = inputs;
    const activation = fused ? (attrs.activation ?? 'linear') : 'linear';
    const info = backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      filter.shape as [number, number, number, number],
      attrs.strides,
      attrs.dilations,
      attrs.pad,
      attrs.dimRoundingMode,
      false,
      backend_util.convertConv2DDataFormat(attrs.dataFormat),
    );
    const CO = info.outChannels;
    const direct =
      info.dataFormat === 'channelsLast' &&
      info.dilationHeight === 1 &&
      info.dilationWidth === 1 &&
      x.dtype === 'float32' &&
      filter.dtype === 'float32' &&
      (activation in ACTIVATIONS || activation in POST) &&
      (activation !== 'prelu' || (preluActivationWeights != null && preluActivationWeights.dtype === 'float32' && [1, CO].includes(size(preluActivationWeights)))) &&
      (bias == null || (bias.dtype === 'float32' && size(bias) === CO));
    if (!direct) {
      if (fallback === undefined) throw new Error(`${fused ? FusedConv2D : Conv2D} on wasm has no route for this input and no stock kernel.`);
      return fallback(args as never) as TensorInfo;
    }
    const nat = native(backend);
    const out = backend.makeOutput(info.outShape, 'float32');
    nativeConv2d(backend, x, nat.ptr(filter), bias == null ? 0 : nat.ptr(bias), out, info, ACTIVATIONS[activation] ?? 0, attrs.leakyreluAlpha ?? 0.2);
    const post = POST[activation];
    if (post !== undefined) {
      const y = heapView(backend, out);
      const alphas = preluActivationWeights != null ? heapView(backend, preluActivationWeights) : Float32Array.of(0);
      for (let i = 0; i < y.length; i++) y[i] = post(y[i] as number, alphas[alphas.length === 1 ? 0 : i % CO] as number);
    }
    return out;
  };
}

function config(name: string, fused: boolean) {
  return (stock: KernelConfig | undefined): KernelConfig => ({
    kernelName: name,
    backendName: 'wasm',
    kernelFunc: makeConv(fused, stock?.kernelFunc) as unknown as KernelFunc,
    ...(stock?.setupFunc ? { setupFunc: stock.setupFunc } : {}),
  });
}

/** Native Conv2D (stock kernel for NCHW, dilation > 1, non-float32). */
export const conv2dConfig = config(Conv2D, false);
/** Native FusedConv2D for linear/relu/relu6/leakyrelu with a per-channel bias (stock otherwise). */
export const fusedConv2dConfig = config(FusedConv2D, true);

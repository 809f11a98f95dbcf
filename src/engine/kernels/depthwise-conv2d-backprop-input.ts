/**
 * DepthwiseConv2dNativeBackpropInput for the wasm backend.
 *
 * Why: stock tfjs-backend-wasm 4.22 has no kernel for it, so a depthwise conv layer that is not
 * the first layer cannot be trained on wasm at all.
 *
 * Approach: with M the depth multiplier, filter [KH, KW, C, M] and dy [N, OH, OW, C·M],
 *   dx[n, ih, iw, c] = Σ_{kh,kw,m : ih = oh·SH + kh − top, iw = ow·SW + kw − left} dy[n, oh, ow, c·M + m] · W[kh, kw, c, m]
 * computed as a gather: every dx pixel is written once, from the (tap, output position) pairs
 * that reach it. Those pairs depend only on the row (and separately the column), so they are
 * listed once per call; strides, padding and rounding modes need no special cases. Innermost
 * loops run over channels (contiguous in NHWC). Sums are float64, rounded once, in a fixed
 * order, so results are deterministic. Dilation must be 1 (tfjs's gradient rejects dilation > 1).
 */
import {
  DepthwiseConv2dNativeBackpropInput,
  type DepthwiseConv2dNativeBackpropInputAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs';
import { depthwiseInfo } from './depthwise-info.ts';
import { heapView, type WasmBackend } from './wasm-backend.ts';

let accumulator = new Float64Array(0);

/**
 * For each input coordinate i in [0, size): the (tap k, output o) pairs with o·stride + k − pad = i
 * and 0 <= o < outSize, flattened as [k0, o0, k1, o1, ...] between starts[i] and starts[i + 1].
 */
function reachingPairs(size: number, outSize: number, taps: number, stride: number, pad: number): { starts: Int32Array; pairs: Int32Array } {
  const starts = new Int32Array(size + 1);
  const list: number[] = [];
  for (let i = 0; i < size; i++) {
    starts[i] = list.length;
    for (let k = 0; k < taps; k++) {
      const t = i + pad - k;
      if (t < 0 || t % stride !== 0) continue;
      const o = t / stride;
      if (o < outSize) list.push(k, o);
    }
  }
  starts[size] = list.length;
  return { starts, pairs: Int32Array.from(list) };
}

/** Kernel function: dx [N, H, W, C] for dy [N, OH, OW, C·M] and filter [KH, KW, C, M] (NHWC). */
export function depthwiseConv2dBackpropInputWasm(args: {
  inputs: { dy: TensorInfo; filter: TensorInfo };
  backend: WasmBackend;
  attrs: DepthwiseConv2dNativeBackpropInputAttrs;
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { dy, filter } = inputs;
  const info = depthwiseInfo('DepthwiseConv2dNativeBackpropInput', attrs.inputShape, filter.shape, attrs);
  const { batchSize: N, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = info;
  const { filterHeight: KH, filterWidth: KW, strideHeight: SH, strideWidth: SW } = info;
  const M = info.outChannels / C;
  if (dy.shape.join() !== info.outShape.join()) {
    throw new Error(
      `DepthwiseConv2dNativeBackpropInput received dy of shape [${dy.shape}] but the depthwise convolution of an ` +
        `input [${attrs.inputShape}] with filter [${filter.shape}] produces [${info.outShape}].`,
    );
  }
  const rows = reachingPairs(H, OH, KH, SH, info.padInfo.top);
  const cols = reachingPairs(W, OW, KW, SW, info.padInfo.left);
  const out = backend.makeOutput([N, H, W, C], 'float32');
  const dyv = heapView(backend, dy);
  const wv = heapView(backend, filter);
  const dx = heapView(backend, out);
  const CM = C * M;
  if (accumulator.length < C) accumulator = new Float64Array(C);
  const acc = accumulator;
  for (let n = 0; n < N; n++) {
    for (let ih = 0; ih < H; ih++) {
      const r0 = rows.starts[ih] as number;
      const r1 = rows.starts[ih + 1] as number;
      for (let iw = 0; iw < W; iw++) {
        const c0 = cols.starts[iw] as number;
        const c1 = cols.starts[iw + 1] as number;
        acc.fill(0, 0, C);
        for (let r = r0; r < r1; r += 2) {
          const kh = rows.pairs[r] as number;
          const oh = rows.pairs[r + 1] as number;
          for (let q = c0; q < c1; q += 2) {
            const kw = cols.pairs[q] as number;
            const ow = cols.pairs[q + 1] as number;
            const dyo = ((n * OH + oh) * OW + ow) * CM;
            const wo = (kh * KW + kw) * CM;
            if (M === 1) {
              for (let c = 0; c < C; c++) acc[c] = (acc[c] as number) + (dyv[dyo + c] as number) * (wv[wo + c] as number);
            } else {
              for (let c = 0, j = 0; c < C; c++) {
                let s = 0;
                for (let m = 0; m < M; m++, j++) s += (dyv[dyo + j] as number) * (wv[wo + j] as number);
                acc[c] = (acc[c] as number) + s;
              }
            }
          }
        }
        const o = ((n * H + ih) * W + iw) * C;
        for (let c = 0; c < C; c++) dx[o + c] = acc[c] as number;
      }
    }
  }
  return out;
}

/** Registration record for DepthwiseConv2dNativeBackpropInput on 'wasm' (stock has none). */
export const depthwiseConv2dBackpropInputConfig: KernelConfig = {
  kernelName: DepthwiseConv2dNativeBackpropInput,
  backendName: 'wasm',
  kernelFunc: depthwiseConv2dBackpropInputWasm as unknown as KernelFunc,
};

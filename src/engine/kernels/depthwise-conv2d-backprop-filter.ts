/**
 * DepthwiseConv2dNativeBackpropFilter for the wasm backend.
 *
 * Why: stock tfjs-backend-wasm 4.22 has no kernel for it, so a depthwise conv layer cannot be
 * trained on wasm at all.
 *
 * Approach: with M the depth multiplier, filter [KH, KW, C, M] and dy [N, OH, OW, C·M],
 *   dW[kh, kw, c, m] = Σ_{n,oh,ow} x[n, oh·SH + kh − top, ow·SW + kw − left, c] · dy[n, oh, ow, c·M + m]
 * For each tap we walk only the output positions whose input pixel is inside the image (no
 * padding tests in the inner loop), and the innermost loops run over channels, contiguous in
 * both x and dy (NHWC). Sums are kept in float64 and rounded once, like the cpu backend, in a
 * fixed order, so the result is deterministic. Dilation must be 1: tfjs's depthwise gradient
 * rejects dilation > 1 before it calls this kernel.
 */
import {
  DepthwiseConv2dNativeBackpropFilter,
  type DepthwiseConv2dNativeBackpropFilterAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs';
import { depthwiseInfo } from './depthwise-info.ts';
import { heapView, type WasmBackend } from './wasm-backend.ts';

let accumulator = new Float64Array(0);

/** Kernel function: dW [KH, KW, C, M] for x [N, H, W, C] and dy [N, OH, OW, C·M] (NHWC). */
export function depthwiseConv2dBackpropFilterWasm(args: {
  inputs: { x: TensorInfo; dy: TensorInfo };
  backend: WasmBackend;
  attrs: DepthwiseConv2dNativeBackpropFilterAttrs;
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { x, dy } = inputs;
  const info = depthwiseInfo('DepthwiseConv2dNativeBackpropFilter', x.shape, attrs.filterShape, attrs);
  const { batchSize: N, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = info;
  const { filterHeight: KH, filterWidth: KW, strideHeight: SH, strideWidth: SW } = info;
  const M = info.outChannels / C;
  if (dy.shape.join() !== info.outShape.join()) {
    throw new Error(
      `DepthwiseConv2dNativeBackpropFilter received dy of shape [${dy.shape}] but the depthwise convolution of ` +
        `x [${x.shape}] with filter [${attrs.filterShape}] produces [${info.outShape}].`,
    );
  }
  const out = backend.makeOutput([...attrs.filterShape], 'float32');
  const xv = heapView(backend, x);
  const dyv = heapView(backend, dy);
  const dw = heapView(backend, out);
  const CM = C * M;
  if (accumulator.length < CM) accumulator = new Float64Array(CM);
  const acc = accumulator;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  for (let kh = 0; kh < KH; kh++) {
    // Output rows whose tap lands inside the image: 0 <= oh·SH + kh − top < H.
    const oh0 = Math.max(0, Math.ceil((top - kh) / SH));
    const oh1 = Math.min(OH, Math.floor((H - 1 + top - kh) / SH) + 1);
    for (let kw = 0; kw < KW; kw++) {
      const ow0 = Math.max(0, Math.ceil((left - kw) / SW));
      const ow1 = Math.min(OW, Math.floor((W - 1 + left - kw) / SW) + 1);
      acc.fill(0, 0, CM);
      for (let n = 0; n < N; n++) {
        for (let oh = oh0; oh < oh1; oh++) {
          const ih = oh * SH + kh - top;
          for (let ow = ow0; ow < ow1; ow++) {
            const xo = ((n * H + ih) * W + ow * SW + kw - left) * C;
            const dyo = ((n * OH + oh) * OW + ow) * CM;
            if (M === 1) {
              for (let c = 0; c < C; c++) acc[c] = (acc[c] as number) + (xv[xo + c] as number) * (dyv[dyo + c] as number);
            } else {
              for (let c = 0, j = 0; c < C; c++) {
                const xc = xv[xo + c] as number;
                for (let m = 0; m < M; m++, j++) acc[j] = (acc[j] as number) + xc * (dyv[dyo + j] as number);
              }
            }
          }
        }
      }
      const tap = (kh * KW + kw) * CM;
      for (let j = 0; j < CM; j++) dw[tap + j] = acc[j] as number;
    }
  }
  return out;
}

/** Registration record for DepthwiseConv2dNativeBackpropFilter on 'wasm' (stock has none). */
export const depthwiseConv2dBackpropFilterConfig: KernelConfig = {
  kernelName: DepthwiseConv2dNativeBackpropFilter,
  backendName: 'wasm',
  kernelFunc: depthwiseConv2dBackpropFilterWasm as unknown as KernelFunc,
};

/**
 * Conv2DBackpropFilter for the wasm backend.
 *
 * Why: stock tfjs-backend-wasm 4.22 has no Conv2DBackpropFilter kernel, so a conv2d layer cannot
 * be trained on wasm at all, and the cpu backend runs it ~100x below wasm's forward conv.
 *
 * Approach: the filter gradient is one matrix product,
 *   dW[(kh,kw,ci), co] = Σ_p  col[(kh,kw,ci), p] · dy[p, co]      p = (n, oh, ow)
 * We write the transposed im2col of x ("col", K' x P) from JS straight into a wasm-heap tensor
 * and hand the product to the wasm BatchMatMul kernel, whose batch-1, untransposed path is
 * XNNPACK's SIMD fully-connected GEMM (every other path is a scalar loop). The reduction
 * dimension P = N·OH·OW is huge (50k for 28x28 at batch 64) and XNNPACK streams it whole for
 * every tile of the output, so we cut P into chunks that keep both operands cache-resident,
 * copy each dy chunk into its own heap tensor (XNNPACK packs and caches weights per tensor id;
 * a fresh tensor keeps that cache honest and is freed with the chunk) and sum the partial
 * products in JS. The result comes out directly in tfjs's [KH, KW, Cin, Cout] filter layout.
 * Measured against alternatives in scripts/bench-kernels.ts; see src/engine/kernels/README.md.
 */
import {
  backend_util,
  BatchMatMul,
  Conv2DBackpropFilter,
  type Conv2DBackpropFilterAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs';
import { freeAll, heapView, runWasmKernel, type WasmBackend } from './wasm-backend.ts';

/**
 * Upper bound on one chunk's operands (col + dy), in floats. Whole batches are fastest (bigger
 * GEMMs; XNNPACK's weight packing is linear anyway), so this only caps heap use for big inputs.
 */
let chunkFloats = 1 << 24;

/** Overrides the chunk size (floats) for benchmarking; returns the previous value. */
export function setBackpropFilterChunkFloats(floats: number): number {
  const previous = chunkFloats;
  chunkFloats = Math.max(1, Math.floor(floats));
  return previous;
}

/**
 * Writes col[r, p] for the output positions p = (n, oh, ow) of images [n0, n0 + images) into
 * `col` (row-major, images·OH·OW columns), where r = (kh·KW + kw)·Cin + ci; taps that fall in
 * the padding are zero. Rows are written contiguously; x is read with stride SW·Cin.
 */
function writeTransposedIm2col(
  x: Float32Array,
  info: backend_util.Conv2DInfo,
  n0: number,
  images: number,
  col: Float32Array,
): void {
  const { inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = info;
  const { filterHeight: KH, filterWidth: KW, strideHeight: SH, strideWidth: SW } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const columns = images * OH * OW;
  const step = SW * C;
  for (let kh = 0; kh < KH; kh++) {
    for (let kw = 0; kw < KW; kw++) {
      const colOffset = kw - left;
      // Output columns whose tap lands inside the image: 0 <= ow·SW + colOffset < W.
      const lo = Math.min(OW, Math.max(0, Math.ceil(-colOffset / SW)));
      const hi = Math.max(lo, Math.min(OW, Math.floor((W - 1 - colOffset) / SW) + 1));
      const tapRow = (kh * KW + kw) * C;
      // Loop order: one input row segment (≤ W·C floats) stays in L1 while its C channels are
      // scattered to C output rows; ci-outermost order re-streams all of x once per channel.
      for (let n = n0; n < n0 + images; n++) {
        for (let oh = 0; oh < OH; oh++) {
          const ih = oh * SH + kh - top;
          const column = ((n - n0) * OH + oh) * OW;
          if (ih < 0 || ih >= H) {
            for (let ci = 0; ci < C; ci++) {
              const dst = (tapRow + ci) * columns + column;
              col.fill(0, dst, dst + OW);
            }
            continue;
          }
          const srcRow = ((n * H + ih) * W + colOffset) * C;
          for (let ci = 0; ci < C; ci++) {
            const dst = (tapRow + ci) * columns + column;
            if (lo > 0) col.fill(0, dst, dst + lo);
            let src = srcRow + lo * step + ci;
            for (let ow = lo; ow < hi; ow++, src += step) col[dst + ow] = x[src] as number;
            if (hi < OW) col.fill(0, dst + hi, dst + OW);
          }
        }
      }
    }
  }
}

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
  const rows = info.filterHeight * info.filterWidth * info.inChannels;
  const cout = info.outChannels;
  const total = info.batchSize * info.outHeight * info.outWidth;
  const out = backend.makeOutput([...filterShape], 'float32');
  if (total === 0) {
    heapView(backend, out).fill(0);
    return out;
  }
  const perImage = info.outHeight * info.outWidth;
  const imagesPerChunk = Math.max(1, Math.min(info.batchSize, Math.floor(chunkFloats / ((rows + cout) * perImage))));
  const acc = new Float32Array(rows * cout);
  for (let n0 = 0; n0 < info.batchSize; n0 += imagesPerChunk) {
    const images = Math.min(imagesPerChunk, info.batchSize - n0);
    const count = images * perImage;
    const col = backend.makeOutput([1, rows, count], 'float32');
    const dyChunk = backend.makeOutput([1, count, cout], 'float32');
    // Views are taken after both allocations: a heap growth would detach earlier ones.
    writeTransposedIm2col(heapView(backend, x), info, n0, images, heapView(backend, col));
    const p0 = n0 * perImage;
    heapView(backend, dyChunk).set(heapView(backend, dy).subarray(p0 * cout, (p0 + count) * cout));
    const partial = runWasmKernel(BatchMatMul, backend, { a: col, b: dyChunk }, { transposeA: false, transposeB: false });
    const values = heapView(backend, partial);
    if (n0 === 0) acc.set(values);
    else for (let i = 0; i < acc.length; i++) acc[i] = (acc[i] as number) + (values[i] as number);
    freeAll(backend, [col, dyChunk, partial]);
  }
  heapView(backend, out).set(acc);
  return out;
}

/** Registration record for Conv2DBackpropFilter on 'wasm'. */
export const conv2dBackpropFilterConfig: KernelConfig = {
  kernelName: Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: conv2dBackpropFilterWasm as unknown as KernelFunc,
};

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

/** Target size of one chunk's operands (col chunk + dy chunk), in floats; tuned on 2-core x86. */
let chunkFloats = 1 << 16;

/** Overrides the chunk size (floats) for benchmarking; returns the previous value. */
export function setBackpropFilterChunkFloats(floats: number): number {
  const previous = chunkFloats;
  chunkFloats = Math.max(1, Math.floor(floats));
  return previous;
}

/** Columns of P per chunk for a K' x Cout product: a multiple of 8, at least 64, at most P. */
function chunkColumns(rows: number, outChannels: number, total: number): number {
  const columns = Math.floor(chunkFloats / (rows + outChannels));
  return Math.min(total, Math.max(64, columns - (columns % 8)));
}

/**
 * Writes col[r, j] for output positions p = p0 + j (j < count) into `col` (row-major, `count`
 * columns), where r = (kh·KW + kw)·Cin + ci and out-of-image taps are zero.
 */
function writeTransposedIm2col(
  x: Float32Array,
  info: backend_util.Conv2DInfo,
  p0: number,
  count: number,
  col: Float32Array,
): void {
  const { inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = info;
  const { filterHeight: KH, filterWidth: KW, strideHeight: SH, strideWidth: SW } = info;
  const { dilationHeight: DH, dilationWidth: DW } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const end = p0 + count;
  for (let kh = 0; kh < KH; kh++) {
    for (let kw = 0; kw < KW; kw++) {
      const colOffset = kw * DW - left;
      // Output columns whose tap lands inside the image: 0 <= ow·SW + colOffset < W.
      const owLo = Math.max(0, Math.ceil(-colOffset / SW));
      const owHi = Math.min(OW, Math.floor((W - 1 - colOffset) / SW) + 1);
      for (let ci = 0; ci < C; ci++) {
        const rowBase = ((kh * KW + kw) * C + ci) * count - p0;
        let p = p0;
        while (p < end) {
          const n = Math.floor(p / (OH * OW));
          const oh = Math.floor(p / OW) % OH;
          const ow0 = p % OW;
          const segEnd = Math.min(end, p + (OW - ow0));
          const ih = oh * SH + kh * DH - top;
          if (ih < 0 || ih >= H) {
            col.fill(0, rowBase + p, rowBase + segEnd);
          } else {
            // Within this output row: ow in [ow0, ow1) lands at col[rowBase + rowP + ow].
            const ow1 = ow0 + (segEnd - p);
            const rowP = rowBase + p - ow0;
            const lo = Math.min(ow1, Math.max(ow0, owLo));
            const hi = Math.max(lo, Math.min(ow1, owHi));
            const src = ((n * H + ih) * W + colOffset) * C + ci;
            const step = SW * C;
            if (lo > ow0) col.fill(0, rowP + ow0, rowP + lo);
            for (let ow = lo; ow < hi; ow++) col[rowP + ow] = x[src + ow * step] as number;
            if (hi < ow1) col.fill(0, rowP + hi, rowP + ow1);
          }
          p = segEnd;
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
  const columns = chunkColumns(rows, cout, total);
  const acc = new Float32Array(rows * cout);
  for (let p0 = 0; p0 < total; p0 += columns) {
    const count = Math.min(columns, total - p0);
    const col = backend.makeOutput([1, rows, count], 'float32');
    const dyChunk = backend.makeOutput([1, count, cout], 'float32');
    // Views are taken after both allocations: a heap growth would detach earlier ones.
    writeTransposedIm2col(heapView(backend, x), info, p0, count, heapView(backend, col));
    heapView(backend, dyChunk).set(heapView(backend, dy).subarray(p0 * cout, (p0 + count) * cout));
    const partial = runWasmKernel(BatchMatMul, backend, { a: col, b: dyChunk }, { transposeA: false, transposeB: false });
    const values = heapView(backend, partial);
    if (p0 === 0) acc.set(values);
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

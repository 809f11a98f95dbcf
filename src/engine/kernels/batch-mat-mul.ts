/**
 * BatchMatMul for the wasm backend.
 *
 * Why: stock tfjs-backend-wasm 4.22 reaches XNNPACK's SIMD GEMM only for a batch of one matrix
 * with no transposes; every other case (transposeA/B, batch > 1) is a blocked scalar loop,
 * 10-15x slower. Training a dense layer needs exactly those cases: tfjs's matMul gradient is
 * dx = dy·Wᵀ (transposeB) and dW = xᵀ·dy (transposeA).
 *
 * Approach: every product becomes one or more batch-1, untransposed calls of the stock kernel.
 * XNNPACK packs its right operand ("weights") on every call for a new tensor id, so that
 * operand costs a copy plus a pack. For each call we pick the cheaper of
 *   C = op(A)·op(B)            (right operand op(B), materialised untransposed), or
 *   Cᵀ = op(B)ᵀ·op(A)ᵀ, then transpose C back   (right operand op(A)ᵀ)
 * by counting floats copied, packed and transposed (e.g. dy·Wᵀ runs as (W·dyᵀ)ᵀ: W is used in
 * place and only the small dyᵀ is packed). The right operand is always a fresh heap tensor:
 * XNNPACK caches operators by tensor id alone (not shape), so handing it a caller's tensor could
 * collide with another view of the same data; we free it, and its cached operator, right after.
 * A left operand that is already in the required layout is passed as is. Batches (equal batch
 * sizes, or one side 1) run one matrix at a time. Other dtypes, broadcast patterns and tiny
 * products go to the stock kernel.
 */
import {
  BatchMatMul,
  broadcast_util,
  type BatchMatMulAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs';
import { freeAll, heapView, type WasmBackend } from './wasm-backend.ts';

type Args = { inputs: { a: TensorInfo; b: TensorInfo }; backend: WasmBackend; attrs: BatchMatMulAttrs };

/** Products below this many multiply-adds stay on the stock kernel (allocation overhead). */
const MIN_WORK = 1 << 15;

/** dst[c·rows + r] = src[r·cols + c] for a rows x cols matrix at src[from..], written to dst[to..]. */
export function transposeInto(src: Float32Array, from: number, rows: number, cols: number, dst: Float32Array, to: number): void {
  const B = 32;
  for (let r0 = 0; r0 < rows; r0 += B) {
    const r1 = Math.min(rows, r0 + B);
    for (let c0 = 0; c0 < cols; c0 += B) {
      const c1 = Math.min(cols, c0 + B);
      for (let r = r0; r < r1; r++) {
        const s = from + r * cols;
        for (let c = c0; c < c1; c++) dst[to + c * rows + r] = src[s + c] as number;
      }
    }
  }
}

/** Builds the kernel function; `stock` is the stock kernel (XNNPACK's batch-1 GEMM and the fallback). */
export function makeBatchMatMulWasm(stock: KernelFunc): (args: Args) => TensorInfo {
  return (args) => {
    const { inputs, backend, attrs } = args;
    const { a, b } = inputs;
    const tA = Boolean(attrs.transposeA);
    const tB = Boolean(attrs.transposeB);
    const ra = a.shape.length;
    const rb = b.shape.length;
    if (a.dtype !== 'float32' || b.dtype !== 'float32' || ra < 2 || rb < 2) return stock(args as never) as TensorInfo;
    const M = (tA ? a.shape[ra - 1] : a.shape[ra - 2]) as number;
    const K = (tA ? a.shape[ra - 2] : a.shape[ra - 1]) as number;
    const Kb = (tB ? b.shape[rb - 1] : b.shape[rb - 2]) as number;
    const N = (tB ? b.shape[rb - 2] : b.shape[rb - 1]) as number;
    const outerA = a.shape.slice(0, -2);
    const outerB = b.shape.slice(0, -2);
    const batchA = outerA.reduce((x, y) => x * y, 1);
    const batchB = outerB.reduce((x, y) => x * y, 1);
    const batch = Math.max(batchA, batchB);
    if (K !== Kb || (batchA !== batchB && batchA !== 1 && batchB !== 1) || M * N * K * batch < MIN_WORK) {
      return stock(args as never) as TensorInfo;
    }
    const outer = broadcast_util.assertAndGetBroadcastShape(outerA, outerB);
    if (outer.reduce((x, y) => x * y, 1) !== batch) return stock(args as never) as TensorInfo;
    if (batch === 1 && !tA && !tB) return stock(args as never) as TensorInfo; // already XNNPACK
    const single = batch === 1;
    // Floats moved per matrix: copies/transposes of operands, XNNPACK's pack of the right operand, output transpose.
    const sizeA = M * K;
    const sizeB = K * N;
    const direct = (tA || !single ? sizeA : 0) + 2 * sizeB;
    const swapped = (!tB || !single ? sizeB : 0) + 2 * sizeA + M * N;
    const swap = swapped < direct;
    const out = backend.makeOutput([...outer, M, N], 'float32');
    for (let i = 0; i < batch; i++) {
      const ia = batchA === 1 ? 0 : i;
      const ib = batchB === 1 ? 0 : i;
      const temps: TensorInfo[] = [];
      let left: TensorInfo;
      let right: TensorInfo;
      if (!swap) {
        // left = op(A)_i [M,K], right = op(B)_i [K,N]
        left = !tA && single ? a : backend.makeOutput([1, M, K], 'float32');
        right = backend.makeOutput([1, K, N], 'float32');
        if (left !== a) temps.push(left);
        temps.push(right);
        const av = heapView(backend, a);
        const bv = heapView(backend, b);
        if (left !== a) {
          const lv = heapView(backend, left);
          if (tA) transposeInto(av, ia * sizeA, K, M, lv, 0);
          else lv.set(av.subarray(ia * sizeA, (ia + 1) * sizeA));
        }
        const rv = heapView(backend, right);
        if (tB) transposeInto(bv, ib * sizeB, N, K, rv, 0);
        else rv.set(bv.subarray(ib * sizeB, (ib + 1) * sizeB));
      } else {
        // left = op(B)_iᵀ [N,K], right = op(A)_iᵀ [K,M]
        left = tB && single ? b : backend.makeOutput([1, N, K], 'float32');
        right = backend.makeOutput([1, K, M], 'float32');
        if (left !== b) temps.push(left);
        temps.push(right);
        const av = heapView(backend, a);
        const bv = heapView(backend, b);
        if (left !== b) {
          const lv = heapView(backend, left);
          if (tB) lv.set(bv.subarray(ib * sizeB, (ib + 1) * sizeB));
          else transposeInto(bv, ib * sizeB, K, N, lv, 0);
        }
        const rv = heapView(backend, right);
        if (tA) rv.set(av.subarray(ia * sizeA, (ia + 1) * sizeA));
        else transposeInto(av, ia * sizeA, M, K, rv, 0);
      }
      const product = stock({ inputs: { a: left, b: right }, backend: backend as never, attrs: { transposeA: false, transposeB: false } }) as TensorInfo;
      temps.push(product);
      const pv = heapView(backend, product);
      const ov = heapView(backend, out);
      if (swap) transposeInto(pv, 0, N, M, ov, i * M * N);
      else ov.set(pv, i * M * N);
      freeAll(backend, temps);
    }
    return out;
  };
}

/** Registration record for BatchMatMul on 'wasm', built on the stock kernel. */
export function batchMatMulConfig(stock: KernelConfig | undefined): KernelConfig {
  if (stock === undefined) {
    throw new Error(`The wasm BatchMatMul kernel is not registered; import '@tensorflow/tfjs-backend-wasm' and set the wasm backend first.`);
  }
  return {
    kernelName: BatchMatMul,
    backendName: 'wasm',
    kernelFunc: makeBatchMatMulWasm(stock.kernelFunc) as unknown as KernelFunc,
    ...(stock.setupFunc ? { setupFunc: stock.setupFunc } : {}),
  };
}

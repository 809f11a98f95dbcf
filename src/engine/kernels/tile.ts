/**
 * Tile for the wasm backend.
 *
 * Why: stock tfjs-backend-wasm 4.22 tiles element by element with full index arithmetic
 * (~60 ms to broadcast a [1,1,1,16] per-channel vector to 64x28x28x16). Batch-norm training
 * hits exactly that: tfjs-core's FusedBatchNorm gradient tiles 1/sqrt(var+eps) to the input
 * shape, and broadcastTo (used by our batch-norm gradient) is a Tile as well.
 *
 * Approach: straight on the wasm heap, with block copies. Each input row (the last axis) is
 * written once, repeated along the last axis; then, from the innermost axis outwards, every
 * finished block is replicated with `copyWithin` doubling (log2(reps) memmoves per block).
 * Handles any rank and dtype the heap stores (float32, int32, bool); strings and complex
 * numbers fall back to the stock kernel.
 */
import { Tile, type KernelConfig, type KernelFunc, type TensorInfo, type TileAttrs } from '@tensorflow/tfjs';
import { heapView, type WasmBackend } from './wasm-backend.ts';

type Args = { inputs: { x: TensorInfo }; backend: WasmBackend; attrs: TileAttrs };
type Heap = Float32Array | Int32Array | Uint8Array;

/** Copies out[start, start+len) to the next (times-1) blocks of the same length, by doubling. */
function replicate(out: Heap, start: number, len: number, times: number): void {
  let filled = len;
  const total = len * times;
  while (filled < total) {
    const n = Math.min(filled, total - filled);
    out.copyWithin(start + filled, start, start + n);
    filled += n;
  }
}

/** Tiles `x` (shape `shape`) by `reps` into `out` (both heap views of the same dtype). */
export function tileInto(x: Heap, shape: readonly number[], reps: readonly number[], out: Heap): void {
  const rank = shape.length;
  if (rank === 0) {
    out[0] = x[0] as number;
    return;
  }
  const outShape = shape.map((d, i) => d * (reps[i] as number));
  // outStride[i] = number of elements of out per step along axis i.
  const outStride = new Array<number>(rank).fill(1);
  for (let i = rank - 2; i >= 0; i--) outStride[i] = (outStride[i + 1] as number) * (outShape[i + 1] as number);
  const row = shape[rank - 1] as number;
  const rows = x.length / Math.max(1, row);
  // 1. Each input row → its place in out (input indices, zero rep offsets), repeated along the last axis.
  for (let r = 0; r < rows; r++) {
    let rest = r;
    let dst = 0;
    for (let i = rank - 2; i >= 0; i--) {
      const d = shape[i] as number;
      dst += (rest % d) * (outStride[i] as number);
      rest = Math.floor(rest / d);
    }
    out.set(x.subarray(r * row, (r + 1) * row), dst);
    replicate(out, dst, row, reps[rank - 1] as number);
  }
  // 2. For axis a from the inside out: the block out[i0..i(a-1), 0:shape[a], ...] is complete; repeat it reps[a] times.
  for (let a = rank - 2; a >= 0; a--) {
    const times = reps[a] as number;
    if (times === 1) continue;
    const blockLen = (shape[a] as number) * (outStride[a] as number);
    let outer = 1;
    for (let i = 0; i < a; i++) outer *= shape[i] as number;
    for (let o = 0; o < outer; o++) {
      let rest = o;
      let start = 0;
      for (let i = a - 1; i >= 0; i--) {
        const d = shape[i] as number;
        start += (rest % d) * (outStride[i] as number);
        rest = Math.floor(rest / d);
      }
      replicate(out, start, blockLen, times);
    }
  }
}

/** Builds the kernel function; `fallback` is the stock kernel. */
export function makeTileWasm(fallback: KernelFunc | undefined): (args: Args) => TensorInfo {
  return (args) => {
    const { inputs, backend, attrs } = args;
    const { x } = inputs;
    const reps = attrs.reps;
    const supported = x.dtype === 'float32' || x.dtype === 'int32' || x.dtype === 'bool';
    if (!supported || reps.length !== x.shape.length) {
      if (fallback === undefined) throw new Error(`Tile on wasm has no route for dtype ${x.dtype} and no stock kernel.`);
      return fallback(args as never) as TensorInfo;
    }
    const outShape = x.shape.map((d, i) => d * (reps[i] as number));
    const out = backend.makeOutput(outShape, x.dtype as 'float32');
    if (outShape.some((d) => d === 0)) return out;
    tileInto(heapView(backend, x) as Heap, x.shape, reps, heapView(backend, out) as Heap);
    return out;
  };
}

/** Registration record for Tile on 'wasm', falling back to `stock`. */
export function tileConfig(stock: KernelConfig | undefined): KernelConfig {
  return {
    kernelName: Tile,
    backendName: 'wasm',
    kernelFunc: makeTileWasm(stock?.kernelFunc) as unknown as KernelFunc,
    ...(stock?.setupFunc ? { setupFunc: stock.setupFunc } : {}),
  };
}

/**
 * The slice of tfjs-backend-wasm's backend object that our kernels rely on, and small helpers
 * to allocate, view and free tensors that live on the wasm heap.
 *
 * tfjs-backend-wasm does not export a stable type for its backend, so we name only what we use
 * (the same members its own kernels use: dataIdMap, makeOutput, typedArrayFromHeap, disposeData,
 * incRef, and the Emscripten module `wasm`).
 */
import { getKernel, type DataType, type NamedAttrMap, type NamedTensorInfoMap, type TensorInfo } from '@tensorflow/tfjs';

/** The members of tfjs-backend-wasm's `BackendWasm` used by convlens kernels. */
export interface WasmBackend {
  dataIdMap: { get(dataId: object): { id: number; memoryOffset: number } | undefined };
  makeOutput(shape: number[], dtype: DataType): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array;
  disposeData(dataId: object, force?: boolean): boolean;
  incRef(dataId: object): void;
  /** The Emscripten module: its memory (shared with native/kernels.wasm) and allocator. */
  wasm: { asm: { memory: WebAssembly.Memory }; _malloc(bytes: number): number; _free(ptr: number): void };
}

/**
 * A float32 view of a wasm-heap tensor. Views go stale when the heap grows, so take them after
 * every allocation that precedes their use, never across a `makeOutput` or kernel call.
 */
export function heapView(backend: WasmBackend, info: TensorInfo): Float32Array {
  return backend.typedArrayFromHeap(info);
}

/** Frees wasm-heap tensors created inside a kernel (never the kernel's inputs or output). */
export function freeAll(backend: WasmBackend, infos: readonly TensorInfo[]): void {
  for (const info of infos) backend.disposeData(info.dataId);
}

/** Runs another registered wasm kernel directly (no engine bookkeeping); the caller frees the result. */
export function runWasmKernel(
  name: string,
  backend: WasmBackend,
  inputs: NamedTensorInfoMap,
  attrs: NamedAttrMap,
): TensorInfo {
  const config = getKernel(name, 'wasm');
  if (config === undefined) {
    throw new Error(
      `The wasm kernel "${name}" is not registered, so convlens cannot build its training kernels on it. ` +
        `Import '@tensorflow/tfjs-backend-wasm' and call tf.setBackend('wasm') first.`,
    );
  }
  const out = config.kernelFunc({ inputs, backend: backend as never, attrs });
  if (Array.isArray(out)) throw new Error(`The wasm kernel "${name}" returned several outputs; expected one.`);
  return out as TensorInfo;
}

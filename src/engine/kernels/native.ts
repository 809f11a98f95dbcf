/**
 * convlens's native (C → wasm SIMD) kernels, linked against tfjs-backend-wasm's own memory.
 *
 * Why: plain JS loops over the wasm heap top out far below SIMD code, and the stock wasm kernels
 * we replace are scalar. native/*.c is compiled by native/build.sh into native/kernels.wasm
 * (committed; a unit test rebuilds it and compares bytes). The module imports tfjs's
 * `WebAssembly.Memory`, so its functions take tensors by their heap byte offsets and read and
 * write them in place, with no copies between two memories.
 *
 * Safety: the module must not write into tfjs's heap on its own. It has no data segments
 * (checked here before instantiating: the linker would copy them to fixed addresses in tfjs's
 * heap) and no shadow stack (its stack pointer starts at 0, so any use traps). Everything it
 * writes is reached through pointers we pass: tensors tfjs allocated, or scratch memory we
 * allocate with tfjs's own malloc.
 */
import { readFileSync } from 'node:fs';
import type { TensorInfo } from '@tensorflow/tfjs';
import type { WasmBackend } from './wasm-backend.ts';

/** Exported functions of native/kernels.wasm; pointers are byte offsets into tfjs's heap. */
export interface NativeExports {
  conv2d_backprop_filter(
    x: number, dy: number, dw: number, scratch: number,
    N: number, H: number, W: number, C: number, OH: number, OW: number, CO4: number,
    KH: number, KW: number, SH: number, SW: number, top: number, left: number,
  ): void;
  conv2d_forward(
    x: number, w: number, bias: number, y: number, scratch: number,
    N: number, H: number, W: number, C: number, OH: number, OW: number, CO4: number,
    KH: number, KW: number, SH: number, SW: number, top: number, left: number, act: number, alpha: number,
  ): void;
  max_pool_grad_f32(
    x: number, dy: number, dx: number, acc: number, N: number, H: number, W: number, C: number, OH: number, OW: number,
    FH: number, FW: number, SH: number, SW: number, top: number, left: number,
  ): void;
  conv2d_backprop_input_strided(
    dy: number, wt: number, dx: number, scratch: number, N: number, H: number, W: number, CI4: number, OH: number, OW: number,
    CO: number, KH: number, KW: number, SH: number, SW: number, top: number, left: number, mt: number, ml: number, OHP: number, OWP: number,
  ): void;
  winograd_filter(w: number, U: number, C: number, CO: number): void;
  conv2d_winograd(
    x: number, U: number, bias: number, y: number, scratch: number, N: number, H: number, W: number, C: number,
    OH: number, OW: number, CO: number, top: number, left: number, act: number, alpha: number, T: number,
  ): void;
  conv2d_backprop_filter_winograd(
    x: number, dy: number, dw: number, scratch: number, N: number, H: number, W: number, C: number,
    OH: number, OW: number, CO: number, top: number, left: number, T: number,
  ): void;
  copy_rows_f32(src: number, srcStride: number, dst: number, dstStride: number, rows: number, count: number, pad: number): void;
  avg_pool_grad_f32(
    dy: number, dx: number, acc: number, N: number, H: number, W: number, C: number, OH: number, OW: number,
    FH: number, FW: number, SH: number, SW: number, padTop: number, padLeft: number, mult: number,
  ): void;
  tanh_f32(x: number, out: number, n: number): void;
  selu_f32(x: number, out: number, n: number): void;
  softplus_f32(x: number, out: number, n: number): void;
  exp_f32(x: number, out: number, n: number): void;
  binary_f32(op: number, a: number, b: number, out: number, n: number, period: number, bRepeats: number): void;
  step_f32(x: number, out: number, n: number, alpha: number): void;
  relu_grad_f32(dy: number, x: number, out: number, n: number): void;
  square_grad_f32(dy: number, x: number, out: number, n: number): void;
  selu_grad_f32(dy: number, x: number, out: number, n: number): void;
  sum_leading_f32(x: number, out: number, acc: number, rows: number, inner: number, divisor: number): void;
  batch_norm_f32(x: number, coef: number, y: number, rows: number, C: number): void;
  batch_norm_grad_sums_f32(dy: number, x: number, mean: number, sumDy: number, sumDyXm: number, acc: number, rows: number, C: number): void;
}

/** The native module bound to one wasm backend's memory. */
export interface Native {
  fn: NativeExports;
  /** Heap byte offset of a tensor's data. */
  ptr(info: TensorInfo): number;
  /**
   * Byte offset of a scratch block of at least `floats` float32s, reused by every kernel: valid
   * until the next call. Allocating may grow the heap, so take heap views after calling this.
   */
  scratch(floats: number): number;
}

const SECTION_DATA = 11;

let moduleBytes: Uint8Array | undefined;
let compiled: WebAssembly.Module | undefined;
const bound = new WeakMap<WebAssembly.Memory, Native>();

/** Section ids of a wasm binary, in order (throws on a malformed header). */
export function wasmSectionIds(bytes: Uint8Array): number[] {
  if (bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d) throw new Error('not a wasm binary');
  const ids: number[] = [];
  let i = 8;
  while (i < bytes.length) {
    ids.push(bytes[i++] as number);
    let size = 0;
    let shift = 0;
    let b: number;
    do {
      b = bytes[i++] as number;
      size += (b & 0x7f) * 2 ** shift;
      shift += 7;
    } while (b & 0x80);
    i += size;
  }
  return ids;
}

/** Compiles native/kernels.wasm once, refusing a binary that could write into tfjs's heap by itself. */
function nativeModule(): WebAssembly.Module {
  if (compiled !== undefined) return compiled;
  moduleBytes = readFileSync(new URL('./native/kernels.wasm', import.meta.url));
  const module = new WebAssembly.Module(moduleBytes as Uint8Array<ArrayBuffer>);
  const imports = WebAssembly.Module.imports(module);
  const onlyMemory = imports.length === 1 && imports[0]!.module === 'env' && imports[0]!.name === 'memory' && imports[0]!.kind === 'memory';
  if (!onlyMemory || wasmSectionIds(moduleBytes).includes(SECTION_DATA)) {
    throw new Error(
      'src/engine/kernels/native/kernels.wasm must import only env.memory and have no data segments. ' +
        'Rebuild it with src/engine/kernels/native/build.sh and remove static data from the C sources.',
    );
  }
  compiled = module;
  return module;
}

/** The native kernels bound to `backend`'s memory (instantiated on first use per memory). */
export function native(backend: WasmBackend): Native {
  const memory = backend.wasm.asm.memory;
  const known = bound.get(memory);
  if (known !== undefined) return known;
  if (typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer) {
    throw new Error(
      "convlens's wasm kernels need tfjs-backend-wasm's single-threaded build, but it loaded the multi-threaded one. " +
        "Call tf.wasm.setThreadsCount(1) or leave the WASM_HAS_MULTITHREAD_SUPPORT flag off before tf.setBackend('wasm').",
    );
  }
  const instance = new WebAssembly.Instance(nativeModule(), { env: { memory } });
  const fn = instance.exports as unknown as NativeExports;
  let block = 0;
  let blockBytes = 0;
  const self: Native = {
    fn,
    ptr: (info) => {
      const data = backend.dataIdMap.get(info.dataId);
      if (data === undefined) throw new Error('A tensor passed to a native kernel has no data on the wasm heap.');
      return data.memoryOffset;
    },
    scratch: (floats) => {
      const bytes = Math.max(16, floats * 4);
      if (bytes > blockBytes) {
        if (block !== 0) backend.wasm._free(block);
        blockBytes = Math.max(bytes, blockBytes * 2);
        block = backend.wasm._malloc(blockBytes) >>> 0;
        if (block === 0) throw new Error(`The wasm heap has no room for ${blockBytes} bytes of kernel scratch memory.`);
      }
      return block;
    },
  };
  bound.set(memory, self);
  return self;
}

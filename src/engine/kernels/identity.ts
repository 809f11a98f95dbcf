/**
 * Identity, and Cast to the tensor's own dtype, for the wasm backend without copying.
 *
 * Why: stock tfjs-backend-wasm 4.22 copies the whole tensor for both. Training leans on them
 * more than it looks: the gradient of every Cast (tf.moments casts its input, the relu gradient
 * casts too) is `dy.clone()`, an Identity; a resnet-w16 training step ran ~490 of them
 * (~20 ms per step).
 *
 * Approach: tensors are immutable, so the output can share the input's heap buffer: we raise
 * its reference count and return a new TensorInfo on the same dataId, exactly as the wasm
 * Reshape kernel (and the cpu backend's Identity) do. A cast to bool is computed here as
 * `x != 0` (the stock kernel stores the number modulo 256, so 2.7 → 2 and 256 → 0, unlike every
 * other backend); other real casts and string tensors go to the stock kernel.
 */
import { Cast, Identity, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs';
import { heapView, type WasmBackend } from './wasm-backend.ts';

type Args = { inputs: { x: TensorInfo }; backend: WasmBackend; attrs: { dtype?: string } };

function share(backend: WasmBackend, x: TensorInfo): TensorInfo {
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
}

function makeShared(name: string, fallback: KernelFunc | undefined): (args: Args) => TensorInfo {
  return (args) => {
    const { inputs, backend, attrs } = args;
    const { x } = inputs;
    const sameType = name === Identity || attrs.dtype === x.dtype;
    if (sameType && x.dtype !== 'string' && x.dtype !== 'complex64') return share(backend, x);
    if (name === Cast && attrs.dtype === 'bool' && (x.dtype === 'float32' || x.dtype === 'int32')) {
      const out = backend.makeOutput([...x.shape], 'bool');
      const src = x.dtype === 'float32' ? heapView(backend, x) : (backend.typedArrayFromHeap(x) as unknown as Int32Array);
      const dst = backend.typedArrayFromHeap(out) as unknown as Uint8Array;
      for (let i = 0; i < dst.length; i++) dst[i] = src[i] !== 0 ? 1 : 0;
      return out;
    }
    if (fallback === undefined) throw new Error(`${name} on wasm has no route for ${x.dtype} and no stock kernel.`);
    return fallback(args as never) as TensorInfo;
  };
}

function config(name: string) {
  return (stock: KernelConfig | undefined): KernelConfig => ({
    kernelName: name,
    backendName: 'wasm',
    kernelFunc: makeShared(name, stock?.kernelFunc) as unknown as KernelFunc,
    ...(stock?.setupFunc ? { setupFunc: stock.setupFunc } : {}),
  });
}

/** Identity that shares the input's heap buffer (stock kernel for strings). */
export const identityConfig = config(Identity);
/** Cast that shares the buffer when the dtype does not change (stock kernel for real casts). */
export const castConfig = config(Cast);

/**
 * The ReLU gradient on wasm in one native pass: a kernel, `ConvlensReluGrad`, and a Relu
 * gradient (tfjs's public `registerGradient`, global) that uses it on the wasm backend.
 *
 * Why: tfjs-core 4.22 differentiates relu as dy · cast(step(x)): a Step pass (a scalar loop on
 * stock wasm, ~2 ms per million floats) and a Multiply pass, for every relu of the network.
 *
 * Approach: native/elementwise.c computes dy · s with s = 1 where x > 0, NaN where x is NaN and
 * 0 elsewhere, i.e. exactly dy · step(x), so the values are bit-identical to the stock
 * gradient. On other backends, or for non-float32 tensors, the stock gradient runs.
 */
import * as tf from '@tensorflow/tfjs';
import type { GradConfig, KernelConfig, KernelFunc, NamedAttrMap, Tensor, TensorInfo } from '@tensorflow/tfjs';
import { native } from './native.ts';
import type { WasmBackend } from './wasm-backend.ts';

/** Kernel name of the fused ReLU gradient (wasm only). */
export const RELU_GRAD = 'ConvlensReluGrad';

function reluGradWasm(args: { inputs: { dy: TensorInfo; x: TensorInfo }; backend: WasmBackend }): TensorInfo {
  const { inputs, backend } = args;
  const { dy, x } = inputs;
  const out = backend.makeOutput([...x.shape], 'float32');
  const n = x.shape.reduce((p, q) => p * q, 1);
  if (n > 0) {
    const nat = native(backend);
    nat.fn.relu_grad_f32(nat.ptr(dy), nat.ptr(x), nat.ptr(out), n);
  }
  return out;
}

/** Registration record for ConvlensReluGrad on 'wasm' (inputs dy, x of one shape, float32). */
export const reluGradKernelConfig: KernelConfig = {
  kernelName: RELU_GRAD,
  backendName: 'wasm',
  kernelFunc: reluGradWasm as unknown as KernelFunc,
};

/** Relu's gradient: the fused kernel on wasm, the stock gradient elsewhere. */
export function reluGradConfig(stock: GradConfig | undefined): GradConfig {
  return {
    kernelName: tf.Relu,
    inputsToSave: ['x'],
    gradFunc: (dy: Tensor | Tensor[], saved: Tensor[], attrs: NamedAttrMap) => {
      const g = dy as Tensor;
      const [x] = saved as [Tensor];
      const fused = tf.getBackend() === 'wasm' && g.dtype === 'float32' && x.dtype === 'float32' && tf.util.arraysEqual(g.shape, x.shape);
      if (!fused) {
        if (stock === undefined) throw new Error('Relu: no stock gradient to fall back to.');
        return stock.gradFunc(dy, saved, attrs) as { [input: string]: () => Tensor };
      }
      return { x: () => tf.engine().runKernel(RELU_GRAD, { dy: g, x }, {}) as Tensor };
    },
  };
}

/**
 * The ReLU, Square and Selu gradients on wasm in one native pass each: kernels
 * `ConvlensReluGrad`, `ConvlensSquareGrad` and `ConvlensSeluGrad`, and Relu/Square/Selu
 * gradients (tfjs's public `registerGradient`, global) that use them on the wasm backend.
 *
 * Why: tfjs-core 4.22 differentiates relu as dy · cast(step(x)): a Step pass (a scalar loop on
 * stock wasm, ~2 ms per million floats) and a Multiply pass, for every relu of the network; and
 * square (tf.moments squares x − mean in every batch-norm layer) as dy · (x · 2), two passes;
 * selu through Greater, Exp, three Multiplies and a Select (~12 ms per million floats).
 *
 * Approach: native/elementwise.c computes dy · s with s = 1 where x > 0, NaN where x is NaN and
 * 0 elsewhere, i.e. exactly dy · step(x), and dy · (x · 2) with the same two float32
 * multiplications, so the values are bit-identical to the stock gradients; the selu gradient
 * uses native/activation.c's exp (within 2e-7 of cpu). On other backends, or for non-float32
 * tensors, the stock gradients run.
 */
import * as tf from '@tensorflow/tfjs';
import type { GradConfig, KernelConfig, KernelFunc, NamedAttrMap, Tensor, TensorInfo } from '@tensorflow/tfjs';
import { native } from './native.ts';
import type { WasmBackend } from './wasm-backend.ts';

/** Kernel name of the fused ReLU gradient (wasm only). */
export const RELU_GRAD = 'ConvlensReluGrad';
/** Kernel name of the fused Square gradient (wasm only). */
export const SQUARE_GRAD = 'ConvlensSquareGrad';
/** Kernel name of the fused Selu gradient (wasm only). */
export const SELU_GRAD = 'ConvlensSeluGrad';

function makeGradKernel(name: string, run: 'relu_grad_f32' | 'square_grad_f32' | 'selu_grad_f32'): KernelConfig {
  const kernelFunc = (args: { inputs: { dy: TensorInfo; x: TensorInfo }; backend: WasmBackend }): TensorInfo => {
    const { inputs, backend } = args;
    const { dy, x } = inputs;
    const out = backend.makeOutput([...x.shape], 'float32');
    const n = x.shape.reduce((p, q) => p * q, 1);
    if (n > 0) {
      const nat = native(backend);
      nat.fn[run](nat.ptr(dy), nat.ptr(x), nat.ptr(out), n);
    }
    return out;
  };
  return { kernelName: name, backendName: 'wasm', kernelFunc: kernelFunc as unknown as KernelFunc };
}

/** Registration record for ConvlensReluGrad on 'wasm' (inputs dy, x of one shape, float32). */
export const reluGradKernelConfig: KernelConfig = makeGradKernel(RELU_GRAD, 'relu_grad_f32');
/** Registration record for ConvlensSquareGrad on 'wasm' (inputs dy, x of one shape, float32). */
export const squareGradKernelConfig: KernelConfig = makeGradKernel(SQUARE_GRAD, 'square_grad_f32');
/** Registration record for ConvlensSeluGrad on 'wasm' (inputs dy, x of one shape, float32). */
export const seluGradKernelConfig: KernelConfig = makeGradKernel(SELU_GRAD, 'selu_grad_f32');

function makeGradient(kernelName: string, fusedKernel: string, stock: GradConfig | undefined): GradConfig {
  return {
    kernelName,
    inputsToSave: ['x'],
    gradFunc: (dy: Tensor | Tensor[], saved: Tensor[], attrs: NamedAttrMap) => {
      const g = dy as Tensor;
      const [x] = saved as [Tensor];
      const fused = tf.getBackend() === 'wasm' && g.dtype === 'float32' && x.dtype === 'float32' && tf.util.arraysEqual(g.shape, x.shape);
      if (!fused) {
        if (stock === undefined) throw new Error(`${kernelName}: no stock gradient to fall back to.`);
        return stock.gradFunc(dy, saved, attrs) as { [input: string]: () => Tensor };
      }
      return { x: () => tf.engine().runKernel(fusedKernel, { dy: g, x }, {}) as Tensor };
    },
  };
}

/** Relu's gradient: the fused kernel on wasm, the stock gradient elsewhere. */
export const reluGradConfig = (stock: GradConfig | undefined): GradConfig => makeGradient(tf.Relu, RELU_GRAD, stock);
/** Square's gradient: the fused kernel on wasm, the stock gradient elsewhere. */
export const squareGradConfig = (stock: GradConfig | undefined): GradConfig => makeGradient(tf.Square, SQUARE_GRAD, stock);
/** Selu's gradient: the fused kernel on wasm, the stock gradient elsewhere. */
export const seluGradConfig = (stock: GradConfig | undefined): GradConfig => makeGradient(tf.Selu, SELU_GRAD, stock);

/**
 * convlens's own tfjs kernels for training on the wasm backend.
 *
 * Stock tfjs-backend-wasm 4.22 cannot train a conv2d (no Conv2DBackpropFilter) and its
 * Conv2DBackpropInput is a scalar loop far below its XNNPACK forward conv. The kernels here
 * route both gradients through wasm's XNNPACK fast paths. Register them once the wasm backend
 * is active; see README.md in this folder for the measurements behind each choice.
 */
import { getKernel, registerKernel, unregisterKernel, type KernelConfig } from '@tensorflow/tfjs';
import { conv2dBackpropFilterConfig } from './conv2d-backprop-filter.ts';

/** Our kernels, in registration order. */
const kernels: readonly KernelConfig[] = [conv2dBackpropFilterConfig];

/**
 * Registers convlens's wasm training kernels, replacing stock ones of the same name.
 * Idempotent: calling it again (or after another copy registered them) changes nothing.
 */
export function registerWasmTrainingKernels(): void {
  for (const config of kernels) {
    const current = getKernel(config.kernelName, config.backendName);
    if (current?.kernelFunc === config.kernelFunc) continue;
    if (current !== undefined) unregisterKernel(config.kernelName, config.backendName);
    registerKernel(config);
  }
}

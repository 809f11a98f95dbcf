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
import { conv2dBackpropInputConfig } from './conv2d-backprop-input.ts';

/** Kernel functions we registered, to recognise our own on a repeat call. */
const ours = new WeakSet<object>();

function install(make: (stock: KernelConfig | undefined) => KernelConfig, name: string): void {
  const current = getKernel(name, 'wasm');
  if (current !== undefined && ours.has(current.kernelFunc)) return;
  const config = make(current);
  if (current !== undefined) unregisterKernel(name, 'wasm');
  registerKernel(config);
  ours.add(config.kernelFunc);
}

/**
 * Registers convlens's wasm training kernels, replacing stock ones of the same name (the
 * replacement for Conv2DBackpropInput keeps the stock kernel as its fallback).
 * Idempotent: calling it again changes nothing.
 */
export function registerWasmTrainingKernels(): void {
  install(() => conv2dBackpropFilterConfig, conv2dBackpropFilterConfig.kernelName);
  install(conv2dBackpropInputConfig, 'Conv2DBackpropInput');
}

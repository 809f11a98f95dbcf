/**
 * convlens's own tfjs kernels for training (and inference) on the wasm backend.
 *
 * Stock tfjs-backend-wasm 4.22 cannot train a conv2d (no Conv2DBackpropFilter) or a depthwise
 * conv2d (neither depthwise backprop kernel), its Conv2DBackpropInput is a scalar loop, and many
 * kernels training leans on (batch norm, broadcasting arithmetic, Step, pooling gradients,
 * leading-axis reductions, Tile, transposed BatchMatMul, transcendental activations) are scalar
 * loops too. The replacements here are native SIMD code (native/, linked against tfjs's own
 * memory: see native.ts), JS loops on the wasm heap, or routes through wasm's XNNPACK; some
 * gradients are replaced by cheaper, equivalent ones. Register them once the wasm backend is
 * active; see README.md in this folder for the measurements behind each choice.
 */
import { getGradient, getKernel, registerGradient, registerKernel, unregisterKernel, type GradConfig, type KernelConfig } from '@tensorflow/tfjs';
import { expConfig, seluConfig, softplusConfig, tanhConfig } from './activation.ts';
import { avgPoolGradConfig } from './avg-pool-grad.ts';
import { batchMatMulConfig } from './batch-mat-mul.ts';
import { batchNormConfig } from './batch-norm.ts';
import { batchNormGradSumsConfig, fusedBatchNormGradConfig } from './batch-norm-grad.ts';
import { addConfig, multiplyConfig, realDivConfig, subConfig } from './binary.ts';
import { conv2dBackpropFilterConfig } from './conv2d-backprop-filter.ts';
import { conv2dBackpropInputConfig } from './conv2d-backprop-input.ts';
import { conv2dConfig, fusedConv2dConfig } from './conv2d.ts';
import { depthwiseConv2dBackpropFilterConfig } from './depthwise-conv2d-backprop-filter.ts';
import { depthwiseConv2dBackpropInputConfig } from './depthwise-conv2d-backprop-input.ts';
import { castConfig, identityConfig } from './identity.ts';
import { maxPoolGradConfig } from './max-pool-grad.ts';
import { meanConfig, sumConfig } from './reduce.ts';
import { meanGradConfig, sumGradConfig } from './reduce-grad.ts';
import {
  reluGradConfig,
  reluGradKernelConfig,
  seluGradConfig,
  seluGradKernelConfig,
  squareGradConfig,
  squareGradKernelConfig,
} from './fused-grads.ts';
import { stepConfig } from './step.ts';
import { tileConfig } from './tile.ts';

/** Kernel functions and gradient functions we registered, to recognise our own on a repeat call. */
const ours = new WeakSet<object>();
/** The gradients we replaced, by kernel name (tests compare against them). */
const stockGradients = new Map<string, GradConfig | undefined>();

function install(make: (stock: KernelConfig | undefined) => KernelConfig, name: string): void {
  const current = getKernel(name, 'wasm');
  if (current !== undefined && ours.has(current.kernelFunc)) return;
  const config = make(current);
  if (current !== undefined) unregisterKernel(name, 'wasm');
  registerKernel(config);
  ours.add(config.kernelFunc);
}

function installGradient(make: (stock: GradConfig | undefined) => GradConfig, name: string): void {
  const current = getGradient(name);
  if (current !== undefined && ours.has(current.gradFunc)) return;
  stockGradients.set(name, current);
  const config = make(current);
  registerGradient(config);
  ours.add(config.gradFunc);
}

/** The gradient config tfjs had for `name` before ours replaced it (for tests). */
export function stockGradient(name: string): GradConfig | undefined {
  return stockGradients.get(name);
}

/**
 * Registers convlens's wasm training kernels, replacing stock ones of the same name (each
 * replacement keeps the stock kernel as its fallback for the cases it does not cover), and the
 * closed-form FusedBatchNorm gradient (global to tfjs; same maths as the stock one).
 * Idempotent: calling it again changes nothing.
 */
export function registerWasmTrainingKernels(): void {
  install(() => conv2dBackpropFilterConfig, conv2dBackpropFilterConfig.kernelName);
  install(conv2dBackpropInputConfig, 'Conv2DBackpropInput');
  install(() => depthwiseConv2dBackpropFilterConfig, depthwiseConv2dBackpropFilterConfig.kernelName);
  install(() => depthwiseConv2dBackpropInputConfig, depthwiseConv2dBackpropInputConfig.kernelName);
  install(conv2dConfig, 'Conv2D');
  install(fusedConv2dConfig, 'FusedConv2D');
  install(tileConfig, 'Tile');
  install(batchMatMulConfig, 'BatchMatMul');
  install(maxPoolGradConfig, 'MaxPoolGrad');
  install(avgPoolGradConfig, 'AvgPoolGrad');
  install(sumConfig, 'Sum');
  install(meanConfig, 'Mean');
  install(identityConfig, 'Identity');
  install(castConfig, 'Cast');
  install(addConfig, 'Add');
  install(subConfig, 'Sub');
  install(multiplyConfig, 'Multiply');
  install(realDivConfig, 'RealDiv');
  install(stepConfig, 'Step');
  install(tanhConfig, 'Tanh');
  install(seluConfig, 'Selu');
  install(softplusConfig, 'Softplus');
  install(expConfig, 'Exp');
  install(batchNormConfig, 'FusedBatchNorm');
  install(() => batchNormGradSumsConfig, batchNormGradSumsConfig.kernelName);
  install(() => reluGradKernelConfig, reluGradKernelConfig.kernelName);
  install(() => squareGradKernelConfig, squareGradKernelConfig.kernelName);
  install(() => seluGradKernelConfig, seluGradKernelConfig.kernelName);
  installGradient(fusedBatchNormGradConfig, 'FusedBatchNorm');
  installGradient(reluGradConfig, 'Relu');
  installGradient(squareGradConfig, 'Square');
  installGradient(seluGradConfig, 'Selu');
  installGradient(sumGradConfig, 'Sum');
  installGradient(meanGradConfig, 'Mean');
}

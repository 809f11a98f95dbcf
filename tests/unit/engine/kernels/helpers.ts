/**
 * Shared helpers for the wasm kernel tests: seeded data, backend switching, error measure.
 * The cpu backend is the oracle; data crosses between backends as plain arrays.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { mulberry32 } from '../../../../src/lib/rng.ts';
import { registerWasmTrainingKernels } from '../../../../src/engine/kernels/index.ts';

/** Activates wasm with convlens's kernels registered. */
export async function useWasm(): Promise<void> {
  await tf.setBackend('wasm');
  registerWasmTrainingKernels();
}

/** Activates the cpu backend (the oracle). */
export async function useCpu(): Promise<void> {
  await tf.setBackend('cpu');
}

/** `size` seeded standard-ish values in [-1, 1). */
export function randomValues(random: () => number, size: number): Float32Array {
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = random() * 2 - 1;
  return out;
}

/** Uniform integer in [lo, hi]. */
export function randomInt(random: () => number, lo: number, hi: number): number {
  return lo + Math.floor(random() * (hi - lo + 1));
}

/** One element of `items`, chosen by `random`. */
export function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

/** max |a - b| / max(1, |b|) over all elements; b is the oracle. */
export function maxRelativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} differs from oracle length ${b.length}`);
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const bi = b[i] as number;
    const err = Math.abs((a[i] as number) - bi) / Math.max(1, Math.abs(bi));
    if (!(err <= worst)) worst = err; // NaN propagates as a failure
  }
  return worst;
}

/** Tensors the engine knows about plus heap buffers the wasm backend holds (catches kernel-internal leaks). */
export function liveCounts(): { tensors: number; dataIds: number } {
  return { tensors: tf.memory().numTensors, dataIds: tf.backend().numDataIds() };
}

export { mulberry32, tf };

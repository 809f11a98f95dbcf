/**
 * Choosing the compute backend: native TensorFlow (tfjs-node) → wasm → cpu.
 *
 * tfjs-node is an optionalDependency: on machines where its native binary installs it is by
 * far the fastest; where it does not (no network at install time, unusual platforms) we fall
 * back to wasm with our own training kernels (engine/kernels/), and to the pure-JS cpu
 * backend as a last resort. The backend actually used is recorded in every run manifest,
 * because results are only reproducible on the same backend family.
 */
import * as tf from '@tensorflow/tfjs';
import { createRequire } from 'node:module';
import { UserError } from '../lib/errors.ts';

/** Backend families; the training cache key includes the family. */
export const BACKENDS = ['tensorflow', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKENDS)[number];
/** What `--backend` accepts: a family, or `auto` for the best one that loads. */
export type BackendRequest = BackendName | 'auto';

export interface Engine {
  tf: typeof tf;
  backend: BackendName;
  /** Versions recorded in the run manifest. */
  versions: Record<string, string>;
  /** Why a preferred backend was skipped (shown with --verbose and in the log). */
  notes: string[];
}

const require = createRequire(import.meta.url);

function packageVersion(name: string): string | undefined {
  try {
    return (require(`${name}/package.json`) as { version: string }).version;
  } catch {
    return undefined;
  }
}

async function tryTensorflow(notes: string[]): Promise<boolean> {
  try {
    // The package name is built at run time so bundlers and type checkers do not require it.
    const name = ['@tensorflow', 'tfjs-node'].join('/');
    await import(name);
    return await tf.setBackend('tensorflow');
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND';
    notes.push(missing ? 'native TensorFlow (@tensorflow/tfjs-node) is not installed' : `native TensorFlow did not load: ${firstLine(error)}`);
    return false;
  }
}

async function tryWasm(notes: string[]): Promise<boolean> {
  try {
    await import('@tensorflow/tfjs-backend-wasm');
    const ok = await tf.setBackend('wasm');
    if (ok) {
      const { registerWasmTrainingKernels } = await import('./kernels/index.ts');
      registerWasmTrainingKernels();
    }
    return ok;
  } catch (error) {
    notes.push(`the wasm backend did not start: ${firstLine(error)}`);
    return false;
  }
}

function firstLine(error: unknown): string {
  return String(error instanceof Error ? error.message : error).split('\n')[0] ?? '';
}

/**
 * Initialise tfjs on the requested backend (or the best available for `auto`).
 * An explicitly requested backend that cannot start is a user error, not a silent fallback.
 */
export async function initEngine(request: BackendRequest = 'auto'): Promise<Engine> {
  const notes: string[] = [];
  const order: BackendName[] = request === 'auto' ? [...BACKENDS] : [request];
  let chosen: BackendName | undefined;
  for (const name of order) {
    const ok =
      name === 'tensorflow' ? await tryTensorflow(notes) : name === 'wasm' ? await tryWasm(notes) : await tf.setBackend('cpu');
    if (ok) {
      chosen = name;
      break;
    }
  }
  if (!chosen) {
    throw new UserError(
      `The ${request} backend could not be started (${notes.join('; ')}). ` +
        `Run with --backend auto to use the best backend that loads on this machine.`,
    );
  }
  await tf.ready();
  const versions: Record<string, string> = { tfjs: tf.version.tfjs, node: process.version };
  const extra = chosen === 'wasm' ? 'tfjs-backend-wasm' : chosen === 'tensorflow' ? 'tfjs-node' : 'tfjs-backend-cpu';
  const v = packageVersion(`@tensorflow/${extra}`);
  if (v) versions[extra] = v;
  return { tf, backend: chosen, versions, notes };
}

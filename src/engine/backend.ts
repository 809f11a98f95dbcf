/**
 * Choosing the compute backend: native TensorFlow (tfjs-node-gpu, else tfjs-node) → wasm → cpu.
 *
 * tfjs-node is an optionalDependency: on machines where its native binary installs it is by
 * far the fastest; where it does not (no network at install time, install scripts not approved,
 * unusual platforms) we fall back to wasm with our own training kernels (engine/kernels/), and to
 * the pure-JS cpu backend as a last resort, and the backend line says exactly why native
 * TensorFlow was not used and the command that enables it (backend-messages.ts). The backend actually used is recorded in every run manifest,
 * because results are only reproducible on the same backend family.
 */
import * as tf from '@tensorflow/tfjs';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { UserError } from '../lib/errors.ts';
import { backendUnavailable, nativeNote, tensorflowUnavailable, type NativeUnavailable } from './backend-messages.ts';

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

/** The native TensorFlow packages, in order of preference: the CUDA build when it is installed. */
export const NATIVE_PACKAGES = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'] as const;

/** How native TensorFlow is found and started; injected in tests (tfjs-node is never installed to test this). */
export interface NativeLoader {
  /** The installed package's directory and version, or undefined when it is not installed. */
  locate(name: string): { dir: string; version: string } | undefined;
  /** Whether the package's native binding (`lib/napi-v<N>/tfjs_binding.node`, written by its install script) is there. */
  hasBinary(dir: string): boolean;
  /** Import the package (it registers the `tensorflow` backend) and switch tfjs to it; false if tfjs refuses. */
  load(name: string): Promise<boolean>;
}

/** The real loader: resolves packages from convlens's own location (the project's node_modules when installed). */
export const nodeNativeLoader: NativeLoader = {
  locate(name) {
    try {
      const file = require.resolve(`${name}/package.json`);
      return { dir: dirname(file), version: (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version };
    } catch {
      return undefined;
    }
  },
  hasBinary(dir) {
    try {
      return readdirSync(join(dir, 'lib')).some((d) => /^napi-v\d+$/.test(d) && existsSync(join(dir, 'lib', d, 'tfjs_binding.node')));
    } catch {
      return false;
    }
  },
  async load(name) {
    await import(name);
    return tf.setBackend('tensorflow');
  },
};

/** Native TensorFlow started, or exactly why not (backend-messages.ts phrases it). */
export type NativeProbe = { ok: true; package: string; version: string } | { ok: false; why: NativeUnavailable };

/** Find, check and start native TensorFlow with `loader`; never throws. */
export async function probeNative(loader: NativeLoader, tfjsVersion: string): Promise<NativeProbe> {
  const found = NATIVE_PACKAGES.map((name) => ({ name, at: loader.locate(name) })).find((p) => p.at !== undefined);
  if (!found?.at) return { ok: false, why: { kind: 'not-installed', package: '@tensorflow/tfjs-node' } };
  const { name, at } = found;
  // A different version brings its own copy of tfjs-core, and registers its backend there, not here.
  if (at.version !== tfjsVersion) return { ok: false, why: { kind: 'version-mismatch', package: name, version: at.version } };
  if (!loader.hasBinary(at.dir)) return { ok: false, why: { kind: 'no-binary', package: name, version: at.version } };
  try {
    if (await loader.load(name)) return { ok: true, package: name, version: at.version };
    return { ok: false, why: { kind: 'load-failed', package: name, version: at.version, error: 'TensorFlow.js did not accept its "tensorflow" backend' } };
  } catch (error) {
    return { ok: false, why: { kind: 'load-failed', package: name, version: at.version, error: firstLine(error) } };
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
export async function initEngine(request: BackendRequest = 'auto', native: NativeLoader = nodeNativeLoader): Promise<Engine> {
  const notes: string[] = [];
  const order: BackendName[] = request === 'auto' ? [...BACKENDS] : [request];
  let chosen: BackendName | undefined;
  let nativePackage: { package: string; version: string } | undefined;
  for (const name of order) {
    let ok: boolean;
    if (name === 'tensorflow') {
      const probe = await probeNative(native, tf.version.tfjs);
      if (!probe.ok && request === 'tensorflow') throw new UserError(tensorflowUnavailable(probe.why, tf.version.tfjs));
      if (!probe.ok) notes.push(nativeNote(probe.why, tf.version.tfjs));
      else nativePackage = probe;
      ok = probe.ok;
    } else {
      ok = name === 'wasm' ? await tryWasm(notes) : await tf.setBackend('cpu');
    }
    if (ok) {
      chosen = name;
      break;
    }
  }
  if (!chosen) throw new UserError(backendUnavailable(request, notes));
  await tf.ready();
  const versions: Record<string, string> = { tfjs: tf.version.tfjs, node: process.version };
  if (nativePackage) {
    versions[nativePackage.package.replace('@tensorflow/', '')] = nativePackage.version;
  } else {
    const extra = chosen === 'wasm' ? 'tfjs-backend-wasm' : 'tfjs-backend-cpu';
    const v = packageVersion(`@tensorflow/${extra}`);
    if (v) versions[extra] = v;
  }
  return { tf, backend: chosen, versions, notes };
}

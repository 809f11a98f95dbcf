/**
 * Why native TensorFlow is not used, and the command that enables it: every case through an
 * injected loader (tfjs-node is never installed to test this), with the exact text.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { initEngine, probeNative, type NativeLoader } from '../../../src/engine/backend.ts';
import { UserError } from '../../../src/lib/errors.ts';

const V = tf.version.tfjs;

/** A loader over a pretend node_modules: package name → version and whether its binary is there. */
function loader(installed: Record<string, { version: string; binary: boolean }>, load: (name: string) => Promise<boolean> = async () => true): NativeLoader & { loaded: string[] } {
  const loaded: string[] = [];
  return {
    loaded,
    locate: (name) => (installed[name] ? { dir: `/project/node_modules/${name}`, version: installed[name].version } : undefined),
    hasBinary: (dir) => installed[dir.replace('/project/node_modules/', '')]?.binary ?? false,
    load: async (name) => {
      loaded.push(name);
      return load(name);
    },
  };
}

const fix = (pkg: string) => `npm approve-scripts ${pkg} && npm rebuild ${pkg} --foreground-scripts`;

describe('native TensorFlow: why not, and how to enable it', () => {
  it('not installed', async () => {
    expect(await probeNative(loader({}), V)).toEqual({ ok: false, why: { kind: 'not-installed', package: '@tensorflow/tfjs-node' } });
    await expect(initEngine('tensorflow', loader({}))).rejects.toThrow(
      new UserError(
        '--backend tensorflow cannot start: @tensorflow/tfjs-node is not installed (npm leaves this optional dependency out when its install script fails, e.g. without network access to download TensorFlow). ' +
          `To use it, run: npm install --save-dev @tensorflow/tfjs-node@${V} && ${fix('@tensorflow/tfjs-node')}. ` +
          'Or run with --backend auto to use the fastest backend that loads on this machine.',
      ),
    );
  });

  it('installed without its binary (install script skipped): never imported', async () => {
    const l = loader({ '@tensorflow/tfjs-node': { version: V, binary: false } });
    await expect(initEngine('tensorflow', l)).rejects.toThrow(
      `--backend tensorflow cannot start: @tensorflow/tfjs-node ${V} is installed but its native binary is missing (its install script did not run: npm 12 and pnpm skip install scripts that were not approved, as does --ignore-scripts). ` +
        `To use it, run: ${fix('@tensorflow/tfjs-node')}. Or run with --backend auto to use the fastest backend that loads on this machine.`,
    );
    expect(l.loaded).toEqual([]);
  });

  it('fails to load: the first line of the error, and how to reinstall the binary', async () => {
    const l = loader({ '@tensorflow/tfjs-node': { version: V, binary: true } }, async () => {
      throw new Error('libtensorflow.so.2: cannot open shared object file: No such file or directory\n    at Module._extensions..node');
    });
    await expect(initEngine('tensorflow', l)).rejects.toThrow(
      `--backend tensorflow cannot start: @tensorflow/tfjs-node ${V} failed to load: libtensorflow.so.2: cannot open shared object file: No such file or directory. ` +
        'To reinstall its binary, run: npm rebuild @tensorflow/tfjs-node --foreground-scripts. Or run with --backend auto to use the fastest backend that loads on this machine.',
    );
    const refused = await probeNative(loader({ '@tensorflow/tfjs-node': { version: V, binary: true } }, async () => false), V);
    expect(refused).toEqual({ ok: false, why: { kind: 'load-failed', package: '@tensorflow/tfjs-node', version: V, error: 'TensorFlow.js did not accept its "tensorflow" backend' } });
  });

  it('another version than convlens\'s TensorFlow.js: not imported (it would register on its own tfjs copy)', async () => {
    const l = loader({ '@tensorflow/tfjs-node': { version: '4.10.0', binary: true } });
    expect(await probeNative(l, V)).toEqual({ ok: false, why: { kind: 'version-mismatch', package: '@tensorflow/tfjs-node', version: '4.10.0' } });
    await expect(initEngine('tensorflow', l)).rejects.toThrow(
      `--backend tensorflow cannot start: @tensorflow/tfjs-node 4.10.0 is installed, but convlens uses TensorFlow.js ${V} and the two must be the same version. ` +
        `To use it, run: npm install --save-dev @tensorflow/tfjs-node@${V} && ${fix('@tensorflow/tfjs-node')}. Or run with --backend auto to use the fastest backend that loads on this machine.`,
    );
    expect(l.loaded).toEqual([]);
  });

  it('the GPU build is preferred when installed; a working one is loaded', async () => {
    const l = loader({ '@tensorflow/tfjs-node-gpu': { version: V, binary: true }, '@tensorflow/tfjs-node': { version: V, binary: true } });
    expect(await probeNative(l, V)).toEqual({ ok: true, package: '@tensorflow/tfjs-node-gpu', version: V });
    expect(l.loaded).toEqual(['@tensorflow/tfjs-node-gpu']);
    const gpuWithoutBinary = loader({ '@tensorflow/tfjs-node-gpu': { version: V, binary: false } });
    expect(await probeNative(gpuWithoutBinary, V)).toEqual({ ok: false, why: { kind: 'no-binary', package: '@tensorflow/tfjs-node-gpu', version: V } });
  });

  it('auto falls back and the backend line\'s note says why and what to run', async () => {
    const engine = await initEngine('auto', loader({ '@tensorflow/tfjs-node': { version: V, binary: false } }));
    expect(engine.backend).toBe('wasm');
    expect(engine.notes).toEqual([
      `native TensorFlow is not used: @tensorflow/tfjs-node ${V} is installed but its native binary is missing (its install script did not run: npm 12 and pnpm skip install scripts that were not approved, as does --ignore-scripts). ` +
        `To use it, run: ${fix('@tensorflow/tfjs-node')}`,
    ]);
  });
});

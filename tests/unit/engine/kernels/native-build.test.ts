/**
 * native/kernels.wasm is a build product committed beside its C sources: it must be exactly what
 * native/build.sh produces from them (needs clang and lld: apt-get install -y clang lld), and it
 * must be safe to link against tfjs's memory (only env.memory imported, no data segments).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { wasmSectionIds } from '../../../../src/engine/kernels/native.ts';

const dir = fileURLToPath(new URL('../../../../src/engine/kernels/native/', import.meta.url));
const committed = readFileSync(join(dir, 'kernels.wasm'));

describe('native/kernels.wasm', () => {
  it('is byte-for-byte what native/build.sh builds from the committed C sources', () => {
    const tmp = mkdtempSync(join(tmpdir(), 'convlens-native-'));
    try {
      const out = join(tmp, 'kernels.wasm');
      try {
        execFileSync('bash', [join(dir, 'build.sh'), out], { stdio: 'pipe' });
      } catch (error) {
        const stderr = String((error as { stderr?: Buffer }).stderr ?? error);
        throw new Error(
          `src/engine/kernels/native/build.sh failed, so the committed kernels.wasm cannot be checked against its sources. ` +
            `It needs Debian's clang and lld 14 (apt-get install -y clang lld).\n${stderr}`,
        );
      }
      const rebuilt = readFileSync(out);
      expect(
        Buffer.compare(rebuilt, committed),
        'kernels.wasm differs from a fresh build: run src/engine/kernels/native/build.sh and commit the result',
      ).toBe(0);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('imports only tfjs memory and has no data segments that would be written into it', () => {
    const module = new WebAssembly.Module(committed);
    expect(WebAssembly.Module.imports(module)).toEqual([{ module: 'env', name: 'memory', kind: 'memory' }]);
    const ids = wasmSectionIds(committed);
    expect(ids).toContain(10); // code
    expect(ids).not.toContain(11); // data
  });

  it('section walker sees a data section when there is one', () => {
    // A minimal module with one memory and one (empty) active data segment: header, memory, data.
    const bytes = Uint8Array.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 5, 3, 1, 0, 1, 11, 6, 1, 0, 0x41, 0, 0x0b, 0]);
    new WebAssembly.Module(bytes); // valid wasm
    expect(wasmSectionIds(bytes)).toEqual([5, 11]);
  });
});

/**
 * native/kernels.wasm is a build product committed beside its C sources: it must be exactly what
 * native/build.sh produces from them, and it must be safe to link against tfjs's memory (only
 * env.memory imported, no data segments).
 *
 * The rebuild needs Debian's clang and lld 14 (other versions emit other bytes). Where they are
 * absent the check is skipped and recorded as not run, with build.sh's reason, in the test's
 * meta (scripts/test.js lists it); with CONVLENS_REQUIRE_NATIVE_BUILD=1 (CI) it fails instead.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { notRun } from '../../../not-run.ts';
import { wasmSectionIds } from '../../../../src/engine/kernels/native.ts';

const dir = fileURLToPath(new URL('../../../../src/engine/kernels/native/', import.meta.url));
const committed = readFileSync(join(dir, 'kernels.wasm'));

describe('native/kernels.wasm', () => {
  it('is byte-for-byte what native/build.sh builds from the committed C sources', (ctx) => {
    const tmp = mkdtempSync(join(tmpdir(), 'convlens-native-'));
    try {
      const out = join(tmp, 'kernels.wasm');
      try {
        execFileSync('bash', [join(dir, 'build.sh'), out], { stdio: 'pipe' });
      } catch (error) {
        const { status, stderr, code } = error as { status?: number; stderr?: Buffer; code?: string };
        const reason = code === 'ENOENT' ? 'bash is not on PATH' : String(stderr ?? error).trim();
        // Exit 3: the exact toolchain is not here, which says nothing about the committed bytes.
        if ((status === 3 || code === 'ENOENT') && process.env.CONVLENS_REQUIRE_NATIVE_BUILD !== '1') notRun(ctx, reason);
        throw new Error(
          `src/engine/kernels/native/build.sh failed, so the committed kernels.wasm cannot be checked against its sources.\n${reason}`,
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

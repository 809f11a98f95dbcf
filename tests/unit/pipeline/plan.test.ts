/**
 * The code version in the cache keys: it follows the TypeScript and the wasm kernels' C source
 * and binary, and ignores documentation.
 */
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { codeVersion } from '../../../src/pipeline/plan.ts';

function tree(files: Record<string, string | Uint8Array>): string {
  const root = mkdtempSync(join(tmpdir(), 'convlens-code-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

describe('codeVersion', () => {
  const base = { 'engine/a.ts': 'export const a = 1;\n', 'engine/native/k.c': 'int f(void){return 1;}\n', 'engine/native/k.wasm': Uint8Array.of(0, 97, 115, 109, 1), 'engine/README.md': 'notes' };
  const version = (files: Record<string, string | Uint8Array>) => codeVersion(['engine'], tree(files));

  it('changes with a .ts, .c or .wasm file, not with a README', () => {
    const v = version(base);
    expect(version({ ...base })).toBe(v);
    expect(version({ ...base, 'engine/a.ts': 'export const a = 2;\n' })).not.toBe(v);
    expect(version({ ...base, 'engine/native/k.c': 'int f(void){return 2;}\n' })).not.toBe(v);
    expect(version({ ...base, 'engine/native/k.wasm': Uint8Array.of(0, 97, 115, 109, 2) })).not.toBe(v);
    expect(version({ ...base, 'engine/README.md': 'other notes' })).toBe(v);
  });

  it("an installed package's compiled .js counts; its .d.ts declarations do not", () => {
    const lib = { 'engine/a.js': 'export const a = 1;\n', 'engine/a.d.ts': 'export declare const a = 1;\n' };
    const v = version(lib);
    expect(version({ ...lib, 'engine/a.js': 'export const a = 2;\n' })).not.toBe(v);
    expect(version({ ...lib, 'engine/a.d.ts': 'export declare const a: number;\n' })).toBe(v);
  });
});

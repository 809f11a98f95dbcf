/** Shared helpers for the data tests: temp dirs and a tiny synthetic source. */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SourceData, SourceDef } from '../../../src/data/types.ts';

/** A fresh empty directory under the OS temp dir. */
export function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'convlens-data-'));
}

/**
 * A 2×2×1 source with `perClass[k]` images of class k; image i's pixels are i, i+1, i+2, i+3
 * (mod 256) so every image is recognisable. `fixedTest` optional. Counts parse calls.
 */
export function syntheticSource(perClass: number[], fixedTest?: number[]): SourceDef & { parses: number; data: SourceData } {
  const labels = Uint8Array.from(perClass.flatMap((n, k) => Array<number>(n).fill(k)));
  const pixels = Uint8Array.from({ length: labels.length * 4 }, (_, j) => (Math.floor(j / 4) + (j % 4)) % 256);
  const data: SourceData = {
    classes: perClass.map((_, k) => `class ${k}`),
    shape: [2, 2, 1],
    pixels,
    labels,
    fixedTest: fixedTest ? Int32Array.from(fixedTest) : undefined,
  };
  const def = {
    name: 'mnist' as const,
    version: '0.0.0-test',
    parses: 0,
    data,
    parse: async () => {
      def.parses++;
      return structuredClone(data);
    },
  };
  return def;
}

/** A hand-checkable pair: 12 test images of 3 classes (worked out in compute.test.ts), and a temporary working directory per test. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import type { FixtureExperiment } from '../../fixtures/compare/diff-fixture.ts';

/** Each test of the file runs in a fresh temporary directory (relative report paths, as users type them); `dir()` is it. */
export function useTempCwd(prefix: string): { dir: () => string; home: () => string } {
  let work = '';
  let cwd = '';
  beforeEach(() => {
    work = mkdtempSync(join(tmpdir(), prefix));
    cwd = process.cwd();
    process.chdir(work);
  });
  afterEach(() => {
    process.chdir(cwd);
    rmSync(work, { recursive: true, force: true });
  });
  return { dir: () => work, home: () => cwd };
}

export const PETS = ['cat', 'dog', 'fox'];
//                     0  1  2  3  4  5  6  7  8  9 10 11
export const LABELS = [0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2];
export const PRED_A = [0, 0, 0, 1, 1, 1, 0, 2, 2, 2, 1, 0];
export const PRED_B = [0, 0, 1, 0, 1, 1, 1, 2, 2, 2, 2, 1];

export const small = (over: { a?: Partial<FixtureExperiment>; b?: Partial<FixtureExperiment> } = {}): [FixtureExperiment, FixtureExperiment] => [
  { id: 'pets-small', title: 'Pets: small CNN', source: 'pets', classes: PETS, labels: LABELS, predicted: PRED_A, given: { loss: 0.9, topK: { k: 2, accuracy: 0.9 }, aucMacro: 0.8, apMacro: 0.7, ece: 0.1 }, ...over.a },
  { id: 'pets-wide', title: 'Pets: wide CNN', source: 'pets', classes: PETS, labels: LABELS, predicted: PRED_B, given: { loss: 0.7, topK: { k: 2, accuracy: 1 }, aucMacro: 0.85, apMacro: 0.75, ece: 0.08 }, ...over.b },
];

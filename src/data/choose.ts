/**
 * Which images go to train, validation and test: pure and deterministic in (data, spec, seed).
 *
 *   0. predefined     the source's own validation set (a val/ folder, CSV `val` rows) is set aside
 *   1. test set       the source's own (CIFAR-10's test batch, Fashion-MNIST's official test set, a
 *                     test/ folder), else a seeded split of `split.test` (stratified unless
 *                     `stratify: false`) of the rest
 *   2. limit.test     stratified subsample of the test set
 *   3. limit.train    stratified subsample of the remaining training pool
 *   4. validation     the source's own when it has one, else a seeded split of `split.validation`
 *                     of that (limited) pool
 *
 * A predefined split always wins over the fractions. Each random step draws from its own stream,
 * derived by name from `seeds.split`, so changing one limit never reshuffles an unrelated step.
 */
import type { ExperimentSpec } from '../config/spec.ts';
import { deriveSeed, mulberry32 } from '../lib/rng.ts';
import { limitStratified, stratifiedSplit } from './split.ts';
import type { SourceData, Split, SplitOrigin } from './types.ts';

/** The chosen indices (into the source's images) of each split, ascending. */
export interface SplitIndices {
  train: Int32Array;
  validation: Int32Array;
  test: Int32Array;
}

/** Where the held-out splits of `source` come from. */
export function splitOrigins(source: SourceData): { validation: SplitOrigin; test: SplitOrigin } {
  return { validation: source.fixedValidation ? 'source' : 'seeded', test: source.fixedTest ? 'source' : 'seeded' };
}

function without(indices: Int32Array, n: number, remove: Int32Array | undefined): Int32Array {
  if (!remove) return indices;
  const drop = new Uint8Array(n);
  for (const i of remove) drop[i] = 1;
  return indices.filter((i) => drop[i] === 0);
}

/** Steps 0–4 on already-loaded source data. */
export function chooseSplits(source: SourceData, data: ExperimentSpec['data'], splitSeed: number): SplitIndices {
  const stream = (name: string) => mulberry32(deriveSeed(splitSeed, name));
  const { labels } = source;
  const n = labels.length;
  const all = without(Int32Array.from({ length: n }, (_, i) => i), n, source.fixedValidation);
  let test: Int32Array;
  let pool: Int32Array;
  if (source.fixedTest) {
    test = source.fixedTest.slice().sort();
    pool = without(all, n, test);
  } else {
    const split = stratifiedSplit(labels, all, data.split.test, stream('test'), data.split.stratify);
    test = split.held;
    pool = split.kept;
  }
  if (data.limit.test !== undefined) test = limitStratified(labels, test, data.limit.test, stream('limit.test'));
  if (data.limit.train !== undefined) pool = limitStratified(labels, pool, data.limit.train, stream('limit.train'));
  if (source.fixedValidation) return { train: pool, validation: source.fixedValidation.slice().sort(), test };
  const { kept, held } = stratifiedSplit(labels, pool, data.split.validation, stream('validation'), data.split.stratify);
  return { train: kept, validation: held, test };
}

/** Copies the images and labels at `indices` into one contiguous split. */
export function takeSplit(source: SourceData, indices: Int32Array): Split {
  const [h, w, c] = source.shape;
  const size = h * w * c;
  const pixels = new Uint8Array(indices.length * size);
  const labels = new Uint8Array(indices.length);
  indices.forEach((src, dst) => {
    pixels.set(source.pixels.subarray(src * size, (src + 1) * size), dst * size);
    labels[dst] = source.labels[src]!;
  });
  return { pixels, labels, count: indices.length };
}

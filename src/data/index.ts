/**
 * The data stage: experiment `data` spec + seeds → train / validation / test splits.
 *
 *   source package ──parse (once)──▶ binary cache ──▶ SourceData (all images, all labels)
 *        1. test set      fixed by the source (fashion-mnist), else a seeded split of
 *                         `split.test` (mnist; stratified unless `stratify: false`)
 *        2. limit.test    stratified subsample of the test set
 *        3. limit.train   stratified subsample of the remaining training pool
 *        4. validation    seeded split of `split.validation` of that (limited) pool
 *        5. copy out      each split contiguous; digest over source hash + chosen indices
 *
 * Each random step draws from its own stream, derived by name from `seeds.split`, so changing
 * one limit never reshuffles an unrelated step.
 */
import { createHash } from 'node:crypto';
import type { ExperimentSpec, Seeds, SourceName } from '../config/spec.ts';
import { deriveSeed, mulberry32 } from '../lib/rng.ts';
import { type CacheFs, type CacheStatus, loadSource } from './cache.ts';
import { emptyTrain, emptyValidation } from './messages.ts';
import { fashionMnist } from './sources/fashion-mnist.ts';
import { mnist } from './sources/mnist.ts';
import { limitStratified, stratifiedSplit } from './split.ts';
import type { Dataset, SourceData, SourceDef, Split } from './types.ts';

export type { Dataset, Split, SourceData, SourceDef, ImageShape } from './types.ts';
export { rescale, gatherBatch, gatherLabels } from './preprocess.ts';

/** Version of the split procedure; part of the digest so a change to it invalidates trained models. */
const SPLIT_VERSION = 'convlens-data-split-v1';

/** The source definition for a configured source name. */
export function sourceFor(name: SourceName): SourceDef {
  return name === 'fashion-mnist' ? fashionMnist() : mnist();
}

/** The chosen indices (into the source's images) of each split, ascending. */
export interface SplitIndices {
  train: Int32Array;
  validation: Int32Array;
  test: Int32Array;
}

/** Steps 1–4 on already-loaded source data: pure and deterministic in (data, spec, seed). */
export function chooseSplits(source: SourceData, data: ExperimentSpec['data'], splitSeed: number): SplitIndices {
  const stream = (name: string) => mulberry32(deriveSeed(splitSeed, name));
  const { labels } = source;
  const all = Int32Array.from({ length: labels.length }, (_, i) => i);
  let test: Int32Array;
  let pool: Int32Array;
  if (source.fixedTest) {
    test = source.fixedTest.slice().sort();
    const inTest = new Uint8Array(labels.length);
    for (const i of test) inTest[i] = 1;
    pool = all.filter((i) => inTest[i] === 0);
  } else {
    const split = stratifiedSplit(labels, all, data.split.test, stream('test'), data.split.stratify);
    test = split.held;
    pool = split.kept;
  }
  if (data.limit.test !== undefined) test = limitStratified(labels, test, data.limit.test, stream('limit.test'));
  if (data.limit.train !== undefined) pool = limitStratified(labels, pool, data.limit.train, stream('limit.train'));
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

/** sha256 hex over the split version, source identity, payload hash and the three index lists. */
export function datasetDigest(def: { name: string; version: string }, payloadHash: string, splits: SplitIndices): string {
  const hash = createHash('sha256').update(`${SPLIT_VERSION}\n${def.name}\n${def.version}\n${payloadHash}\n`);
  for (const name of ['train', 'validation', 'test'] as const) {
    const list = splits[name];
    const bytes = new Uint8Array(4 + list.length * 4);
    const view = new DataView(bytes.buffer);
    view.setUint32(0, list.length, true);
    list.forEach((v, i) => view.setInt32(4 + i * 4, v, true));
    hash.update(bytes);
  }
  return hash.digest('hex');
}

/**
 * Loads the configured source (from the binary cache under `io.cacheDir` when valid) and splits
 * it. Warnings (damaged cache, empty validation set, …) and the cache status ('fresh' = read
 * from cache, 'missing' / 'damaged' = parsed) are returned for the pipeline to log.
 */
export async function loadDataset(
  data: ExperimentSpec['data'],
  seeds: Seeds,
  io: { cacheDir: string; fs?: CacheFs; source?: SourceDef },
): Promise<{ dataset: Dataset; warnings: string[]; cache: CacheStatus }> {
  const def = io.source ?? sourceFor(data.source);
  const loaded = await loadSource(def, io.cacheDir, io.fs);
  const warnings = [...loaded.warnings];
  const splits = chooseSplits(loaded.data, data, seeds.split);
  if (splits.train.length === 0) warnings.push(emptyTrain());
  else if (data.split.validation > 0 && splits.validation.length === 0) {
    warnings.push(emptyValidation(data.split.validation, splits.train.length));
  }
  const dataset: Dataset = {
    source: data.source,
    classes: loaded.data.classes,
    shape: loaded.data.shape,
    digest: datasetDigest(def, loaded.payloadHash, splits),
    train: takeSplit(loaded.data, splits.train),
    validation: takeSplit(loaded.data, splits.validation),
    test: takeSplit(loaded.data, splits.test),
  };
  return { dataset, warnings, cache: loaded.status };
}

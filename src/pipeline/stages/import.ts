/**
 * Stage 3 for a model trained elsewhere (`model.load`), in place of training: read the file
 * (src/import/: Keras HDF5 or zip, tfjs layers), check it fits the dataset, append softmax and/or
 * the class order when the file's output needs them, and store it as the run a trained model
 * would leave — so analysis, figures, explanations and publishing work unchanged.
 * Input: spec + dataset. Output: a TrainArtifact (`facts.imported` says where it came from).
 * Cached under `runs/<import key>` (plan.ts `importKey`: the file's bytes, the input contract,
 * the history's bytes).
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { ImportedSpec } from '../../config/spec.ts';
import type { Dataset } from '../../data/index.ts';
import type { HistoryRow, PhaseRecord } from '../../engine/train.ts';
import { UserError } from '../../lib/errors.ts';
import { importKey } from '../plan.ts';
import type { PipelineContext } from '../context.ts';
import { storedRun, storeRun } from './runs.ts';
import { inputNormalization, type RunFacts, type TrainArtifact } from './train.ts';

/** Test images whose outputs are checked to be probabilities when `model.output` says so. */
const PROBABILITY_CHECK_IMAGES = 256;

const digest = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

async function readHistory(spec: ImportedSpec): Promise<{ rows: HistoryRow[]; digest: string } | undefined> {
  const h = spec.model.history;
  if (!h) return undefined;
  let bytes: Buffer;
  try {
    bytes = await readFile(h.path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EISDIR') {
      throw new UserError(`The training history ${h.pathAsWritten} (model.history, relative to ${basename(spec.file)}) does not exist. Check the path, or remove model.history.`);
    }
    throw error;
  }
  const { parseHistory } = await import('../../import/history.ts');
  return { rows: parseHistory(h.path, bytes.toString('utf8')), digest: digest(bytes) };
}

/** The one phase of an imported history (its curves are labelled as imported by the site). */
function phasesOf(history: readonly HistoryRow[]): PhaseRecord[] {
  return history.length > 0 ? [{ phase: 'train', firstEpoch: 1, lastEpoch: history.length }] : [];
}

/**
 * A warning when an imported model scores near chance (under 1.5 / classes): the usual cause is a
 * `data.normalize` that differs from the model's training preprocessing. Undefined otherwise.
 */
export function chanceWarning(accuracy: number, classes: number, normalize: ImportedSpec['data']['normalize']): string | undefined {
  if (accuracy >= 1.5 / classes) return undefined;
  const written = typeof normalize === 'string' ? normalize : JSON.stringify(normalize).replace(/"/g, '').replace(/,/g, ', ').replace(/:/g, ': ');
  return (
    `the imported model's test accuracy is ${(accuracy * 100).toFixed(1)}%, near chance for ${classes} classes (${(100 / classes).toFixed(1)}%). ` +
    `Check that data.normalize (${written}) is how the model's training scaled pixels (none: 0..255, rescale: x/255, { scale: 0.0078431, offset: -1 } for MobileNet-style −1..1), and that model.classes gives the order of its outputs.`
  );
}

/** Read, check and adapt the model of `spec`, or return the stored one with the same key. */
export async function importStage(ctx: PipelineContext, spec: ImportedSpec, dataset: Dataset): Promise<TrainArtifact> {
  const { readModelFile } = await import('../../import/index.ts');
  // The dataset's image size resolves an ONNX export's open height and width.
  const imported = await readModelFile(spec.model.path, undefined, { imageSize: [dataset.shape[0], dataset.shape[1]] });
  const history = await readHistory(spec);
  const engine = await ctx.engine();
  const key = importKey(spec, dataset.digest, imported.sha256, history?.digest, engine.backend, engine.versions['tfjs'] ?? '');
  const stored = await storedRun(ctx, spec.id, key);
  if (stored) return stored;
  const started = ctx.clock.now();
  const { instantiateModel } = await import('../../import/index.ts');
  const { adaptOutputs, checkFits, checkProbabilities, classPermutation } = await import('../../import/adapt.ts');
  const { saveModel } = await import('../../engine/model-io.ts');
  const { predictProbabilities } = await import('../../engine/predict.ts');
  const { summarizeModel } = await import('../../model/summary.ts');
  const m = spec.model;
  const normalization = inputNormalization(spec, dataset);
  const loaded = await instantiateModel(imported);
  let model = loaded;
  try {
    checkFits(loaded, { file: m.path, output: m.output, shape: dataset.shape, classes: dataset.classes, ...(m.classes && { modelClasses: m.classes }) });
    if (m.output === 'probabilities') {
      const sample = { pixels: dataset.test.pixels, count: Math.min(PROBABILITY_CHECK_IMAGES, dataset.test.count) };
      checkProbabilities(m.path, predictProbabilities(loaded, sample, dataset.shape, 64, normalization), dataset.classes.length);
    }
    const permutation = m.classes && classPermutation(m.path, m.classes, dataset.classes);
    model = adaptOutputs(loaded, { output: m.output, ...(permutation && { permutation }) });
    const saved = await saveModel(model);
    const rows = history?.rows ?? [];
    const facts: RunFacts = {
      backend: engine.backend,
      versions: engine.versions,
      seconds: (ctx.clock.now() - started) / 1000,
      imagesPerSecond: 0,
      summary: summarizeModel(model),
      history: rows,
      phases: phasesOf(rows),
      replicas: 1,
      ...(normalization && { normalization }),
      memory: { peakTensorBytes: 0, peakRssBytes: process.resourceUsage().maxRSS * 1024 },
      imported: {
        file: basename(m.path),
        format: imported.format,
        producer: imported.producer,
        sha256: imported.sha256,
        output: m.output,
        ...(m.classes && { classes: [...m.classes] }),
        ...(m.history && { history: basename(m.history.path) }),
      },
    };
    await storeRun(ctx, key, saved, facts);
    return { key, saved, facts, cached: false };
  } finally {
    // The adapted model is built from the loaded model's layers: disposing it frees them all.
    model.dispose();
  }
}

/**
 * Stage: train (or reuse) the model of one experiment.
 * Input: spec + dataset. Output: the saved model, its history and the run's facts.
 * Cached under `runs/<train key>`; while training, a checkpoint after every epoch under
 * `checkpoints/<train key>` lets a killed build resume where it stopped.
 */
import { isoNow } from '../../lib/clock.ts';
import type { ExperimentSpec, TrainedSpec } from '../../config/spec.ts';
import type { Dataset } from '../../data/index.ts';
import { channelStats, inputNormalization as normalizationOf } from '../../data/normalize.ts';
import type { HistoryRow, PhaseRecord } from '../../engine/train.ts';
import type { SavedModel } from '../../engine/model-io.ts';
import type { ModelSummary } from '../../model/summary.ts';
import type { ImportedOrigin } from '../../site/report.ts';
import { clearCheckpoints, loadCheckpoint, saveCheckpoint } from '../checkpoints.ts';
import { effectiveReplicas, trainKey } from '../plan.ts';
import type { Executor } from '../../engine/executor.ts';
import type { PipelineContext } from '../context.ts';
import { storedRun, storeRun } from './runs.ts';

/** Facts about a training run, stored beside the weights. */
export interface RunFacts {
  backend: string;
  versions: Record<string, string>;
  seconds: number;
  imagesPerSecond: number;
  summary: ModelSummary;
  history: HistoryRow[];
  /** Each training phase's epochs, and where early stopping stopped and which epoch it restored. */
  phases: PhaseRecord[];
  /** Data-parallel replicas that trained the model (1 = in this process). */
  replicas: number;
  /** Per-channel standardization of the inputs (training-split statistics), when the experiment asks for it. */
  normalization?: { mean: number[]; std: number[] };
  /** Peak bytes held in tensors (summed over replicas) and the build process's peak resident memory (replica threads included). */
  memory: { peakTensorBytes: number; peakRssBytes: number };
  /** When training finished (ISO 8601, UTC); shown on the report, kept out of every key and of manifest.json. */
  trainedAt?: string;
  /** Set when this run continued from a checkpoint of an interrupted build (the epoch it resumed after). */
  resumedAfterEpoch?: number;
  /** Set when the model was trained elsewhere and imported (stages/import.ts); nothing was trained. */
  imported?: ImportedOrigin;
}

export interface TrainArtifact {
  key: string;
  saved: SavedModel;
  facts: RunFacts;
  /** True when this build reused a stored run. */
  cached: boolean;
}

/** What the model's inputs are after x/255, per `data.normalize` (training statistics only for `standardize`). */
export function inputNormalization(spec: ExperimentSpec, dataset: Dataset): { mean: number[]; std: number[] } | undefined {
  return normalizationOf(spec.data.normalize, dataset.shape[2], () => channelStats(dataset.train.pixels, dataset.shape[2]));
}

/** Train `spec` on `dataset`, or return the stored run with the same key. */
export async function trainStage(ctx: PipelineContext, spec: TrainedSpec, dataset: Dataset): Promise<TrainArtifact> {
  const engine = await ctx.engine();
  const baseDigest = spec.model.kind === 'pretrained' ? await (await import('../../model/pretrained-files.ts')).pretrainedDigest(spec.model.path, undefined, [dataset.shape[0], dataset.shape[1]]) : undefined;
  const key = trainKey(spec, dataset.digest, engine.backend, engine.versions['tfjs'] ?? '', baseDigest);
  const stored = await storedRun(ctx, spec.id, key);
  if (stored) return stored;
  const { buildModel } = await import('../../model/build.ts');
  const { summarizeModel } = await import('../../model/summary.ts');
  const { trainModel } = await import('../../engine/train.ts');
  const { LocalExecutor } = await import('../../engine/local-executor.ts');
  const { resolveClassWeights } = await import('../../engine/class-weights.ts');
  const { saveModel } = await import('../../engine/model-io.ts');
  const { restoreWeights } = await import('../../engine/checkpoint.ts');

  const buildOptions = { inputShape: dataset.shape, numClasses: dataset.classes.length, seeds: spec.seeds };
  const built = await buildModel(spec.model, buildOptions);
  for (const note of built.notes) ctx.log.info(`${spec.id}: ${note}`);
  const { model } = built;
  const resume = ctx.force ? undefined : await loadCheckpoint(ctx.store, key);
  if (ctx.force) await clearCheckpoints(ctx.store, key);
  if (resume) ctx.log.info(`${spec.id}: resuming from the checkpoint after epoch ${resume.state.epoch}`);
  const classWeights = resolveClassWeights(spec.train.classWeights, dataset.classes, dataset.train.labels, spec.file);
  const normalization = inputNormalization(spec, dataset);
  const settings = {
    shape: dataset.shape,
    numClasses: dataset.classes.length,
    labelSmoothing: spec.train.labelSmoothing,
    ...(normalization && { normalization }),
    ...(spec.data.augment && { augment: spec.data.augment }),
    augmentSeed: spec.seeds.augment,
    ...(classWeights && { classWeights }),
    ...(spec.train.clip && { clip: spec.train.clip }),
  };
  const batchSize = Math.min(spec.train.batchSize, dataset.train.count);
  const replicas = effectiveReplicas(spec, engine.backend);
  const executor: Executor =
    replicas > 1
      ? await (await ctx.replicas(replicas)).trainer({ model: spec.model, ...buildOptions }, settings, dataset.train, dataset.validation, batchSize)
      : new LocalExecutor(built, settings, dataset.train, dataset.validation, batchSize);
  try {
    const result = await trainModel({
      executor,
      spec: spec.train,
      shuffleSeed: spec.seeds.shuffle,
      numClasses: dataset.classes.length,
      train: dataset.train,
      validation: dataset.validation,
      clock: ctx.clock,
      onProgress: (p) => ctx.log.progress(spec.id, p),
      ...(resume && { resume }),
      saveCheckpoint: (c) => saveCheckpoint(ctx.store, key, c),
    });
    // Replicas hold identical weights; the main thread's model takes them for saving.
    if (replicas > 1) restoreWeights(model, await executor.captureWeights());
    const saved = await saveModel(model);
    const facts: RunFacts = {
      backend: engine.backend,
      versions: engine.versions,
      seconds: result.seconds,
      imagesPerSecond: result.imagesPerSecond,
      summary: summarizeModel(model),
      history: result.history,
      phases: result.phases,
      replicas,
      ...(normalization && { normalization }),
      memory: { peakTensorBytes: result.peakTensorBytes, peakRssBytes: process.resourceUsage().maxRSS * 1024 },
      ...(resume && { resumedAfterEpoch: resume.state.epoch }),
      trainedAt: isoNow(),
    };
    await storeRun(ctx, key, saved, facts);
    await clearCheckpoints(ctx.store, key);
    return { key, saved, facts, cached: false };
  } finally {
    await executor.dispose();
    model.dispose();
  }
}

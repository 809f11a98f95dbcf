/**
 * Stage: train (or reuse) the model of one experiment.
 * Input: spec + dataset. Output: the saved model, its history and the run's facts.
 * Cached under `runs/<train key>`.
 */
import type { ExperimentSpec } from '../../config/spec.ts';
import type { Dataset } from '../../data/index.ts';
import type { HistoryRow } from '../../engine/train.ts';
import type { SavedModel } from '../../engine/model-io.ts';
import type { ModelSummary } from '../../model/summary.ts';
import { trainKey } from '../plan.ts';
import type { PipelineContext } from '../context.ts';

/** Facts about a training run, stored beside the weights. */
export interface RunFacts {
  backend: string;
  versions: Record<string, string>;
  seconds: number;
  imagesPerSecond: number;
  summary: ModelSummary;
  history: HistoryRow[];
}

export interface TrainArtifact {
  key: string;
  saved: SavedModel;
  facts: RunFacts;
  /** True when this build reused a stored run. */
  cached: boolean;
}

/** Train `spec` on `dataset`, or return the stored run with the same key. */
export async function trainStage(ctx: PipelineContext, spec: ExperimentSpec, dataset: Dataset): Promise<TrainArtifact> {
  const engine = await ctx.engine();
  const key = trainKey(spec, dataset.digest, engine.backend, engine.versions['tfjs'] ?? '');
  if (!ctx.force) {
    const files = await ctx.store.get('runs', key);
    if (files) {
      return {
        key,
        cached: true,
        saved: { modelJson: files.get('model.json')!.toString('utf8'), weights: files.get('weights.bin')! },
        facts: JSON.parse(files.get('run.json')!.toString('utf8')) as RunFacts,
      };
    }
  }
  const { buildModel } = await import('../../model/build.ts');
  const { summarizeModel } = await import('../../model/summary.ts');
  const { trainModel } = await import('../../engine/train.ts');
  const { saveModel } = await import('../../engine/model-io.ts');

  const model = buildModel(spec.model.layers, { inputShape: dataset.shape, numClasses: dataset.classes.length, seeds: spec.seeds });
  try {
    const result = await trainModel({
      model,
      train: spec.train,
      shuffleSeed: spec.seeds.shuffle,
      shape: dataset.shape,
      numClasses: dataset.classes.length,
      trainSplit: dataset.train,
      validationSplit: dataset.validation,
      clock: ctx.clock,
      onProgress: (p) => ctx.log.progress(spec.id, p),
    });
    const saved = await saveModel(model);
    const facts: RunFacts = {
      backend: engine.backend,
      versions: engine.versions,
      seconds: result.seconds,
      imagesPerSecond: result.imagesPerSecond,
      summary: summarizeModel(model),
      history: result.history,
    };
    await ctx.store.put(
      'runs',
      key,
      new Map<string, Buffer | string>([
        ['model.json', saved.modelJson],
        ['weights.bin', saved.weights],
        ['run.json', JSON.stringify(facts, null, 2)],
      ]),
    );
    return { key, saved, facts, cached: false };
  } finally {
    model.dispose();
  }
}

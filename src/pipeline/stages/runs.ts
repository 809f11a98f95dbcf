/**
 * The `runs` store entries that training and importing both leave: model.json, weights.bin and
 * run.json (the run's facts), under the train or import key.
 */
import type { SavedModel } from '../../engine/model-io.ts';
import { UserError } from '../../lib/errors.ts';
import type { PipelineContext } from '../context.ts';
import type { RunFacts, TrainArtifact } from './train.ts';

/**
 * The stored run of experiment `id` with this key, or undefined when there is none (or `--force`).
 * In a merge build (`--no-train`) a missing run is an error: the merge computes no run.
 */
export async function storedRun(ctx: PipelineContext, id: string, key: string): Promise<TrainArtifact | undefined> {
  if (ctx.force) return undefined;
  const files = await ctx.store.get('runs', key);
  if (!files && ctx.missingRun) throw new UserError(ctx.missingRun(id, key));
  if (!files) return undefined;
  return {
    key,
    cached: true,
    saved: { modelJson: files.get('model.json')!.toString('utf8'), weights: files.get('weights.bin')! },
    facts: JSON.parse(files.get('run.json')!.toString('utf8')) as RunFacts,
  };
}

/** Store a finished run under `key`. */
export async function storeRun(ctx: PipelineContext, key: string, saved: SavedModel, facts: RunFacts): Promise<void> {
  await ctx.store.put(
    'runs',
    key,
    new Map<string, Buffer | string>([
      ['model.json', saved.modelJson],
      ['weights.bin', saved.weights],
      ['run.json', JSON.stringify(facts, null, 2)],
    ]),
  );
}

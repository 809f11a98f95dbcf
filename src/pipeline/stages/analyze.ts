/**
 * Stage: evaluate the trained model on the test set.
 * Input: the train artifact + dataset. Output: test probabilities and metrics (plain arrays).
 * Cached under `analysis/<analysis key>`.
 */
import type { Dataset } from '../../data/index.ts';
import type { Metrics } from '../../analysis/evaluate.ts';
import { analysisKey } from '../plan.ts';
import type { PipelineContext } from '../context.ts';
import type { TrainArtifact } from './train.ts';

export interface AnalysisArtifact {
  key: string;
  metrics: Metrics;
  /** Row-major [test count × classes] probabilities. */
  probs: Float32Array;
  seconds: number;
}

function toBuffer(a: Float32Array): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

function fromBuffer(b: Buffer): Float32Array {
  const copy = new Uint8Array(b); // aligned copy
  return new Float32Array(copy.buffer, 0, copy.byteLength / 4);
}

/** Evaluate, or return the stored evaluation with the same key. */
export async function analyzeStage(ctx: PipelineContext, dataset: Dataset, run: TrainArtifact): Promise<AnalysisArtifact> {
  const key = analysisKey(run.key);
  if (!ctx.force) {
    const files = await ctx.store.get('analysis', key);
    if (files) {
      const stored = JSON.parse(files.get('analysis.json')!.toString('utf8')) as { metrics: Metrics; seconds: number };
      return { key, metrics: stored.metrics, seconds: stored.seconds, probs: fromBuffer(files.get('probs.f32')!) };
    }
  }
  const started = ctx.clock.now();
  await ctx.engine();
  const { loadModel } = await import('../../engine/model-io.ts');
  const { predictProbabilities } = await import('../../engine/predict.ts');
  const { evaluate } = await import('../../analysis/evaluate.ts');
  const model = await loadModel(run.saved);
  try {
    const probs = predictProbabilities(model, dataset.test, dataset.shape, 256, run.facts.normalization);
    const metrics = evaluate(probs, dataset.test.labels, dataset.classes);
    const seconds = (ctx.clock.now() - started) / 1000;
    await ctx.store.put(
      'analysis',
      key,
      new Map<string, Buffer | string>([
        ['analysis.json', JSON.stringify({ metrics, seconds }, null, 2)],
        ['probs.f32', toBuffer(probs)],
      ]),
    );
    return { key, metrics, probs, seconds };
  } finally {
    model.dispose();
  }
}

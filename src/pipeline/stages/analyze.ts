/**
 * Stage: evaluate the trained model on the test set.
 * Input: the train artifact + dataset. Output: test probabilities and every metric (plain arrays).
 * Cached under `analysis/<analysis key>`: the probabilities only. The metrics are recomputed from
 * them on every build (a quarter of a second for 10,000 images), so they follow the report
 * settings (top-k, calibration bins) without re-running the model.
 */
import type { Dataset } from '../../data/index.ts';
import type { EvaluateOptions, Evaluation, MetricsJson } from '../../analysis/evaluate.ts';
import type { ReportSpec } from '../../config/spec.ts';
import { analysisKey } from '../plan.ts';
import type { PipelineContext } from '../context.ts';
import type { TrainArtifact } from './train.ts';

export interface AnalysisArtifact {
  key: string;
  /** metrics.json, exactly. */
  metrics: MetricsJson;
  /** Everything the Performance section draws (recomputed from the cached probabilities). */
  evaluation: Evaluation;
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

function evaluateOptions(report: ReportSpec): EvaluateOptions {
  return { topK: report.topK, calibrationBins: report.calibrationBins, mistakes: report.samples };
}

/** Predict the test set, or reuse the stored probabilities with the same key; then compute the metrics. */
export async function analyzeStage(ctx: PipelineContext, dataset: Dataset, run: TrainArtifact, report: ReportSpec): Promise<AnalysisArtifact> {
  const key = analysisKey(run.key);
  const { evaluate } = await import('../../analysis/evaluate.ts');
  const finish = (probs: Float32Array, seconds: number): AnalysisArtifact => {
    const evaluation = evaluate(probs, dataset.test.labels, dataset.classes, evaluateOptions(report));
    return { key, metrics: evaluation.metrics, evaluation, probs, seconds };
  };
  if (!ctx.force) {
    const files = await ctx.store.get('analysis', key);
    if (files) {
      const stored = JSON.parse(files.get('analysis.json')!.toString('utf8')) as { seconds: number };
      return finish(fromBuffer(files.get('probs.f32')!), stored.seconds);
    }
  }
  const started = ctx.clock.now();
  await ctx.engine();
  const { loadModel } = await import('../../engine/model-io.ts');
  const { predictProbabilities } = await import('../../engine/predict.ts');
  const model = await loadModel(run.saved);
  try {
    const probs = predictProbabilities(model, dataset.test, dataset.shape, 256, run.facts.normalization);
    const seconds = (ctx.clock.now() - started) / 1000;
    await ctx.store.put(
      'analysis',
      key,
      new Map<string, Buffer | string>([
        ['analysis.json', JSON.stringify({ seconds }, null, 2)],
        ['probs.f32', toBuffer(probs)],
      ]),
    );
    return finish(probs, seconds);
  } finally {
    model.dispose();
  }
}

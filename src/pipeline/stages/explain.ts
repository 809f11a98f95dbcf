/**
 * Stage: interpretability. The explained test images through every requested method, feature
 * maps, first-layer filters and filter patterns; drawn as figures.
 * Input: the trained model, the dataset, the evaluation. Output: figures and a summary for the
 * report. Cached under `figures/<explain key>`, so restyling or a new report setting redraws
 * without retraining, and an unchanged build does neither.
 */
import type { ExperimentSpec, ExplainMethod } from '../../config/spec.ts';
import type { Figure } from '../../site/report.ts';
import type { Dataset } from '../../data/index.ts';
import { explainKey } from '../plan.ts';
import type { PipelineContext } from '../context.ts';
import type { AnalysisArtifact } from './analyze.ts';
import { modelInputs } from './model-inputs.ts';
import { figureEntries, storedFigures, storeFigures, type FiguresArtifact } from './figures.ts';
import type { TrainArtifact } from './train.ts';

/** What report.json says about the explanations (figures carry the pictures). */
export interface ExplainSummary {
  /** Test indices of the explained images, with true and predicted class indices and their per-image figures (for sample pages). */
  images: { index: number; true: number; predicted: number; figures: { explanations?: Figure; featureMaps: Figure[] } }[];
  /** Grad-CAM's layer, when Grad-CAM ran. */
  layer?: string;
  /** Mean deletion and insertion areas per method, over the explained images. */
  faithfulness: { method: string; name: string; deletion: number; insertion: number }[];
  /** Integrated/Expected Gradients: the largest relative completeness error over the images. */
  completeness: { method: string; name: string; maxRelativeError: number }[];
}

export interface ExplainArtifact extends FiguresArtifact {
  summary: ExplainSummary;
}

/** Per-image figures (`sample-*`) belong to sample pages: their files are published, but not listed on the experiment page. */
function pageView(artifact: FiguresArtifact, summary: ExplainSummary): ExplainArtifact {
  return { ...artifact, figures: artifact.figures.filter((f) => !f.name.startsWith('sample-')), summary };
}

/** Explain, or return the stored figures and summary with the same key. */
export async function explainStage(ctx: PipelineContext, spec: ExperimentSpec, dataset: Dataset, run: TrainArtifact, analysis: AnalysisArtifact): Promise<ExplainArtifact> {
  const report = spec.report;
  const key = explainKey(run.key, report, spec.seeds.report);
  const stored = await storedFigures(ctx, key);
  if (stored) {
    const summary = JSON.parse(stored.files.get('explain.json')!.toString('utf8')) as ExplainSummary;
    stored.files.delete('explain.json');
    return pageView(stored, summary);
  }
  const started = ctx.clock.now();
  await ctx.engine();
  const explain = await import('../../analysis/explain/index.ts');
  const { explainedImages, backgroundImages } = await import('../../analysis/explain/selection.ts');
  const { loadModel } = await import('../../engine/model-io.ts');
  const { channelStats } = await import('../../data/normalize.ts');
  const { explainFigures, METHOD_NAMES, sampleFigureNames } = await import('./explain-figures.ts');

  const shape = dataset.shape;
  const size = shape[0] * shape[1] * shape[2];
  const predicted = analysis.evaluation.predicted;
  const indices = explainedImages(predicted, dataset.test.labels, report.explain.images, spec.seeds.report);
  const norm = run.facts.normalization;
  const trainMean = [...channelStats(dataset.train.pixels, shape[2]).mean];
  const space = norm ? explain.standardizeSpace(norm.mean, norm.std.map((s) => (s > 0 ? s : 1))) : explain.rescaleSpace(shape[2], trainMean);
  const images = explain.imageBatch(await modelInputs(dataset.test.pixels, indices, shape, norm), shape);
  const backgroundIdx = backgroundImages(dataset.train.count, report.explain.expectedGradients.background, spec.seeds.report);
  const background = explain.imageBatch(await modelInputs(dataset.train.pixels, backgroundIdx, shape, norm), shape);
  const truth = Array.from(indices, (i) => dataset.test.labels[i]!);
  const preds = Array.from(indices, (i) => predicted[i]!);

  const model = await loadModel(run.saved);
  try {
    const explanations =
      indices.length > 0 && report.explain.methods.length > 0
        ? explain.explainImages(model, { images, ids: indices, predicted: preds, labels: truth, background, space, seed: spec.seeds.report }, report.explain)
        : { predicted: {}, truth: {}, faithfulness: {} };
    const featureMaps = report.featureMaps.images > 0 && indices.length > 0 ? explain.reportFeatureMaps(model, images, report.featureMaps) : [];
    const filters = explain.reportFilters(model, report.filters, space, spec.seeds.report, shape);
    const rendered = await explainFigures({
      classes: dataset.classes,
      shape,
      pixels: Array.from(indices, (i) => dataset.test.pixels.subarray(i * size, (i + 1) * size)),
      indices: Array.from(indices),
      truth,
      predicted: preds,
      confidence: Array.from(indices, (i, r) => analysis.probs[i * dataset.classes.length + preds[r]!]!),
      explanations,
      featureMaps,
      filters,
    });
    const summary: ExplainSummary = {
      // (figures are filled in below, once stored, with their published paths)
      images: Array.from(indices, (index, r) => ({ index, true: truth[r]!, predicted: preds[r]!, figures: { featureMaps: [] } })),
      ...(explanations.layer !== undefined && { layer: explanations.layer }),
      faithfulness: Object.entries(explanations.faithfulness).map(([method, f]) => ({ method, name: METHOD_NAMES[method as ExplainMethod], deletion: f!.mean.deletionAuc, insertion: f!.mean.insertionAuc })),
      completeness: Object.entries(explanations.predicted).flatMap(([method, maps]) => {
        const c = maps!.completeness;
        if (!c) return [];
        let worst = 0;
        for (let i = 0; i < c.delta.length; i++) worst = Math.max(worst, Math.abs(c.sum[i]! - c.delta[i]!) / Math.max(Math.abs(c.delta[i]!), 1e-6));
        return [{ method, name: METHOD_NAMES[method as ExplainMethod], maxRelativeError: worst }];
      }),
    };
    const seconds = (ctx.clock.now() - started) / 1000;
    const byName = new Map(figureEntries(rendered).map((f) => [f.name, f]));
    summary.images.forEach((image, r) => {
      const names = sampleFigureNames({ indices: Array.from(indices), featureMaps }, r);
      const explanations = byName.get(names.explanations);
      image.figures = { ...(explanations && { explanations }), featureMaps: names.featureMaps.flatMap((n) => byName.get(n) ?? []) };
    });
    const artifact = await storeFigures(ctx, key, rendered, seconds, new Map([['explain.json', JSON.stringify(summary, null, 2)]]));
    return pageView(artifact, summary);
  } finally {
    model.dispose();
  }
}

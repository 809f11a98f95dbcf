/**
 * Stage: interpretability. The explained test images through every requested method, feature
 * maps, first-layer filters and filter patterns; drawn as figures.
 * Input: the trained model, the dataset, the evaluation. Output: figures and a summary for the
 * report. Cached under `figures/<explain key>`, so restyling or a new report setting redraws
 * without retraining, and an unchanged build does neither.
 */
import type { ExperimentSpec, ExplainMethod } from '../../config/spec.ts';
import type { TrustTable } from '../../analysis/explain/trust.ts';
import type { SanityResult } from '../../analysis/explain/sanity.ts';
import type { ImageSource } from '../../analysis/explain/top-images.ts';
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
  /** Grad-CAM's layer, when a class-activation method ran. */
  layer?: string;
  /** Layer-CAM's layers, deepest first. */
  layerCamLayers: string[];
  /** Mean deletion and insertion areas per method, over the explained images. */
  faithfulness: { method: string; name: string; deletion: number; insertion: number }[];
  /**
   * Integrated/Expected Gradients: per image the relative completeness error |Σ attributions − Δ|
   * / max(|Δ|, 0.001), the gradient evaluations it took and whether the cap stopped it.
   */
  completeness: {
    method: string;
    name: string;
    maxRelativeError: number;
    tolerance: number;
    /** Images whose loop hit the cap before reaching the tolerance. */
    capped: number;
    images: { index: number; error: number; evaluations: number; capped: boolean }[];
  }[];
  /** The "which map to trust" table: columns with their sentences, methods best first. */
  trust: TrustTable;
  /** Images the stability checks (max-sensitivity, randomization) used: the first explained ones. */
  checkImages: number[];
  /** The cascading randomization test, method names as readers know them. */
  sanity?: SanityResult & { methods: (SanityResult['methods'][number] & { name: string })[] };
  /** Test indices shown beside the filter patterns, per layer (their sample pages are published). */
  filterTopImages: { layer: string; filters: number[]; indices: number[][] }[];
  /** The 2-D maps of the penultimate features: which layer, which test images. */
  embedding?: { layer: string; dims: number; methods: string[]; indices: number[] };
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
        : explain.noExplanations();
    const featureMaps = report.featureMaps.images > 0 && indices.length > 0 ? explain.reportFeatureMaps(model, images, report.featureMaps) : [];
    const filters = explain.reportFilters(model, report.filters, space, spec.seeds.report, shape);
    // The test set, read a batch at a time in model units (it can be 10,000 images). The top
    // images are sought among the map's images (all of them when the map is off): their pages
    // exist anyway, and scanning 10,000 images cost the resnet 10 s for little gain.
    const testSource = await testImageSource(dataset, norm);
    const scanned = report.embedding.images > 0 ? explain.embeddingImages(dataset.test.labels, report.embedding.images, spec.seeds.report) : Int32Array.from({ length: dataset.test.count }, (_, i) => i);
    const topImages =
      report.filters.count > 0 && report.filters.topImages > 0 && filters.patterns.length > 0
        ? explain
            .topActivatingImages(model, subsetOf(testSource, scanned), explain.filterLayers(model, report.filters.layers), { count: report.filters.count, top: report.filters.topImages })
            .map((t) => ({ ...t, indices: t.indices.map((positions) => Int32Array.from(positions, (p) => scanned[p]!)) }))
        : [];
    const embedding = learnedMap(explain, model, testSource, dataset, predicted, report.embedding, spec.seeds.report);
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
      topImages,
      embedding,
      test: { pixels: dataset.test.pixels, labels: dataset.test.labels },
    });
    const name = (method: string) => METHOD_NAMES[method as ExplainMethod] ?? method;
    const completeness = Object.entries(explanations.predicted).flatMap(([method, maps]) => {
      const c = maps!.completeness;
      if (!c) return [];
      const perImage = Array.from(indices, (index, r) => ({
        index,
        error: explain.completenessError(c.sum[r]!, c.delta[r]!),
        evaluations: c.evaluations?.[r] ?? 0,
        capped: c.capped?.[r] === 1,
      }));
      return [{ method, name: name(method), maxRelativeError: Math.max(0, ...perImage.map((i) => i.error)), tolerance: c.tolerance ?? 0, capped: perImage.filter((i) => i.capped).length, images: perImage }];
    });
    const summary: ExplainSummary = {
      // (figures are filled in below, once stored, with their published paths)
      images: Array.from(indices, (index, r) => ({ index, true: truth[r]!, predicted: preds[r]!, figures: { featureMaps: [] } })),
      ...(explanations.layer !== undefined && { layer: explanations.layer }),
      layerCamLayers: explanations.layerCam.map((m) => m.layer ?? ''),
      faithfulness: Object.entries(explanations.faithfulness).map(([method, f]) => ({ method, name: name(method), deletion: f!.mean.deletionAuc, insertion: f!.mean.insertionAuc })),
      completeness,
      trust: explain.trustTable(
        Object.keys(explanations.predicted).map((method) => {
          const m = method as ExplainMethod;
          const f = explanations.faithfulness[m];
          const road = explanations.road[m];
          const sanity = explanations.sanity?.methods.find((s) => s.method === method);
          const complete = completeness.find((c) => c.method === method);
          return {
            method: name(method),
            ...(f && { deletionAuc: f.mean.deletionAuc, insertionAuc: f.mean.insertionAuc }),
            ...(road && { roadMorf: road.mean.morfArea, roadLerf: road.mean.lerfArea }),
            ...(explanations.sensitivity[m] && Number.isFinite(explanations.sensitivity[m].mean) && { maxSensitivity: explanations.sensitivity[m].mean }),
            ...(explanations.sparseness[m] && { sparseness: explanations.sparseness[m].mean }),
            ...(complete && { completenessError: complete.maxRelativeError }),
            ...(sanity && Number.isFinite(sanity.spearman.at(-1)) && { sanitySimilarity: sanity.spearman.at(-1)! }),
          };
        }),
      ),
      checkImages: Array.from(indices).slice(0, explanations.checkImages),
      ...(explanations.sanity && { sanity: { ...explanations.sanity, methods: explanations.sanity.methods.map((m) => ({ ...m, name: name(m.method) })) } }),
      filterTopImages: topImages.map((t) => ({ layer: t.layer, filters: t.filters, indices: t.indices.map((i) => Array.from(i)) })),
      ...(embedding && { embedding: { layer: embedding.layer, dims: embedding.dims, methods: embedding.maps.map((m) => m.method), indices: Array.from(embedding.indices) } }),
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

/** The test set as an image source in model units: x/255, then the run's standardization. */
async function testImageSource(dataset: Dataset, norm: TrainArtifact['facts']['normalization']): Promise<ImageSource> {
  const { normalizeInputs } = await import('../../engine/batch.ts');
  const { gatherBatch } = await import('../../data/preprocess.ts');
  const shape = dataset.shape;
  const size = shape[0] * shape[1] * shape[2];
  return {
    count: dataset.test.count,
    shape,
    read(start, end) {
      const indices = Int32Array.from({ length: end - start }, (_, i) => start + i);
      const out = gatherBatch(dataset.test.pixels, indices, 0, indices.length, size);
      normalizeInputs(out, norm, out.length);
      return out;
    },
  };
}

/** The penultimate features of a stratified subset of the test set, mapped to 2-D by each method (none when the model does not end in a Dense layer). */
function learnedMap(
  explain: typeof import('../../analysis/explain/index.ts'),
  model: import('@tensorflow/tfjs').LayersModel,
  test: ImageSource,
  dataset: Dataset,
  predicted: ArrayLike<number>,
  spec: ExperimentSpec['report']['embedding'],
  seed: number,
): import('./explain-figures.ts').LearnedMap | undefined {
  if (spec.images === 0 || dataset.test.count < 3 || explain.penultimateSource(model) === undefined) return undefined;
  const indices = explain.embeddingImages(dataset.test.labels, spec.images, seed);
  const features = explain.penultimateFeatures(model, subsetOf(test, indices));
  const truth = Array.from(indices, (i) => dataset.test.labels[i]!);
  const preds = Array.from(indices, (i) => predicted[i]!);
  return {
    layer: features.layer,
    dims: features.dims,
    indices,
    maps: spec.methods.map((method) => {
      const map = explain.embed2d(features, method, { seed });
      return { method, points: explain.embeddingPoints(map, indices, truth, preds), ...(map.explainedVariance && { explainedVariance: map.explainedVariance }) };
    }),
  };
}

/** The images at `indices` of a source, as a source. */
function subsetOf(source: ImageSource, indices: Int32Array): ImageSource {
  return { count: indices.length, shape: source.shape, read: (start, end) => concat(Array.from(indices.subarray(start, end), (i) => source.read(i, i + 1))) };
}

function concat(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

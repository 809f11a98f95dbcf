/**
 * The report's interpretability section from its spec: every method of `report.explain` for
 * the explained images, and the evidence for trusting each; feature maps; filters.
 *
 *   1 layer        Grad-CAM's layer (auto or named), found once
 *   2 methods      each method for the predicted class (`methodMaps`); Grad-CAM and Grad-CAM++
 *                  also for the true class, both classes in one batch (the images twice);
 *                  Layer-CAM at several layers, deepest first
 *   3 faithfulness per predicted-class map: deletion/insertion curves (same fill as IG), ROAD
 *                  (noisy linear imputation), sparseness (Gini)
 *   4 stability    on the first `sanity.images` images: max-sensitivity (each method re-run on
 *                  noisy copies) and the cascading randomization test (each method re-run on a
 *                  progressively randomized model, weights restored afterwards)
 *
 * The same baseline serves Integrated Gradients, Score-CAM's masks, the occlusion patch and
 * deleted pixels (`report.explain.integratedGradients.baseline`), so they agree on what "absent"
 * means. Step 4 re-runs every method many times, so it runs Integrated and Expected Gradients at
 * their first step/sample count instead of converging them (the maps' structure, which both tests
 * compare, settles long before completeness does); the page says so.
 */
import type * as tf from '@tensorflow/tfjs';
import type { ExplainMethod, ReportSpec } from '../../config/spec.ts';
import { eigenCam } from './eigen-cam.ts';
import { expectedGradients } from './expected-gradients.ts';
import { faithfulness, type FaithfulnessCurves } from './faithfulness.ts';
import { featureMaps, type LayerFeatureMaps } from './feature-maps.ts';
import { filterPatterns, type FilterPatterns } from './filter-patterns.ts';
import { firstLayerFilters, type FilterWeights } from './filter-weights.ts';
import { gradCam, layerCam } from './grad-cam.ts';
import { baselineImage, checkInputs, imageBatch, type ImageBatch, type PixelSpace } from './images.ts';
import { integratedGradients } from './integrated-gradients.ts';
import { featureMapLayers, filterLayers, gradCamLayer, layerCamLayers, type ExplainLayer } from './layers.ts';
import { rangeOfAll, type AttributionMaps } from './maps.ts';
import { occlusion } from './occlusion.ts';
import { road, type RoadCurves } from './road.ts';
import { cascadingRandomization, randomizationGroups, type SanityResult } from './sanity.ts';
import { saliency } from './saliency.ts';
import { scoreCam } from './score-cam.ts';
import { maxSensitivity, type MaxSensitivity } from './sensitivity.ts';
import { smoothGrad } from './smoothgrad.ts';
import { sparseness } from './sparseness.ts';

/** What the pipeline passes in for the explained images. */
export interface ExplainInputs {
  /** The explained test images, in model units (as predict sees them). */
  images: ImageBatch;
  /** Their test-set indices: they name each image's random streams. */
  ids: ArrayLike<number>;
  /** Predicted and true class per image. */
  predicted: ArrayLike<number>;
  labels: ArrayLike<number>;
  /** Training images in model units for Expected Gradients (`expectedGradients.background` of them, chosen by the pipeline). */
  background: ImageBatch;
  /** How raw pixels map to model units (baselines, fills). */
  space: PixelSpace;
  /** The report seed (seeds.report). */
  seed: number;
}

/** Every requested method's maps, and the evidence for trusting them. */
export interface Explanations {
  /** Grad-CAM's layer (report name), when a class-activation method ran. */
  layer?: string;
  /** Maps of the predicted class, per method (Layer-CAM: at its deepest layer). */
  predicted: Partial<Record<ExplainMethod, AttributionMaps>>;
  /** Maps of the true class (Grad-CAM and Grad-CAM++ only). */
  truth: Partial<Record<'gradcam' | 'gradcamPlusPlus', AttributionMaps>>;
  /** Layer-CAM at each of its layers, deepest first (empty when Layer-CAM did not run). */
  layerCam: AttributionMaps[];
  /** Deletion/insertion curves of each predicted-class map. */
  faithfulness: Partial<Record<ExplainMethod, FaithfulnessCurves>>;
  /** ROAD curves (most/least relevant removed first) of each predicted-class map. */
  road: Partial<Record<ExplainMethod, RoadCurves>>;
  /** Gini index of each method's maps. */
  sparseness: Partial<Record<ExplainMethod, { perImage: Float32Array; mean: number }>>;
  /** Max-sensitivity of each method on the check images. */
  sensitivity: Partial<Record<ExplainMethod, MaxSensitivity>>;
  /** The cascading randomization test on the check images (absent when `sanity.images` is 0). */
  sanity?: SanityResult;
  /** How many images steps 4's checks used. */
  checkImages: number;
}

/** How hard each pass may work (memory): rows of one forward/backward pass. */
export interface PassSizes {
  /** Images per pass for one-row-per-image methods (default 32). */
  batchSize?: number;
  /** Rows per pass for methods with many rows per image (default 64). */
  rowsPerPass?: number;
}

/** Split a double batch's maps (predicted classes first, true classes second). */
function halves(maps: AttributionMaps, n: number): [AttributionMaps, AttributionMaps] {
  const part = (from: number, to: number): AttributionMaps => ({ ...maps, maps: maps.maps.slice(from, to), ranges: maps.ranges.slice(from, to), targets: maps.targets.slice(from, to), range: rangeOfAll(maps.ranges.slice(from, to)) });
  return [part(0, n), part(n, 2 * n)];
}

const GRADIENT_CAMS = ['gradcam', 'gradcamPlusPlus', 'hiresCam', 'xgradCam'] as const;
const CAM_METHODS = new Set<ExplainMethod>([...GRADIENT_CAMS, 'layerCam', 'scoreCam', 'eigenCam']);

/** What every method run needs besides the images: resolved once per report. */
interface MethodContext {
  spec: ReportSpec['explain'];
  baseline: Float32Array;
  background: ImageBatch;
  seed: number;
  camLayer?: ExplainLayer;
  layerCamLayers: ExplainLayer[];
  sizes: { batchSize: number; rowsPerPass: number };
  /** Re-runs (stability checks): Integrated/Expected Gradients at their first count, not converged. */
  quick: boolean;
}

/**
 * One method's predicted-class maps for `images` (targets and ids per image). Layer-CAM returns
 * its deepest layer here; `layerCamAll` gives every layer.
 */
function methodMaps(model: tf.LayersModel, method: ExplainMethod, images: ImageBatch, targets: ArrayLike<number>, ids: ArrayLike<number>, c: MethodContext): AttributionMaps {
  const { spec, baseline, seed } = c;
  const { batchSize, rowsPerPass } = c.sizes;
  switch (method) {
    case 'gradcam':
    case 'gradcamPlusPlus':
    case 'hiresCam':
    case 'xgradCam':
      return gradCam(model, images, targets, { layer: c.camLayer!, variant: method, batchSize });
    case 'layerCam':
      return layerCam(model, images, targets, { layers: c.layerCamLayers.slice(0, 1), batchSize })[0]!;
    case 'scoreCam':
      return scoreCam(model, images, targets, { layer: c.camLayer!, baseline, baselineName: spec.integratedGradients.baseline, batchSize, rowsPerPass });
    case 'eigenCam':
      return eigenCam(model, images, targets, { layer: c.camLayer!, batchSize });
    case 'saliency':
      return saliency(model, images, targets, { batchSize });
    case 'smoothgrad':
      return smoothGrad(model, images, targets, { ...spec.smoothgrad, seed, ids, rowsPerPass });
    case 'integratedGradients': {
      const ig = spec.integratedGradients;
      return integratedGradients(model, images, targets, { ...ig, ...(c.quick && { maxSteps: ig.steps }), baseline, baselineName: ig.baseline, rowsPerPass });
    }
    case 'expectedGradients': {
      const eg = spec.expectedGradients;
      return expectedGradients(model, images, targets, { ...eg, ...(c.quick && { maxSamples: eg.samples }), background: c.background, seed, ids, rowsPerPass });
    }
    case 'occlusion':
      return occlusion(model, images, targets, { ...spec.occlusion, fill: baseline, fillName: spec.integratedGradients.baseline, rowsPerPass });
  }
}

/** The first `count` images of a batch (and of the per-image arrays that go with it). */
function firstImages(images: ImageBatch, count: number): ImageBatch {
  const size = images.shape[0] * images.shape[1] * images.shape[2];
  return imageBatch(images.data.subarray(0, count * size), images.shape);
}

/** Run the methods of `spec` on the explained images, and check each. */
export function explainImages(model: tf.LayersModel, inputs: ExplainInputs, spec: ReportSpec['explain'], sizes: PassSizes = {}): Explanations {
  const { images, ids, predicted, labels, space, seed } = inputs;
  checkInputs(model, images, predicted);
  checkInputs(model, images, labels);
  const n = images.count;
  const methods = spec.methods;
  const baseline = baselineImage(spec.integratedGradients.baseline, space, images.shape);
  const wantsCam = methods.some((m) => CAM_METHODS.has(m));
  const camLayer = wantsCam ? gradCamLayer(model, spec.layer) : undefined;
  const context: MethodContext = {
    spec,
    baseline,
    background: inputs.background,
    seed,
    ...(camLayer && { camLayer }),
    layerCamLayers: methods.includes('layerCam') ? layerCamLayers(model, spec.layerCam.layers, camLayer) : [],
    sizes: { batchSize: sizes.batchSize ?? 32, rowsPerPass: sizes.rowsPerPass ?? 64 },
    quick: false,
  };
  const out: Explanations = { predicted: {}, truth: {}, layerCam: [], faithfulness: {}, road: {}, sparseness: {}, sensitivity: {}, checkImages: 0, ...(camLayer && { layer: camLayer.name }) };

  // Grad-CAM and Grad-CAM++ for the predicted and the true class in one double batch.
  const twoClassCams = (['gradcam', 'gradcamPlusPlus'] as const).filter((m) => methods.includes(m));
  if (twoClassCams.length > 0) {
    const doubled = new Float32Array(2 * images.data.length);
    doubled.set(images.data);
    doubled.set(images.data, images.data.length);
    const twice = imageBatch(doubled, images.shape);
    const targets = [...Array.from(predicted), ...Array.from(labels)];
    for (const variant of twoClassCams) {
      [out.predicted[variant], out.truth[variant]] = halves(gradCam(model, twice, targets, { layer: camLayer!, variant, batchSize: context.sizes.batchSize }), n);
    }
  }
  if (methods.includes('layerCam')) {
    out.layerCam = layerCam(model, images, predicted, { layers: context.layerCamLayers, batchSize: context.sizes.batchSize });
    out.predicted.layerCam = out.layerCam[0]!;
  }
  for (const method of methods) out.predicted[method] ??= methodMaps(model, method, images, predicted, ids, context);

  const rows = { rowsPerPass: context.sizes.rowsPerPass };
  for (const method of methods) {
    const maps = out.predicted[method]!;
    out.faithfulness[method] = faithfulness(model, images, predicted, maps.maps, { steps: spec.faithfulness.steps, fill: baseline, ...rows });
    out.road[method] = road(model, images, predicted, maps.maps, { fractions: spec.faithfulness.road.fractions, space, seed, ids, labels, ...rows });
    out.sparseness[method] = sparseness(maps.maps);
  }

  // Step 4 on the first images only: each check re-runs every method many times.
  const checked = Math.min(spec.sanity.images, n);
  if (checked === 0 || methods.length === 0) return out;
  out.checkImages = checked;
  const quick = { ...context, quick: true };
  const few = firstImages(images, checked);
  const fewTargets = Array.prototype.slice.call(predicted, 0, checked) as number[];
  const fewIds = Array.prototype.slice.call(ids, 0, checked) as number[];
  const { samples, radius } = spec.faithfulness.sensitivity;
  for (const method of methods) {
    const reference = methodMaps(model, method, few, fewTargets, fewIds, quick);
    out.sensitivity[method] = maxSensitivity(few, reference.maps, (noisy) => methodMaps(model, method, noisy, fewTargets, fewIds, quick), { samples, radius, space, seed, ids: fewIds });
  }
  const groups = randomizationGroups(model, spec.sanity.steps);
  out.sanity = cascadingRandomization(
    model,
    groups,
    (randomized) => Object.fromEntries(methods.map((m) => [m, methodMaps(randomized, m, few, fewTargets, fewIds, quick)])),
    { seed, ids: fewIds },
  );
  return out;
}

/** Feature maps of `report.featureMaps` for the first `featureMaps.images` of `images`. */
export function reportFeatureMaps(model: tf.LayersModel, images: ImageBatch, spec: ReportSpec['featureMaps'], sizes: PassSizes = {}): LayerFeatureMaps[] {
  const layers = featureMapLayers(model, spec.layers);
  const count = Math.min(spec.images, images.count);
  const size = images.shape[0] * images.shape[1] * images.shape[2];
  return featureMaps(model, imageBatch(images.data.subarray(0, count * size), images.shape), layers, { channels: spec.channels, batchSize: sizes.batchSize ?? 32 });
}

/** First-layer weights and the gradient-ascent patterns of `report.filters`; `shape` is the dataset's image shape. */
export function reportFilters(model: tf.LayersModel, spec: ReportSpec['filters'], space: PixelSpace, seed: number, shape?: [number, number, number]): { weights?: FilterWeights; patterns: FilterPatterns[] } {
  const weights = firstLayerFilters(model);
  const patterns = spec.count === 0 ? [] : filterLayers(model, spec.layers).map((layer) => filterPatterns(model, layer, { count: spec.count, steps: spec.steps, seed, space, ...(shape && { shape }) }));
  return { ...(weights && { weights }), patterns };
}

/** What a report without explained images has: no maps, no checks. */
export function noExplanations(): Explanations {
  return { predicted: {}, truth: {}, layerCam: [], faithfulness: {}, road: {}, sparseness: {}, sensitivity: {}, checkImages: 0 };
}

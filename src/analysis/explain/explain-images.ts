/**
 * The report's interpretability section from its spec: every method of `report.explain` for
 * the explained images, faithfulness curves per method; feature maps; filters.
 *
 *   1 layer        Grad-CAM's layer (auto or named), found once
 *   2 methods      each method for the predicted class; Grad-CAM and Grad-CAM++ also for the
 *                  true class, both classes in one batch (the images twice)
 *   3 faithfulness deletion/insertion curves of each predicted-class map, same fill as IG
 *
 * The same baseline serves Integrated Gradients, the occlusion patch and deleted pixels
 * (`report.explain.integratedGradients.baseline`), so the three agree on what "absent" means.
 */
import type * as tf from '@tensorflow/tfjs';
import type { ExplainMethod, ReportSpec } from '../../config/spec.ts';
import { expectedGradients } from './expected-gradients.ts';
import { faithfulness, type FaithfulnessCurves } from './faithfulness.ts';
import { featureMaps, type LayerFeatureMaps } from './feature-maps.ts';
import { filterPatterns, type FilterPatterns } from './filter-patterns.ts';
import { firstLayerFilters, type FilterWeights } from './filter-weights.ts';
import { gradCam } from './grad-cam.ts';
import { baselineImage, checkInputs, imageBatch, type ImageBatch, type PixelSpace } from './images.ts';
import { integratedGradients } from './integrated-gradients.ts';
import { featureMapLayers, filterLayers, gradCamLayer } from './layers.ts';
import { rangeOfAll, type AttributionMaps } from './maps.ts';
import { occlusion } from './occlusion.ts';
import { saliency } from './saliency.ts';
import { smoothGrad } from './smoothgrad.ts';

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

/** Every requested method's maps, and their faithfulness. */
export interface Explanations {
  /** Grad-CAM's layer (report name), when a Grad-CAM method ran. */
  layer?: string;
  /** Maps of the predicted class, per method. */
  predicted: Partial<Record<ExplainMethod, AttributionMaps>>;
  /** Maps of the true class (Grad-CAM and Grad-CAM++ only). */
  truth: Partial<Record<'gradcam' | 'gradcamPlusPlus', AttributionMaps>>;
  /** Deletion/insertion curves of each predicted-class map. */
  faithfulness: Partial<Record<ExplainMethod, FaithfulnessCurves>>;
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

/** Run the methods of `spec` on the explained images. */
export function explainImages(model: tf.LayersModel, inputs: ExplainInputs, spec: ReportSpec['explain'], sizes: PassSizes = {}): Explanations {
  const { images, ids, predicted, labels, space, seed } = inputs;
  checkInputs(model, images, predicted);
  checkInputs(model, images, labels);
  const n = images.count;
  const methods = new Set(spec.methods);
  const baseline = baselineImage(spec.integratedGradients.baseline, space, images.shape);
  const out: Explanations = { predicted: {}, truth: {}, faithfulness: {} };
  const rows = { rowsPerPass: sizes.rowsPerPass ?? 64 };

  const cams = (['gradcam', 'gradcamPlusPlus'] as const).filter((m) => methods.has(m));
  if (cams.length > 0) {
    const layer = gradCamLayer(model, spec.layer);
    out.layer = layer.name;
    const doubled = new Float32Array(2 * images.data.length);
    doubled.set(images.data);
    doubled.set(images.data, images.data.length);
    const twice = imageBatch(doubled, images.shape);
    const targets = [...Array.from(predicted), ...Array.from(labels)];
    for (const variant of cams) {
      [out.predicted[variant], out.truth[variant]] = halves(gradCam(model, twice, targets, { layer, variant, batchSize: sizes.batchSize ?? 32 }), n);
    }
  }
  if (methods.has('saliency')) out.predicted.saliency = saliency(model, images, predicted, { batchSize: sizes.batchSize ?? 32 });
  if (methods.has('smoothgrad')) out.predicted.smoothgrad = smoothGrad(model, images, predicted, { ...spec.smoothgrad, seed, ids, ...rows });
  if (methods.has('integratedGradients')) {
    out.predicted.integratedGradients = integratedGradients(model, images, predicted, { ...spec.integratedGradients, baseline, baselineName: spec.integratedGradients.baseline, ...rows });
  }
  if (methods.has('expectedGradients')) {
    out.predicted.expectedGradients = expectedGradients(model, images, predicted, { ...spec.expectedGradients, background: inputs.background, seed, ids, ...rows });
  }
  if (methods.has('occlusion')) out.predicted.occlusion = occlusion(model, images, predicted, { ...spec.occlusion, fill: baseline, fillName: spec.integratedGradients.baseline, ...rows });

  for (const [method, maps] of Object.entries(out.predicted) as [ExplainMethod, AttributionMaps][]) {
    out.faithfulness[method] = faithfulness(model, images, predicted, maps.maps, { steps: spec.faithfulness.steps, fill: baseline, ...rows });
  }
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

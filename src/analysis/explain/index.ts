/**
 * Interpretability for the report: every method as tensor code, batched, whose results cross
 * out as plain typed arrays. See README.md for the formulations and why they were chosen.
 */
export { explainImages, noExplanations, reportFeatureMaps, reportFilters, type ExplainInputs, type Explanations, type PassSizes } from './explain-images.ts';
export { gradCam, layerCam, type GradCamOptions } from './grad-cam.ts';
export { scoreCam, type ScoreCamOptions } from './score-cam.ts';
export { eigenCam, type EigenCamOptions } from './eigen-cam.ts';
export { saliency, type SaliencyOptions } from './saliency.ts';
export { smoothGrad, type SmoothGradOptions } from './smoothgrad.ts';
export { completenessError, integratedGradients, type IntegratedGradientsOptions } from './integrated-gradients.ts';
export { expectedGradients, type ExpectedGradientsOptions } from './expected-gradients.ts';
export { occlusion, type OcclusionOptions } from './occlusion.ts';
export { faithfulness, type FaithfulnessCurves, type FaithfulnessOptions } from './faithfulness.ts';
export { road, type RoadCurves } from './road.ts';
export { maxSensitivity, type MaxSensitivity } from './sensitivity.ts';
export { gini, sparseness } from './sparseness.ts';
export { trustTable, type TrustTable } from './trust.ts';
export { cascadingRandomization, randomizationGroups, type SanityResult } from './sanity.ts';
export { topActivatingImages, type FilterTopImages, type ImageSource } from './top-images.ts';
export { embed2d, embeddingImages, embeddingPoints, penultimateFeatures, penultimateSource, type EmbeddingPoint } from './embedding.ts';
export { featureMaps, type FeatureMapOptions, type LayerFeatureMaps } from './feature-maps.ts';
export { firstLayerFilters, type FilterWeights } from './filter-weights.ts';
export { filterPatterns, type FilterPatternOptions, type FilterPatterns } from './filter-patterns.ts';
export { featureMapLayers, filterLayers, firstConvolution, gradCamLayer, layerByName, spatialLayers, type ExplainLayer } from './layers.ts';
export { baselineImage, imageBatch, rescaleSpace, standardizeSpace, type BaselineKind, type ImageBatch, type PixelSpace } from './images.ts';
export { resolveScore, type ScoreKind } from './graph.ts';
export { backgroundImages, explainedImages } from './selection.ts';
export type { AttributionMaps, Range } from './maps.ts';

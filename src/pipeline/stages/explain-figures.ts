/**
 * The interpretability figures, from the explanations as plain arrays:
 *
 *   gradcam          Grad-CAM and Grad-CAM++ over each image, for the predicted and the true class
 *   class-activation-maps  HiResCAM, XGrad-CAM, Score-CAM, Eigen-CAM (predicted class)
 *   layer-cam        Layer-CAM at each of its layers, deep to shallow
 *   saliency         vanilla gradient, SmoothGrad, Integrated Gradients
 *   shap             Expected Gradients (SHAP's GradientExplainer idea)
 *   occlusion        probability drop when a patch is covered
 *   faithfulness     deletion/insertion curves per method
 *   road             ROAD curves (most / least relevant pixels removed first) per method
 *   sanity-checks    similarity of each method's maps as the weights are randomized (+ its JSON)
 *   feature-maps-*   one figure per chosen layer
 *   filters          first-layer weights; filter-patterns-* per chosen layer
 *   filter-top-images-*  each filter's pattern beside the test images that excite it most
 *   embedding-*      the penultimate features of the test set in 2-D (PCA, UMAP)
 *
 * Each column is one method (or channel) on one colour scale shared by every image, so colours
 * compare across images; signed attributions use the diverging map, gradients are clipped at
 * their 99th percentile (the legend says so) so a few extreme pixels do not wash out the rest.
 */
import type { EmbeddingMethod, EmbeddingPoint } from '../../analysis/explain/embedding.ts';
import type { Explanations } from '../../analysis/explain/explain-images.ts';
import type { FilterTopImages } from '../../analysis/explain/top-images.ts';
import type { LayerFeatureMaps } from '../../analysis/explain/feature-maps.ts';
import type { FilterPatterns } from '../../analysis/explain/filter-patterns.ts';
import type { FilterWeights } from '../../analysis/explain/filter-weights.ts';
import type { AttributionMaps } from '../../analysis/explain/maps.ts';
import type { ExplainMethod } from '../../config/spec.ts';
import { sharedScale } from '../../render/colormaps.ts';
import { renderFigure, svgFigure, type RenderedFigure } from '../../render/figure.ts';
import { heatmapGrid, type MapColumn } from '../../render/images/heatmap-grid.ts';
import { gridSvg, img } from '../../render/images/layout.ts';
import { imageDataUri, tileScale } from '../../render/images/tile.ts';
import { faithfulnessAlt, faithfulnessSpec } from '../../render/specs/faithfulness.ts';
import { roadAlt, roadSpec } from '../../render/specs/road.ts';
import { sanityAlt, sanitySpec } from '../../render/specs/sanity.ts';
import { embeddingFigure } from '../../render/images/embedding-plot.ts';
import { filterTopImagesFigure } from '../../render/images/filter-top-images.ts';

/** Method names as readers know them. */
export const METHOD_NAMES: Record<ExplainMethod, string> = {
  gradcam: 'Grad-CAM',
  gradcamPlusPlus: 'Grad-CAM++',
  hiresCam: 'HiResCAM',
  xgradCam: 'XGrad-CAM',
  layerCam: 'Layer-CAM',
  scoreCam: 'Score-CAM',
  eigenCam: 'Eigen-CAM',
  saliency: 'Saliency',
  smoothgrad: 'SmoothGrad',
  integratedGradients: 'Integrated Gradients',
  expectedGradients: 'Expected Gradients (SHAP)',
  occlusion: 'Occlusion',
};

export interface ExplainFigureInput {
  classes: readonly string[];
  shape: [number, number, number];
  /** Uint8 pixels of each explained image. */
  pixels: Uint8Array[];
  indices: number[];
  truth: number[];
  predicted: number[];
  confidence: number[];
  explanations: Explanations;
  featureMaps: LayerFeatureMaps[];
  filters: { weights?: FilterWeights; patterns: FilterPatterns[] };
  /** The test images that excite each pattern's filter most (same layers and filters as `filters.patterns`). */
  topImages: FilterTopImages[];
  /** The 2-D maps of the penultimate features. */
  embedding?: LearnedMap;
  /** The whole test set: bytes (h·w·c per image) and labels, for thumbnails. */
  test: { pixels: Uint8Array; labels: ArrayLike<number> };
}

/** The penultimate features of some test images in 2-D, by each method. */
export interface LearnedMap {
  layer: string;
  dims: number;
  indices: Int32Array;
  maps: { method: EmbeddingMethod; points: EmbeddingPoint[]; explainedVariance?: [number, number] }[];
}

/** A test image's sample page, relative to a figure under experiments/<id>/figures/ (links work when the SVG is opened). */
const samplePage = (index: number) => `../samples/${index}/`;

/** "#12 Coat → Shirt (0.61)" for a mistake, "#7 Bag (0.99)" when right. */
export function rowLabel(index: number, truth: string, predicted: string, confidence: number): string {
  return truth === predicted ? `#${index} ${truth} (${confidence.toFixed(2)})` : `#${index} ${truth} → ${predicted} (${confidence.toFixed(2)})`;
}

const round = (v: number) => Number(v.toPrecision(4));

/** A method's maps as published data (rounded to 4 significant digits). */
function mapsData(input: ExplainFigureInput, maps: Record<string, AttributionMaps | undefined>): string {
  const rows = input.indices.map((index, r) => ({
    index,
    true: input.classes[input.truth[r]!],
    predicted: input.classes[input.predicted[r]!],
    maps: Object.fromEntries(Object.entries(maps).flatMap(([name, m]) => (m ? [[name, { class: input.classes[m.targets[r]!], values: Array.from(m.maps[r]!, round) }]] : []))),
  }));
  const about = Object.fromEntries(Object.entries(maps).flatMap(([name, m]) => (m ? [[name, { score: m.score, signed: m.signed, settings: m.settings, ...(m.layer && { layer: m.layer }) }]] : [])));
  return JSON.stringify({ height: input.shape[0], width: input.shape[1], methods: about, images: rows }, null, 2) + '\n';
}

/** Class-activation maps: smooth, non-negative, drawn over the image without clipping. */
const CAMS = new Set<ExplainMethod>(['gradcam', 'gradcamPlusPlus', 'hiresCam', 'xgradCam', 'layerCam', 'scoreCam', 'eigenCam']);

function column(title: string, maps: AttributionMaps, overlay?: number): MapColumn {
  const gradientLike = !CAMS.has(maps.method) && maps.method !== 'occlusion';
  const scale = sharedScale(maps.maps, maps.signed ? 'diverging' : 'sequential', gradientLike ? 99 : undefined);
  return { title, maps: maps.maps, scale, ...(overlay !== undefined && { overlay }) };
}

async function grid(input: ExplainFigureInput, name: string, title: string, columns: MapColumn[], note: string, alt: string, data: string): Promise<RenderedFigure> {
  const rows = input.indices.map((index, r) => rowLabel(index, input.classes[input.truth[r]!]!, input.classes[input.predicted[r]!]!, input.confidence[r]!));
  const g = await heatmapGrid({ shape: input.shape, rows, images: input.pixels, columns, note });
  return svgFigure({ name, title, alt, svg: g.svg, width: g.width, height: g.height, data: { kind: 'json', text: data } });
}

/** Every interpretability figure the explanations allow. */
export async function explainFigures(input: ExplainFigureInput): Promise<RenderedFigure[]> {
  const out: RenderedFigure[] = [];
  const { predicted: p, truth: t } = input.explanations;
  const n = input.indices.length;
  const wrong = input.truth.filter((c, r) => c !== input.predicted[r]).length;
  const which = `${n} test images (${wrong} predicted wrongly)`;

  const cams: [string, AttributionMaps | undefined][] = [
    ['Grad-CAM, predicted class', p.gradcam],
    ['Grad-CAM, true class', t.gradcam],
    ['Grad-CAM++, predicted class', p.gradcamPlusPlus],
    ['Grad-CAM++, true class', t.gradcamPlusPlus],
  ];
  const camColumns = cams.filter(([, m]) => m).map(([title, m]) => column(title, m!, 0.55));
  if (camColumns.length > 0) {
    const layer = input.explanations.layer ?? '';
    out.push(
      await grid(
        input,
        'gradcam',
        'Grad-CAM',
        camColumns,
        `Class activation maps of layer ${layer} over the greyed image; one colour scale per column.`,
        `Grad-CAM heatmaps of layer ${layer} for ${which}, for the predicted and the true class, drawn over each image.`,
        mapsData(input, { gradcam: p.gradcam, gradcamTrue: t.gradcam, gradcamPlusPlus: p.gradcamPlusPlus, gradcamPlusPlusTrue: t.gradcamPlusPlus }),
      ),
    );
  }
  const moreCams = (['hiresCam', 'xgradCam', 'scoreCam', 'eigenCam'] as const).filter((m) => p[m]);
  if (moreCams.length > 0) {
    const layer = input.explanations.layer ?? '';
    out.push(
      await grid(
        input,
        'class-activation-maps',
        'More class-activation maps',
        moreCams.map((m) => column(METHOD_NAMES[m], p[m]!, 0.55)),
        `Layer ${layer}, predicted class (Eigen-CAM ignores the class); one colour scale per column.`,
        `${moreCams.map((m) => METHOD_NAMES[m]).join(', ')} heatmaps of layer ${layer} for ${which}, drawn over each image.`,
        mapsData(input, Object.fromEntries(moreCams.map((m) => [m, p[m]]))),
      ),
    );
  }
  const layerCams = input.explanations.layerCam;
  if (layerCams.length > 0) {
    out.push(
      await grid(
        input,
        'layer-cam',
        'Layer-CAM, deep to shallow',
        layerCams.map((m) => column(`${m.layer}`, m, 0.55)),
        'Layer-CAM of the predicted class at each layer: earlier layers have finer maps.',
        `Layer-CAM heatmaps of the predicted class at ${layerCams.length} layers (${layerCams.map((m) => m.layer).join(', ')}) for ${which}.`,
        mapsData(input, Object.fromEntries(layerCams.map((m) => [m.layer ?? 'layerCam', m]))),
      ),
    );
  }
  const gradientMethods = (['saliency', 'smoothgrad', 'integratedGradients'] as const).filter((m) => p[m]);
  if (gradientMethods.length > 0) {
    out.push(
      await grid(
        input,
        'saliency',
        'Saliency, SmoothGrad and Integrated Gradients',
        gradientMethods.map((m) => column(METHOD_NAMES[m], p[m]!)),
        'Attribution to each pixel for the predicted class; signed maps: orange for, blue against; clipped at the 99th percentile.',
        `Gradient-based attribution maps (${gradientMethods.map((m) => METHOD_NAMES[m]).join(', ')}) for ${which}, for the predicted class.`,
        mapsData(input, Object.fromEntries(gradientMethods.map((m) => [m, p[m]]))),
      ),
    );
  }
  if (p.expectedGradients) {
    out.push(
      await grid(
        input,
        'shap',
        'SHAP-style attributions (Expected Gradients)',
        [column(METHOD_NAMES.expectedGradients, p.expectedGradients)],
        `Expected Gradients against ${p.expectedGradients.settings['background'] ?? 'the'} training images: orange pushes towards the predicted class, blue away from it.`,
        `Expected-gradients (SHAP) attributions for ${which}, for the predicted class.`,
        mapsData(input, { expectedGradients: p.expectedGradients }),
      ),
    );
  }
  if (p.occlusion) {
    out.push(
      await grid(
        input,
        'occlusion',
        'Occlusion sensitivity',
        [column(METHOD_NAMES.occlusion, p.occlusion, 0.55)],
        `How much the predicted class's probability drops when a ${p.occlusion.settings['size'] ?? ''}-pixel patch covers each place.`,
        `Occlusion sensitivity for ${which}: the drop in the predicted class's probability when each region is covered.`,
        mapsData(input, { occlusion: p.occlusion }),
      ),
    );
  }
  const curves = Object.entries(input.explanations.faithfulness).map(([method, f]) => ({
    method: METHOD_NAMES[method as ExplainMethod],
    fractions: Array.from(f!.mean.deletion, (_, i) => i / (f!.mean.deletion.length - 1)),
    deletion: Array.from(f!.mean.deletion),
    insertion: Array.from(f!.mean.insertion),
    deletionAuc: f!.mean.deletionAuc,
    insertionAuc: f!.mean.insertionAuc,
  }));
  if (curves.length > 0) {
    out.push(
      await renderFigure({
        name: 'faithfulness',
        title: 'Faithfulness: deletion and insertion',
        spec: faithfulnessSpec(curves),
        alt: faithfulnessAlt(curves, n),
        data: { kind: 'json', text: JSON.stringify(curves.map((c) => ({ ...c, deletion: c.deletion.map(round), insertion: c.insertion.map(round) })), null, 2) + '\n' },
      }),
    );
  }
  const road = Object.entries(input.explanations.road).map(([method, r]) => ({
    method: METHOD_NAMES[method as ExplainMethod],
    fractions: Array.from(r!.fractions, round),
    morf: Array.from(r!.mean.morf, round),
    lerf: Array.from(r!.mean.lerf, round),
    morfArea: round(r!.mean.morfArea),
    lerfArea: round(r!.mean.lerfArea),
  }));
  if (road.length > 0) {
    out.push(await renderFigure({ name: 'road', title: 'Faithfulness: ROAD', spec: roadSpec(road), alt: roadAlt(road, n), data: { kind: 'json', text: JSON.stringify(road, null, 2) + '\n' } }));
  }
  const sanity = input.explanations.sanity;
  if (sanity) {
    const named = { ...sanity, methods: sanity.methods.map((m) => ({ ...m, method: METHOD_NAMES[m.method as ExplainMethod] ?? m.method })) };
    out.push(
      await renderFigure({
        name: 'sanity-checks',
        title: 'Sanity checks: cascading weight randomization',
        spec: sanitySpec(named),
        alt: sanityAlt(named),
        data: { kind: 'json', text: JSON.stringify({ ...sanity, methods: sanity.methods.map((m) => ({ ...m, name: METHOD_NAMES[m.method as ExplainMethod] ?? m.method, spearman: m.spearman.map(round), ssim: m.ssim.map(round), ...(m.spearmanSigned && { spearmanSigned: m.spearmanSigned.map(round) }) })) }, null, 2) + '\n' },
      }),
    );
  }
  for (const layer of input.featureMaps) out.push(await featureMapFigure(input, layer));
  out.push(...(await perImageFigures(input)));
  if (input.filters.weights) out.push(await filterWeightsFigure(input.filters.weights));
  for (const patterns of input.filters.patterns) out.push(await patternsFigure(patterns));
  for (const top of input.topImages) {
    const patterns = input.filters.patterns.find((p) => p.layer === top.layer);
    if (!patterns) continue;
    out.push(await filterTopImagesFigure({ patterns, top, pixels: input.test.pixels, shape: input.shape, classes: input.classes, labels: input.test.labels, link: samplePage }));
  }
  for (const map of input.embedding?.maps ?? []) {
    out.push(
      await embeddingFigure({
        method: map.method,
        points: map.points,
        classes: input.classes,
        pixels: input.test.pixels,
        shape: input.shape,
        layer: input.embedding!.layer,
        dims: input.embedding!.dims,
        ...(map.explainedVariance && { explainedVariance: map.explainedVariance }),
        link: samplePage,
      }),
    );
  }
  return out;
}

/** A file-name-safe form of a layer name (`extractor/conv2d_1` → `extractor-conv2d_1`). */
export function layerSlug(layer: string): string {
  return layer.replace(/[^A-Za-z0-9_-]+/g, '-');
}

async function featureMapFigure(input: ExplainFigureInput, layer: LayerFeatureMaps): Promise<RenderedFigure> {
  const images = layer.maps.length;
  const columns: MapColumn[] = Array.from({ length: layer.channels }, (_, ch) => {
    const maps = layer.maps.map((perImage) => perImage[ch]!);
    return { title: `${ch}`, maps, scale: sharedScale(maps, 'sequential'), mapShape: [layer.height, layer.width] };
  });
  const rows = input.indices.slice(0, images).map((index, r) => rowLabel(index, input.classes[input.truth[r]!]!, input.classes[input.predicted[r]!]!, input.confidence[r]!));
  const g = await heatmapGrid({ shape: input.shape, rows, images: input.pixels.slice(0, images), columns, note: `Activations of ${layer.layer} (${layer.height}×${layer.width}, channels 0–${layer.channels - 1} of ${layer.totalChannels}); one scale per channel.` });
  const data = JSON.stringify({ layer: layer.layer, height: layer.height, width: layer.width, channels: layer.channels, images: layer.maps.map((perImage, r) => ({ index: input.indices[r], maps: perImage.map((m) => Array.from(m, round)) })) }) + '\n';
  return svgFigure({
    name: `feature-maps-${layerSlug(layer.layer)}`,
    title: `Feature maps of ${layer.layer}`,
    alt: `The first ${layer.channels} of ${layer.totalChannels} feature maps of layer ${layer.layer} (${layer.height}×${layer.width}) for ${images} test images.`,
    svg: g.svg,
    width: g.width,
    height: g.height,
    data: { kind: 'json', text: data },
  });
}

/** HWC floats on a shared diverging-free display: min..max of all filters → 0..255 (grey or RGB). */
function filterBytes(values: Float32Array, min: number, max: number): Uint8Array {
  const span = max - min || 1;
  return Uint8Array.from(values, (v) => Math.round(((v - min) / span) * 255));
}

async function filterWeightsFigure(w: FilterWeights): Promise<RenderedFigure> {
  const channels = w.channels === 3 ? 3 : 1;
  const shape: [number, number, number] = [w.height, w.width, channels];
  const scale = tileScale(shape, 40);
  const cells = await Promise.all(
    w.filters.map(async (f) => {
      // Several input channels that are not RGB: show their mean, one grey tile per filter.
      const values = w.channels === channels ? f : Float32Array.from({ length: w.height * w.width }, (_, i) => f.slice(i * w.channels, (i + 1) * w.channels).reduce((a, b) => a + b, 0) / w.channels);
      return img(await imageDataUri(filterBytes(values, w.range.min, w.range.max), shape, scale), w.width * scale, w.height * scale);
    }),
  );
  const perRow = 16;
  const rows = [];
  for (let r = 0; r * perRow < cells.length; r++) rows.push({ label: '', cells: cells.slice(r * perRow, (r + 1) * perRow) });
  const cell = Math.max(w.height, w.width) * scale;
  const g = await gridSvg(rows, cell, cell, { labelWidth: 0, gap: 4, note: `${w.filters.length} filters of ${w.layer}, ${w.height}×${w.width}${w.channels === channels ? '' : `, mean over ${w.channels} input channels`}; dark = most negative weight, light = most positive (${w.range.min.toPrecision(2)} to ${w.range.max.toPrecision(2)}).` });
  return svgFigure({
    name: 'filters',
    title: `First-layer filters (${w.layer})`,
    alt: `The ${w.filters.length} ${w.height}×${w.width} filters of the first convolution, ${w.layer}, as images on one grey scale.`,
    svg: g.svg,
    width: g.width,
    height: g.height,
    data: { kind: 'json', text: JSON.stringify({ layer: w.layer, height: w.height, width: w.width, channels: w.channels, filters: w.filters.map((f) => Array.from(f, round)) }) + '\n' },
  });
}

async function patternsFigure(p: FilterPatterns): Promise<RenderedFigure> {
  const shape: [number, number, number] = [p.height, p.width, p.channels];
  const scale = tileScale(shape, 64);
  const cells = await Promise.all(p.images.map(async (v) => img(await imageDataUri(Uint8Array.from(v, (x) => Math.round(Math.min(1, Math.max(0, x)) * 255)), shape, scale), p.width * scale, p.height * scale)));
  const perRow = 8;
  const rows = [];
  for (let r = 0; r * perRow < cells.length; r++) rows.push({ label: '', cells: cells.slice(r * perRow, (r + 1) * perRow) });
  const cell = Math.max(p.height, p.width) * scale;
  const gains = Array.from(p.activationEnd, (end, i) => end - p.activationStart[i]!);
  const g = await gridSvg(rows, cell, cell, { labelWidth: 0, gap: 4, note: `Inputs that maximize filters ${p.filters.join(', ')} of ${p.layer}, grown by gradient ascent from grey noise.` });
  return svgFigure({
    name: `filter-patterns-${layerSlug(p.layer)}`,
    title: `Filter patterns of ${p.layer}`,
    alt: `Patterns that most excite ${p.filters.length} filters of layer ${p.layer}, found by gradient ascent from a noisy grey image; the filters' mean activation rose by ${Math.min(...gains).toPrecision(2)} to ${Math.max(...gains).toPrecision(2)}.`,
    svg: g.svg,
    width: g.width,
    height: g.height,
    data: { kind: 'json', text: JSON.stringify({ layer: p.layer, filters: p.filters, preActivation: p.preActivation, activationStart: Array.from(p.activationStart, round), activationEnd: Array.from(p.activationEnd, round) }) + '\n' },
  });
}

/** The per-image figure names of the explained image at row `r` (for its sample page). */
export function sampleFigureNames(input: Pick<ExplainFigureInput, 'indices' | 'featureMaps'>, r: number): { explanations: string; featureMaps: string[] } {
  const index = input.indices[r]!;
  return {
    explanations: `sample-${index}-explanations`,
    featureMaps: input.featureMaps.filter((l) => r < l.maps.length).map((l) => `sample-${index}-feature-maps-${layerSlug(l.layer)}`),
  };
}

/**
 * One row of every comparison for each explained image: its sample page shows every method
 * side by side, on the same colour scales as the full grids (so a colour means the same value
 * on the page and in the grid), and its feature maps.
 */
async function perImageFigures(input: ExplainFigureInput): Promise<RenderedFigure[]> {
  const { predicted: p, truth: t } = input.explanations;
  const entries: [string, AttributionMaps | undefined, number | undefined][] = [
    ['Grad-CAM', p.gradcam, 0.55],
    ['Grad-CAM, true class', t.gradcam, 0.55],
    ['Grad-CAM++', p.gradcamPlusPlus, 0.55],
    [METHOD_NAMES.hiresCam, p.hiresCam, 0.55],
    [METHOD_NAMES.xgradCam, p.xgradCam, 0.55],
    [METHOD_NAMES.layerCam, p.layerCam, 0.55],
    [METHOD_NAMES.scoreCam, p.scoreCam, 0.55],
    [METHOD_NAMES.eigenCam, p.eigenCam, 0.55],
    [METHOD_NAMES.saliency, p.saliency, undefined],
    [METHOD_NAMES.smoothgrad, p.smoothgrad, undefined],
    [METHOD_NAMES.integratedGradients, p.integratedGradients, undefined],
    [METHOD_NAMES.expectedGradients, p.expectedGradients, undefined],
    [METHOD_NAMES.occlusion, p.occlusion, 0.55],
  ];
  const full = entries.filter(([, m]) => m).map(([title, m, overlay]) => ({ ...column(title, m!, overlay), title }));
  const out: RenderedFigure[] = [];
  for (let r = 0; r < input.indices.length; r++) {
    const names = sampleFigureNames(input, r);
    const label = rowLabel(input.indices[r]!, input.classes[input.truth[r]!]!, input.classes[input.predicted[r]!]!, input.confidence[r]!);
    if (full.length > 0) {
      const columns = full.map((c) => ({ ...c, maps: [c.maps[r]!] }));
      const g = await heatmapGrid({ shape: input.shape, rows: [label], images: [input.pixels[r]!], columns, note: 'Every method for this image, on the colour scales of the report\'s full figures.' });
      const data = mapsData({ ...input, indices: [input.indices[r]!], truth: [input.truth[r]!], predicted: [input.predicted[r]!] }, Object.fromEntries(entries.filter(([, m]) => m).map(([title, m]) => [title, { ...m!, maps: [m!.maps[r]!], targets: m!.targets.slice(r, r + 1) }])));
      out.push(svgFigure({ name: names.explanations, title: `Explanations of test image ${input.indices[r]}`, alt: `${label}: ${full.map((c) => c.title).join(', ')} side by side.`, svg: g.svg, width: g.width, height: g.height, data: { kind: 'json', text: data } }));
    }
    for (const layer of input.featureMaps) {
      if (r >= layer.maps.length) continue;
      const columns: MapColumn[] = Array.from({ length: layer.channels }, (_, ch) => {
        const all = layer.maps.map((perImage) => perImage[ch]!);
        return { title: `${ch}`, maps: [layer.maps[r]![ch]!], scale: sharedScale(all, 'sequential'), mapShape: [layer.height, layer.width] };
      });
      const g = await heatmapGrid({ shape: input.shape, rows: [label], images: [input.pixels[r]!], columns, note: `Activations of ${layer.layer} (${layer.height}×${layer.width}, channels 0–${layer.channels - 1} of ${layer.totalChannels}).` });
      out.push(
        svgFigure({
          name: `sample-${input.indices[r]}-feature-maps-${layerSlug(layer.layer)}`,
          title: `Feature maps of ${layer.layer} for test image ${input.indices[r]}`,
          alt: `The first ${layer.channels} feature maps of ${layer.layer} for test image ${input.indices[r]}.`,
          svg: g.svg,
          width: g.width,
          height: g.height,
          data: { kind: 'json', text: JSON.stringify({ layer: layer.layer, index: input.indices[r], maps: layer.maps[r]!.map((m) => Array.from(m, round)) }) + '\n' },
        }),
      );
    }
  }
  return out;
}

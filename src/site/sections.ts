/**
 * Which figures and sections an experiment page shows. A section whose figures are absent
 * from report.json is simply not rendered (never a placeholder); figures the page does not
 * know by name still appear, under "More figures", so nothing published is hidden.
 */
import type { ExperimentEntry, FailedEntry, Figure } from './report.ts';

/** Figure names (as the pipeline publishes them) shown in each section, in order. */
export const SECTION_FIGURES = {
  data: ['samples', 'augmentations', 'class-distribution'],
  model: ['architecture'],
  training: ['training-curves', 'learning-rate'],
  performance: ['confusion-matrix', 'confusion-matrix-normalized', 'roc-curves', 'pr-curves', 'calibration', 'predictions', 'mistakes'],
  interpretability: ['gradcam', 'class-activation-maps', 'layer-cam', 'saliency', 'shap', 'occlusion', 'faithfulness', 'road', 'sanity-checks', 'filters', 'embedding-pca', 'embedding-umap'],
} as const;

/** The interpretability section's three parts: the maps, the evidence for trusting them, what the network learned. */
const EXPLANATION_FIGURES = ['gradcam', 'class-activation-maps', 'layer-cam', 'saliency', 'shap', 'occlusion'];
const EVIDENCE_FIGURES = ['faithfulness', 'road', 'sanity-checks'];

/** Figures named per layer (`feature-maps-conv2d_1`, …) belong to the interpretability section, after its fixed ones. */
const LAYER_FIGURE_PREFIXES = ['feature-maps-', 'filter-patterns-', 'filter-top-images-'] as const;

/** The figures of one experiment, grouped by the section that shows them. */
export interface PageFigures {
  data: Figure[];
  model: Figure[];
  training: Figure[];
  performance: Figure[];
  /** Every interpretability figure, in page order: explanations, then evidence, then learned. */
  interpretability: Figure[];
  /** The maps of each method. */
  explanations: Figure[];
  /** Faithfulness (deletion/insertion, ROAD) and the sanity checks. */
  evidence: Figure[];
  /** Feature maps, filters, their patterns beside their top images, the 2-D maps of the features. */
  learned: Figure[];
  other: Figure[];
}

/** Group `entry`'s figures by section; unknown names go to `other` in report order. */
export function pageFigures(entry: ExperimentEntry): PageFigures {
  const byName = new Map(entry.figures.map((f) => [f.name, f]));
  const pick = (names: readonly string[]) => names.flatMap((n) => byName.get(n) ?? []);
  const perLayer = (f: Figure) => LAYER_FIGURE_PREFIXES.some((prefix) => f.name.startsWith(prefix));
  const known = new Set<string>(Object.values(SECTION_FIGURES).flat());
  // Feature maps first, then the filter weights, then per layer its patterns beside its top images, then the 2-D maps.
  const layers = entry.figures.filter(perLayer);
  const patternsAndTops = layers.filter((f) => f.name.startsWith('filter-patterns-')).flatMap((patterns) => {
    const top = byName.get(patterns.name.replace('filter-patterns-', 'filter-top-images-'));
    return top ? [patterns, top] : [patterns];
  });
  const placed = new Set(patternsAndTops.map((f) => f.name));
  const learned = [
    ...layers.filter((f) => f.name.startsWith('feature-maps-')),
    ...pick(['filters']),
    ...patternsAndTops,
    ...layers.filter((f) => f.name.startsWith('filter-top-images-') && !placed.has(f.name)),
    ...pick(['embedding-pca', 'embedding-umap']),
  ];
  const explanations = pick(EXPLANATION_FIGURES);
  const evidence = pick(EVIDENCE_FIGURES);
  return {
    data: pick(SECTION_FIGURES.data),
    model: pick(SECTION_FIGURES.model),
    training: pick(SECTION_FIGURES.training),
    performance: pick(SECTION_FIGURES.performance),
    interpretability: [...explanations, ...evidence, ...learned],
    explanations,
    evidence,
    learned,
    other: entry.figures.filter((f) => !known.has(f.name) && !perLayer(f)),
  };
}

/** One entry of the page's table of contents. */
export interface TocEntry {
  id: string;
  label: string;
}

/** The sections present on `entry`'s page, in page order. */
export function tableOfContents(entry: ExperimentEntry, figures: PageFigures = pageFigures(entry)): TocEntry[] {
  const toc: TocEntry[] = [
    { id: 'overview', label: 'Overview' },
    { id: 'data', label: 'Data' },
    { id: 'model', label: 'Model' },
  ];
  if (figures.training.length > 0 || entry.history.length > 0) toc.push({ id: 'training', label: 'Training' });
  toc.push({ id: 'performance', label: 'Performance' });
  if (hasInterpretability(entry, figures)) toc.push({ id: 'interpretability', label: 'Interpretability' });
  if (figures.other.length > 0) toc.push({ id: 'more-figures', label: 'More figures' });
  toc.push({ id: 'definition', label: 'Experiment definition' });
  if (entry.downloads.length > 0) toc.push({ id: 'downloads', label: 'Downloads' });
  return toc;
}

/** Whether the page has an Interpretability section: its figures, or explained images with pages of their own. */
export function hasInterpretability(entry: ExperimentEntry, figures: PageFigures = pageFigures(entry)): boolean {
  const pages = new Set(entry.tests.map((t) => t.index));
  return figures.interpretability.length > 0 || entry.explain.images.some((i) => pages.has(i.index));
}

/** The last row of the training history (the epoch the reported model comes from is not known here). */
export function lastEpoch(entry: ExperimentEntry): ExperimentEntry['history'][number] | undefined {
  return entry.history.at(-1);
}

/** A failed run gets a page when its training diverged: it has a partial history to show. */
export function hasFailedPage(failed: FailedEntry): boolean {
  return failed.diverged !== undefined;
}

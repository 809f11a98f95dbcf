/**
 * Which figures and sections an experiment page shows. A section whose figures are absent
 * from report.json is simply not rendered (never a placeholder); figures the page does not
 * know by name still appear, under "More figures", so nothing published is hidden.
 */
import type { ExperimentEntry, Figure } from './report.ts';

/** Figure names (as the pipeline publishes them) shown in each section, in order. */
export const SECTION_FIGURES = {
  data: ['samples', 'augmentations', 'class-distribution'],
  training: ['training-curves'],
  performance: ['confusion-matrix', 'confusion-matrix-normalized', 'roc-curves', 'pr-curves', 'calibration', 'predictions', 'mistakes'],
} as const;

/** The figures of one experiment, grouped by the section that shows them. */
export interface PageFigures {
  data: Figure[];
  training: Figure[];
  performance: Figure[];
  other: Figure[];
}

/** Group `entry`'s figures by section; unknown names go to `other` in report order. */
export function pageFigures(entry: ExperimentEntry): PageFigures {
  const byName = new Map(entry.figures.map((f) => [f.name, f]));
  const pick = (names: readonly string[]) => names.flatMap((n) => byName.get(n) ?? []);
  const known = new Set<string>([...SECTION_FIGURES.data, ...SECTION_FIGURES.training, ...SECTION_FIGURES.performance]);
  return {
    data: pick(SECTION_FIGURES.data),
    training: pick(SECTION_FIGURES.training),
    performance: pick(SECTION_FIGURES.performance),
    other: entry.figures.filter((f) => !known.has(f.name)),
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
  if (figures.other.length > 0) toc.push({ id: 'more-figures', label: 'More figures' });
  toc.push({ id: 'definition', label: 'Experiment definition' });
  if (entry.downloads.length > 0) toc.push({ id: 'downloads', label: 'Downloads' });
  return toc;
}

/** The last row of the training history (the epoch the reported model comes from is not known here). */
export function lastEpoch(entry: ExperimentEntry): ExperimentEntry['history'][number] | undefined {
  return entry.history.at(-1);
}

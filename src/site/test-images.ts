/**
 * The test images that have pages (report.json `tests`) and the confusion-matrix cells that
 * list them (`confusionCells`): lookups and labels for the sample, cell and experiment pages.
 * Every function tolerates reports without these fields (older pipelines): no pages, no links.
 */
import type { ExperimentEntry } from './report.ts';

/** One test image with a page. */
export type TestImage = ExperimentEntry['tests'][number];
/** One confusion-matrix cell with a page. */
export type ConfusionCell = ExperimentEntry['confusionCells'][number];

/** Class name by index, or "class <k>" when the report has no such class (never throws on a page). */
export function className(entry: ExperimentEntry, k: number): string {
  return entry.dataset.classes[k] ?? `class ${k}`;
}

/** The entry's test images with pages, by test index. */
export function testsByIndex(entry: ExperimentEntry): Map<number, TestImage> {
  return new Map(entry.tests.map((t) => [t.index, t]));
}

/** The confusion cell (true `actual`, predicted `predicted`) when it has a page. */
export function findCell(entry: ExperimentEntry, actual: number, predicted: number): ConfusionCell | undefined {
  return entry.confusionCells.find((c) => c.true === actual && c.predicted === predicted);
}

/** One cell of the counts table beside the confusion-matrix figure. */
export interface CountCell {
  actual: number;
  predicted: number;
  count: number;
  /** Whether the cell has a page to link to. */
  linked: boolean;
}

/** The confusion matrix as table rows, each cell marked linked when its page exists. */
export function countTable(entry: ExperimentEntry): CountCell[][] {
  const pages = new Set(entry.confusionCells.filter((c) => c.shown.length > 0).map((c) => `${c.true}/${c.predicted}`));
  return entry.metrics.confusion.map((row, actual) =>
    row.map((count, predicted) => ({ actual, predicted, count, linked: count > 0 && pages.has(`${actual}/${predicted}`) })),
  );
}

/** Why a test image has a page, in words, for its page's lead: sample prediction, explained, most confident mistake. */
export function testRoles(entry: ExperimentEntry, index: number): string[] {
  const roles: string[] = [];
  if (entry.samples.some((s) => s.index === index)) roles.push('a sample prediction');
  if (entry.explain.images.some((s) => s.index === index)) roles.push('explained by every interpretability method');
  return roles;
}

/** "12 test images of class Coat predicted as Shirt", the cell page's subject in words. */
export function cellTitle(entry: ExperimentEntry, actual: number, predicted: number): string {
  const t = className(entry, actual);
  return actual === predicted ? `${t} predicted correctly` : `${t} predicted as ${className(entry, predicted)}`;
}

/** The tests listed in one group (samples, explained images), in the group's order, skipping those without a page. */
export function pagesFor(entry: ExperimentEntry, indices: readonly number[]): TestImage[] {
  const byIndex = testsByIndex(entry);
  return indices.flatMap((i) => byIndex.get(i) ?? []);
}

/** The previous and next test images with pages (in test-set order), for walking through them. */
export function neighbours(entry: ExperimentEntry, index: number): { previous?: TestImage; next?: TestImage } {
  const sorted = [...entry.tests].sort((a, b) => a.index - b.index);
  const at = sorted.findIndex((t) => t.index === index);
  if (at === -1) return {};
  return { previous: sorted[at - 1], next: sorted[at + 1] };
}

/**
 * Which test images get their own page, and what report.json says about each (pure).
 *
 *   1. cells     every non-empty confusion-matrix cell, with up to `perCell` of its images:
 *                the most confident predictions first (for a mistake, the most troubling ones)
 *   2. pages     the union of the cells' images, the sample predictions, the explained images and
 *                the most confident mistakes, in test-set order
 *   3. entries   for each page: true and predicted class, the most probable classes, its image
 *
 * The site renders exactly these: a cell page lists `shown`, a sample page exists per entry.
 */
import type { ExperimentEntry, Figure } from '../site/report.ts';

/** Images listed per confusion-matrix cell unless the caller says otherwise. */
export const DEFAULT_PER_CELL = 24;

/** Classes listed with their probability on a sample page (all of them when there are fewer). */
export const TOP_CLASSES = 10;

/** The evaluation a selection is made from (plain arrays, test-set order). */
export interface TestSelectionInput {
  /** True class of each test image. */
  labels: ArrayLike<number>;
  /** Predicted class of each test image. */
  predicted: ArrayLike<number>;
  /** Row-major [test images × classes] probabilities. */
  probs: ArrayLike<number>;
  classes: number;
}

type Cell = ExperimentEntry['confusionCells'][number];
type TestImage = ExperimentEntry['tests'][number];

/** Every non-empty cell (row-major order) with up to `perCell` test indices, most confident first, ties by index. */
export function selectCells(input: TestSelectionInput, perCell: number = DEFAULT_PER_CELL): Cell[] {
  const k = input.classes;
  const members = new Map<number, number[]>();
  for (let i = 0; i < input.labels.length; i++) {
    const key = input.labels[i]! * k + input.predicted[i]!;
    let list = members.get(key);
    if (!list) members.set(key, (list = []));
    list.push(i);
  }
  const confidence = (i: number) => input.probs[i * k + input.predicted[i]!]!;
  return [...members.keys()]
    .sort((a, b) => a - b)
    .map((key) => {
      const list = members.get(key)!;
      const shown = [...list].sort((a, b) => confidence(b) - confidence(a) || a - b).slice(0, Math.max(0, perCell));
      return { true: Math.floor(key / k), predicted: key % k, count: list.length, shown };
    });
}

/** The test indices that get a page: the cells' images and every listed group, once each, ascending. */
export function pageIndices(cells: readonly Cell[], ...groups: readonly (readonly number[])[]): number[] {
  const all = new Set<number>();
  for (const cell of cells) for (const i of cell.shown) all.add(i);
  for (const group of groups) for (const i of group) all.add(i);
  return [...all].sort((a, b) => a - b);
}

/** The `limit` most probable classes of test image `index`, highest first (ties: lower class index first). */
export function topClasses(input: TestSelectionInput, index: number, limit: number = TOP_CLASSES): { class: number; p: number }[] {
  const k = input.classes;
  return Array.from({ length: k }, (_, c) => ({ class: c, p: input.probs[index * k + c]! }))
    .sort((a, b) => b.p - a.p || a.class - b.class)
    .slice(0, Math.min(limit, k));
}

/** Where a test image's PNG is published, relative to the experiment directory. */
export function testImagePath(index: number): string {
  return `images/test/${index}.png`;
}

/** report.json's entry for one test image with a page. */
export function testEntry(
  input: TestSelectionInput,
  index: number,
  image: { width: number; height: number },
  figures: { explanations?: Figure; featureMaps?: Figure[] } = {},
): TestImage {
  return {
    index,
    true: input.labels[index]!,
    predicted: input.predicted[index]!,
    top: topClasses(input, index),
    image: testImagePath(index),
    width: image.width,
    height: image.height,
    ...(figures.explanations && { explanations: figures.explanations }),
    featureMaps: figures.featureMaps ?? [],
  };
}

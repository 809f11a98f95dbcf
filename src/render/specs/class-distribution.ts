/**
 * Class distribution across the training, validation and test splits: one group of horizontal
 * bars per class, so imbalance and a skewed split show at a glance. Pure: counts in, spec out;
 * the rows embedded in the spec are exactly the downloadable CSV.
 */
import type { TopLevelSpec } from 'vega-lite';
import { fmtCount, fmtPercent } from '../format.ts';
import { SPLITS } from '../theme.ts';

/** Images of each class in each split (index = label). */
export interface SplitCounts {
  train: readonly number[];
  validation: readonly number[];
  test: readonly number[];
}

const SPLIT_NAMES = { train: 'Training', validation: 'Validation', test: 'Test' } as const;

/** Rows `{ class, split, count }` for the splits that have images. */
export function distributionRows(classes: readonly string[], counts: SplitCounts): { class: string; split: string; count: number }[] {
  const splits = (['train', 'validation', 'test'] as const).filter((s) => counts[s].some((c) => c > 0));
  return classes.flatMap((name, k) => splits.map((s) => ({ class: name, split: SPLIT_NAMES[s], count: counts[s][k] ?? 0 })));
}

/** Vega-lite spec: grouped horizontal bars, classes top to bottom in label order. */
export function classDistributionSpec(classes: readonly string[], counts: SplitCounts): TopLevelSpec {
  const rows = distributionRows(classes, counts);
  const splits = [...new Set(rows.map((r) => r.split))];
  const colours = splits.map((s) => (s === 'Training' ? SPLITS.train : s === 'Validation' ? SPLITS.validation : SPLITS.test));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    data: { values: rows },
    width: 420,
    height: { step: 8 },
    mark: { type: 'bar' },
    encoding: {
      y: { field: 'class', type: 'nominal', sort: [...classes], title: null },
      yOffset: { field: 'split', type: 'nominal', sort: splits },
      x: { field: 'count', type: 'quantitative', title: 'Images', axis: { format: ',d', tickMinStep: 1, tickCount: 6 } },
      color: { field: 'split', type: 'nominal', title: null, scale: { domain: splits, range: colours }, legend: { orient: 'top', direction: 'horizontal' } },
      tooltip: [{ field: 'class' }, { field: 'split' }, { field: 'count', format: ',d' }],
    },
  } as TopLevelSpec;
}

/** "10 classes: 54,000 training, 6,000 validation and 10,000 test images; balanced within 1% in training." */
export function classDistributionAlt(classes: readonly string[], counts: SplitCounts): string {
  const total = (s: readonly number[]) => s.reduce((a, b) => a + b, 0);
  const parts = (['train', 'validation', 'test'] as const)
    .filter((s) => total(counts[s]) > 0)
    .map((s) => `${fmtCount(total(counts[s]))} ${SPLIT_NAMES[s].toLowerCase()}`);
  const listed = parts.length > 1 ? `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}` : parts[0] ?? 'no';
  const train = counts.train;
  const max = Math.max(...train);
  const min = Math.min(...train);
  const minClass = classes[train.indexOf(min)] ?? '';
  const maxClass = classes[train.indexOf(max)] ?? '';
  const balance =
    max === 0 ? '' : min === max ? '; every class has the same number of training images' : `; in training the smallest class (${minClass}, ${fmtCount(min)}) has ${fmtPercent(min / max)} of the images of the largest (${maxClass}, ${fmtCount(max)})`;
  return `Images per class for ${classes.length} classes: ${listed} images${balance}.`;
}

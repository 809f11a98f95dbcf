/**
 * Confusion matrix heatmaps (counts and row-normalized) and their alt text.
 *
 * Pure: class names and a count matrix in (rows = true class, columns = predicted), vega-lite
 * specs out. Colour: ColorBrewer Blues interpolated in CIELAB (see src/render/README.md for why).
 */
import type { TopLevelSpec } from 'vega-lite';
import { fmtCount, fmtPercent, plural } from '../format.ts';
import { INK } from '../theme.ts';

/** Which of the two confusion figures to build. */
export type ConfusionMode = 'counts' | 'normalized';

/** One heatmap cell as embedded in the spec's data. */
export interface ConfusionCell {
  /** True class name (row). */
  true: string;
  /** Predicted class name (column). */
  predicted: string;
  /** Number of test images with this (true, predicted) pair. */
  count: number;
  /** count / row total; 0 when the row is empty. */
  fraction: number;
}

/** Throws unless `matrix` is classes.length × classes.length of finite, non-negative numbers. */
export function checkConfusion(classes: readonly string[], matrix: readonly (readonly number[])[]): void {
  const n = classes.length;
  if (matrix.length !== n) {
    throw new Error(`Confusion matrix has ${matrix.length} rows but there are ${n} classes; it must be square with one row and one column per class.`);
  }
  matrix.forEach((row, i) => {
    if (row.length !== n) {
      throw new Error(`Confusion matrix row ${i} (${classes[i]}) has ${row.length} columns but there are ${n} classes; it must be square with one row and one column per class.`);
    }
    row.forEach((v, j) => {
      if (!Number.isFinite(v) || v < 0) {
        throw new Error(`Confusion matrix cell [${i}][${j}] is ${v}; counts must be finite and non-negative.`);
      }
    });
  });
}

/** Divides each row by its sum; a row of zeros stays zeros (never NaN). */
export function normalizeRows(matrix: readonly (readonly number[])[]): number[][] {
  return matrix.map((row) => {
    const total = row.reduce((a, b) => a + b, 0);
    return row.map((v) => (total > 0 ? v / total : 0));
  });
}

/** The cells in row-major order (true class, then predicted class). */
export function confusionCells(classes: readonly string[], matrix: readonly (readonly number[])[]): ConfusionCell[] {
  checkConfusion(classes, matrix);
  const norm = normalizeRows(matrix);
  return matrix.flatMap((row, i) =>
    row.map((count, j) => ({ true: classes[i]!, predicted: classes[j]!, count, fraction: norm[i]![j]! })),
  );
}

/**
 * Colour ramp for both heatmaps: the nine ColorBrewer Blues anchors (near-white → navy),
 * interpolated in CIELAB. Lightness falls monotonically and evenly, so order reads the same
 * with any colour-vision deficiency and in greyscale; zero cells are near-white, so the eye goes
 * to the mistakes rather than to a sea of empty cells.
 */
export const CONFUSION_RANGE = ['#f7fbff', '#deebf7', '#c6dbef', '#9ecae1', '#6baed6', '#4292c6', '#2171b5', '#08519c', '#08306b'];
/**
 * Scale position from which cell text turns white: past ~0.7 of this ramp the background's
 * relative luminance drops below 0.18, where white out-contrasts the dark ink.
 */
const LIGHT_TEXT_FROM = 0.7;
/** Zero cells get quiet grey text so the non-zero ones stand out. */
const ZERO_TEXT = '#9ca3af';

/** Vega-lite heatmap of counts (`mode: 'counts'`) or of each row's share (`'normalized'`). */
export function confusionMatrixSpec(
  classes: readonly string[],
  matrix: readonly (readonly number[])[],
  mode: ConfusionMode = 'counts',
): TopLevelSpec {
  const cells = confusionCells(classes, matrix);
  const n = classes.length;
  const field = mode === 'counts' ? 'count' : 'fraction';
  const max = mode === 'counts' ? Math.max(0, ...cells.map((c) => c.count)) : 1;
  // An all-zero matrix still needs a non-degenerate colour domain.
  const domain = [0, max > 0 ? max : 1];
  const cell = Math.round(Math.min(56, Math.max(26, 380 / Math.max(n, 1))));
  const longest = Math.max(0, ...classes.map((c) => c.length));
  const showText = n <= 20;
  // Tilt column labels only when the longest would not fit its cell (≈0.62 em per character at 11 px).
  const angled = longest * 11 * 0.62 > cell - 4;
  const label =
    mode === 'counts' ? 'format(datum.count, ",d")' : "datum.fraction === 0 ? '0' : format(datum.fraction, '.2f')";
  const sort = [...classes];

  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    data: { values: cells },
    width: { step: cell },
    height: { step: cell },
    encoding: {
      x: {
        field: 'predicted',
        type: 'nominal',
        sort,
        title: 'Predicted',
        axis: { labelAngle: angled ? -45 : 0, labelLimit: 160, domain: false, ticks: false, labelPadding: 6 },
      },
      y: {
        field: 'true',
        type: 'nominal',
        sort,
        title: 'True',
        axis: { labelLimit: 160, domain: false, ticks: false, labelPadding: 6 },
      },
    },
    layer: [
      {
        // A light grid keeps the matrix edge visible where near-white zero cells meet the white page.
        mark: { type: 'rect', stroke: '#e5e7eb', strokeWidth: 1 },
        encoding: {
          color: {
            field,
            type: 'quantitative',
            title: mode === 'counts' ? 'Images' : ['Share of', 'true class'],
            scale: { type: 'linear', range: CONFUSION_RANGE, interpolate: 'lab', domain, nice: false, clamp: true },
            legend: { gradientLength: Math.max(120, Math.min(n * cell, 320)), format: mode === 'counts' ? ',d' : '.1f', tickCount: 5 },
          },
        },
      },
      ...(showText
        ? [
            {
              transform: [{ calculate: label, as: 'label' }],
              mark: { type: 'text', fontSize: cell >= 40 ? 11 : 9, baseline: 'middle' },
              encoding: {
                text: { field: 'label', type: 'nominal' },
                color: {
                  condition: [
                    { test: `datum.${field} === 0`, value: ZERO_TEXT },
                    { test: `datum.${field} >= ${LIGHT_TEXT_FROM * domain[1]!}`, value: '#ffffff' },
                  ],
                  value: INK,
                },
              },
            },
          ]
        : []),
    ],
  } as TopLevelSpec;
}

/**
 * Alt text from the matrix. Counts: "Confusion matrix over 10,000 test images; 91.2% on the
 * diagonal. Most confused: Shirt predicted as T-shirt/top (112 images)." Normalized: per-class
 * recall range and the largest off-diagonal share of a row.
 */
export function confusionMatrixAlt(
  classes: readonly string[],
  matrix: readonly (readonly number[])[],
  mode: ConfusionMode = 'counts',
): string {
  checkConfusion(classes, matrix);
  const n = classes.length;
  const total = matrix.flat().reduce((a, b) => a + b, 0);
  const lead = mode === 'counts' ? 'Confusion matrix' : 'Row-normalized confusion matrix';
  if (total === 0) return `${lead} over ${plural(n, 'class', 'classes')} with no test images.`;

  const sentences: string[] = [];
  if (mode === 'counts') {
    const diagonal = matrix.reduce((a, row, i) => a + row[i]!, 0);
    sentences.push(`${lead} over ${plural(total, 'test image')}; ${fmtPercent(diagonal / total)} on the diagonal.`);
  } else {
    const norm = normalizeRows(matrix);
    const recalls = matrix
      .map((row, i) => ({ name: classes[i]!, total: row.reduce((a, b) => a + b, 0), recall: norm[i]![i]! }))
      .filter((r) => r.total > 0);
    let lo = recalls[0]!;
    let hi = recalls[0]!;
    for (const r of recalls) {
      if (r.recall < lo.recall) lo = r;
      if (r.recall > hi.recall) hi = r;
    }
    const range =
      recalls.length === 1 || lo === hi
        ? `per-class recall is ${fmtPercent(lo.recall)}`
        : `per-class recall ranges from ${fmtPercent(lo.recall)} (${lo.name}) to ${fmtPercent(hi.recall)} (${hi.name})`;
    sentences.push(`${lead} over ${plural(n, 'class', 'classes')}; ${range}.`);
  }

  // The largest off-diagonal cell (by count, or by share of its row); ties go to the first in row-major order.
  const norm = normalizeRows(matrix);
  let best: { i: number; j: number; v: number } | undefined;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (i === j) continue;
      const v = mode === 'counts' ? matrix[i]![j]! : norm[i]![j]!;
      if (v > 0 && (!best || v > best.v)) best = { i, j, v };
    }
  }
  if (!best) {
    sentences.push('No test image was misclassified.');
  } else {
    const pair = `${classes[best.i]} predicted as ${classes[best.j]}`;
    const amount =
      mode === 'counts' ? plural(matrix[best.i]![best.j]!, 'image') : `${fmtPercent(best.v)} of ${classes[best.i]} images`;
    sentences.push(`Most confused: ${pair} (${amount}).`);
  }
  return sentences.join(' ');
}

/**
 * The compare page's per-test-set figures: ROC, precision–recall and reliability curves of every
 * model overlaid (one colour per experiment, the same as the other comparison figures), and the
 * difference of two models' confusion matrices (B − A: where B gains and loses images).
 *
 * Pure: curves and counts in, vega-lite specs and alt text out.
 */
import type { TopLevelSpec } from 'vega-lite';
import { plural } from '../format.ts';
import { INK } from '../theme.ts';
import { COMPARE_PALETTE } from './compare-palette.ts';

/** One experiment's curve: points in drawing order and its summary (AUC, AP, ECE; null = undefined). */
export interface OverlaidCurve {
  id: string;
  x: number[];
  y: number[];
  score: number | null;
}

export type OverlayKind = 'roc' | 'pr' | 'reliability';

const LABELS: Record<OverlayKind, { x: string; y: string; score: string; title: string }> = {
  roc: { x: 'False positive rate', y: 'True positive rate', score: 'micro AUC', title: 'ROC (micro-average)' },
  pr: { x: 'Recall', y: 'Precision', score: 'micro AP', title: 'Precision–recall (micro-average)' },
  reliability: { x: 'Confidence (highest class probability)', y: 'Accuracy', score: 'ECE', title: 'Reliability' },
};

/** Three decimals: AUCs of two good models differ in the third. */
const fmt3 = (v: number) => v.toFixed(3);

/** The legend entry of a curve: "fashion-cnn · micro AUC 0.987". */
export function seriesLabel(kind: OverlayKind, c: OverlaidCurve): string {
  return `${c.id} · ${LABELS[kind].score} ${c.score === null ? 'n/a' : fmt3(c.score)}`;
}

/** One panel, one line per experiment (at most the palette's seven; the caller keeps to that). */
export function overlaidCurvesSpec(kind: OverlayKind, curves: readonly OverlaidCurve[]): TopLevelSpec {
  const labels = curves.map((c) => seriesLabel(kind, c));
  const rows = curves.flatMap((c, k) => c.x.map((x, i) => ({ series: labels[k]!, order: i, x, y: c.y[i]! })));
  // One unit square for both layers, ticks every 0.2, so no layer widens the axes or doubles a label.
  const unit = { domain: [0, 1], nice: false, zero: false };
  const ticks = { values: [0, 0.2, 0.4, 0.6, 0.8, 1], format: '.1f' };
  const reference =
    kind === 'pr'
      ? []
      : [{ data: { values: [{ x: 0, y: 0 }, { x: 1, y: 1 }] }, mark: { type: 'line', color: '#9ca3af', strokeDash: [4, 3], strokeWidth: 1 }, encoding: { x: { field: 'x', type: 'quantitative', scale: unit, axis: ticks }, y: { field: 'y', type: 'quantitative', scale: unit, axis: ticks } } }];
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: 320,
    height: 300,
    layer: [
      ...reference,
      {
        data: { values: rows },
        mark: { type: 'line', strokeWidth: 2, ...(kind === 'reliability' && { point: true }) },
        encoding: {
          x: { field: 'x', type: 'quantitative', title: LABELS[kind].x, scale: unit, axis: ticks },
          y: { field: 'y', type: 'quantitative', title: LABELS[kind].y, scale: unit, axis: ticks },
          order: { field: 'order', type: 'quantitative' },
          color: { field: 'series', type: 'nominal', title: null, scale: { domain: labels, range: COMPARE_PALETTE.slice(0, labels.length) }, legend: { orient: 'bottom', columns: 1, labelLimit: 420 } },
        },
      },
    ],
  } as TopLevelSpec;
}

/** "ROC curves of 2 models on the same 10,000 test images: fashion-cnn has the higher micro AUC (0.994 against 0.991)." */
export function overlaidCurvesAlt(kind: OverlayKind, curves: readonly OverlaidCurve[], images: number): string {
  const what = `${LABELS[kind].title} curves of ${plural(curves.length, 'model')} on the same ${plural(images, 'test image')}`;
  const scored = curves.filter((c) => c.score !== null);
  if (scored.length < 2) return `${what}.`;
  const sorted = [...scored].sort((a, b) => (kind === 'reliability' ? a.score! - b.score! : b.score! - a.score!));
  const best = sorted[0]!;
  if (sorted.every((c) => fmt3(c.score!) === fmt3(best.score!))) return `${what}: all have the same ${LABELS[kind].score} to three decimals (${fmt3(best.score!)}).`;
  const rest = sorted.slice(1).map((c) => `${c.id} ${fmt3(c.score!)}`).join(', ');
  return kind === 'reliability'
    ? `${what}: ${best.id} is the best calibrated (expected calibration error ${fmt3(best.score!)}; ${rest}).`
    : `${what}: ${best.id} has the highest ${LABELS[kind].score} (${fmt3(best.score!)}; ${rest}).`;
}

/** B − A per (true, predicted) cell. */
export function confusionDifference(a: readonly (readonly number[])[], b: readonly (readonly number[])[]): number[][] {
  if (a.length !== b.length) throw new Error(`The confusion matrices have ${a.length} and ${b.length} rows; both models must have the same classes.`);
  return a.map((row, i) => row.map((v, j) => b[i]![j]! - v));
}

/**
 * Diverging heatmap of B − A: on the diagonal a positive cell is B getting more of that class
 * right (good, blue); off the diagonal a positive cell is B making more of that mistake (bad,
 * orange). So the colour says better/worse, the number says how many images, and the legend
 * says which is which.
 */
export function confusionDifferenceSpec(classes: readonly string[], diff: readonly (readonly number[])[], a: string, b: string): TopLevelSpec {
  const cells = diff.flatMap((row, i) =>
    row.map((d, j) => ({ true: classes[i]!, predicted: classes[j]!, diff: d, better: i === j ? d : -d, label: d === 0 ? '0' : d > 0 ? `+${d}` : `${d}` })),
  );
  const extent = Math.max(1, ...cells.map((c) => Math.abs(c.better)));
  // B is named in the title; the legend stays short whatever the ids.
  const size = Math.max(24, Math.min(44, Math.floor(480 / Math.max(1, classes.length))));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: `B = ${b} minus A = ${a}: test images per cell`, anchor: 'start', fontSize: 12 },
    data: { values: cells },
    width: size * classes.length,
    height: size * classes.length,
    encoding: {
      x: { field: 'predicted', type: 'nominal', sort: [...classes], title: 'Predicted class', axis: { labelAngle: -40 } },
      y: { field: 'true', type: 'nominal', sort: [...classes], title: 'True class' },
    },
    layer: [
      {
        mark: { type: 'rect', stroke: '#ffffff', strokeWidth: 1 },
        encoding: {
          color: {
            field: 'better',
            type: 'quantitative',
            title: ['Images', 'blue: better for B', 'orange: worse'],
            scale: { domain: [-extent, 0, extent], range: ['#d55e00', '#f7f7f7', '#0072b2'] },
            legend: { orient: 'right', direction: 'vertical' },
          },
        },
      },
      { mark: { type: 'text', fontSize: 10, color: INK }, encoding: { text: { field: 'label' } } },
    ],
  } as TopLevelSpec;
}

/** "Where fashion-resnet differs from fashion-cnn: 37 more Shirt images right, 12 fewer …" */
export function confusionDifferenceAlt(classes: readonly string[], diff: readonly (readonly number[])[], a: string, b: string): string {
  const diagonal = classes.map((name, i) => ({ name, d: diff[i]![i]! })).filter((c) => c.d !== 0).sort((x, y) => Math.abs(y.d) - Math.abs(x.d));
  let off = { d: 0, t: '', p: '' };
  diff.forEach((row, i) => row.forEach((d, j) => { if (i !== j && Math.abs(d) > Math.abs(off.d)) off = { d, t: classes[i]!, p: classes[j]! }; }));
  if (diagonal.length === 0 && off.d === 0) return `${b} and ${a} have identical confusion matrices.`;
  const parts = diagonal.slice(0, 3).map((c) => `${Math.abs(c.d)} ${c.d > 0 ? 'more' : 'fewer'} ${c.name} images right`);
  const mistake = off.d === 0 ? '' : `; the largest change among the mistakes is ${off.t} taken for ${off.p}, ${Math.abs(off.d)} ${off.d > 0 ? 'more' : 'fewer'} times`;
  return `Confusion matrix of ${b} minus that of ${a}: ${parts.join(', ') || 'no change on the diagonal'}${mistake}.`;
}

/**
 * Training curves across experiments: validation accuracy and validation loss per epoch.
 *
 * - Up to seven experiments: overlaid, one colour each (compare-palette.ts) with a legend, two
 *   panels side by side, points while epochs are few.
 * - More: small multiples, one panel per experiment and metric, the experiment in blue over all
 *   the others in light grey — every line keeps its context, and none needs a colour to be found.
 *
 * Experiments without a validation set have no validation curve: they are left out and named
 * in the figure's subtitle and alt text. The embedded rows are exactly the downloadable CSV; the
 * small multiples' "every panel sees every line" is a flatten transform inside the spec.
 */
import type { TopLevelSpec } from 'vega-lite';
import { toCsv } from '../csv.ts';
import { fmtValue, plural } from '../format.ts';
import { INK_MUTED } from '../theme.ts';
import type { ExperimentHistory } from './compare-metrics.ts';
import { experimentColours, HIGHLIGHT } from './compare-palette.ts';
import { hasValidation } from './training-curves.ts';

/** One point of one curve. */
export interface CurvePoint {
  id: string;
  epoch: number;
  val_loss: number | null;
  val_accuracy: number | null;
}

/** Experiments that recorded any validation value, and those that did not (by id). */
export function splitByValidation(experiments: readonly ExperimentHistory[]): { drawn: ExperimentHistory[]; missing: string[] } {
  const has = (e: ExperimentHistory) => hasValidation(e.history);
  return { drawn: experiments.filter(has), missing: experiments.filter((e) => !has(e)).map((e) => e.id) };
}

/** The curves' rows: every epoch of every experiment that has validation values. */
export function curvePoints(experiments: readonly ExperimentHistory[]): CurvePoint[] {
  return splitByValidation(experiments).drawn.flatMap((e) => e.history.map((r) => ({ id: e.id, epoch: r.epoch, val_loss: r.val_loss, val_accuracy: r.val_accuracy })));
}

/** The figure's data file: id, epoch, val_loss, val_accuracy. */
export function compareCurvesCsv(points: readonly CurvePoint[]): string {
  return toCsv(['id', 'epoch', 'val_loss', 'val_accuracy'], points.map((p) => [p.id, p.epoch, p.val_loss, p.val_accuracy]));
}

type Metric = 'val_accuracy' | 'val_loss';
const TITLES: Record<Metric, string> = { val_accuracy: 'Validation accuracy', val_loss: 'Validation loss' };

function yScale(metric: Metric) {
  return metric === 'val_accuracy' ? { zero: false, domainMax: 1, nice: true } : { zero: true, nice: true };
}

const epochAxis = { field: 'epoch', type: 'quantitative', title: 'Epoch', axis: { format: 'd', tickMinStep: 1, grid: false }, scale: { zero: false, nice: false } } as const;

/** Overlaid: one panel per metric, a coloured line (and points) per experiment, one legend. */
function overlaid(ids: string[], colours: string[], maxEpochs: number) {
  const points = maxEpochs <= 30;
  const panel = (metric: Metric) => ({
    title: TITLES[metric],
    width: 300,
    height: 220,
    transform: [{ filter: `isValid(datum.${metric}) && isFinite(datum.${metric})` }],
    encoding: {
      x: epochAxis,
      y: { field: metric, type: 'quantitative', title: TITLES[metric], scale: yScale(metric), axis: { labelFlush: true } },
      color: { field: 'id', type: 'nominal', title: null, scale: { domain: ids, range: colours }, legend: { orient: 'top', direction: 'horizontal', columns: 4, symbolType: 'stroke', labelLimit: 220 } },
      detail: { field: 'id' },
      tooltip: [{ field: 'id', title: 'Experiment' }, { field: 'epoch', title: 'Epoch' }, { field: metric, title: TITLES[metric], format: '.4f' }],
    },
    layer: [{ mark: { type: 'line', strokeWidth: 2 } }, ...(points ? [{ mark: { type: 'point', filled: true, size: 28, opacity: 1 } }] : [])],
  });
  return { hconcat: [panel('val_accuracy'), panel('val_loss')], spacing: 32 };
}

/** Small multiples: per metric, a grid with one panel per experiment, highlighted over the rest. */
function multiples(ids: string[]) {
  // Vega expression array literal of the ids: every row is copied into every panel.
  const panels = `[${ids.map((id) => JSON.stringify(id)).join(', ')}]`;
  const grid = (metric: Metric) => ({
    title: TITLES[metric],
    transform: [
      { filter: `isValid(datum.${metric}) && isFinite(datum.${metric})` },
      { calculate: panels, as: 'panel' },
      { flatten: ['panel'] },
      { calculate: 'datum.id === datum.panel', as: 'highlight' },
    ],
    facet: { field: 'panel', type: 'nominal', sort: ids, title: null, header: { labelFontSize: 11, labelLimit: 150 } },
    columns: 4,
    spec: {
      width: 150,
      height: 90,
      encoding: {
        x: { ...epochAxis, title: null },
        y: { field: metric, type: 'quantitative', title: null, scale: yScale(metric) },
        detail: { field: 'id' },
      },
      layer: [
        { transform: [{ filter: '!datum.highlight' }], mark: { type: 'line', strokeWidth: 1, color: HIGHLIGHT.off } },
        { transform: [{ filter: 'datum.highlight' }], mark: { type: 'line', strokeWidth: 2, color: HIGHLIGHT.on } },
      ],
    },
    resolve: { scale: { y: 'shared', x: 'shared' } },
  });
  return { vconcat: [grid('val_accuracy'), grid('val_loss')], spacing: 28 };
}

/** Vega-lite spec of the cross-experiment curves (overlaid up to seven experiments, small multiples beyond). */
export function compareCurvesSpec(experiments: readonly ExperimentHistory[]): TopLevelSpec {
  const { drawn, missing } = splitByValidation(experiments);
  const ids = drawn.map((e) => e.id);
  const colours = experimentColours(ids);
  const maxEpochs = Math.max(0, ...drawn.map((e) => e.history.length));
  const body = colours ? overlaid(ids, colours, maxEpochs) : multiples(ids);
  const note = missing.length > 0 ? `Not drawn (no validation values): ${missing.join(', ')}` : undefined;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    ...(note && { title: { text: note, color: INK_MUTED, fontSize: 11, fontWeight: 'normal', anchor: 'start' } }),
    data: { values: curvePoints(experiments) },
    ...body,
  } as TopLevelSpec;
}

/** One experiment's trajectory of `metric`: last value, best value and its epoch, epochs recorded. */
function summary(e: ExperimentHistory, metric: Metric) {
  const rows = e.history.filter((r) => r[metric] !== null && Number.isFinite(r[metric]));
  if (rows.length === 0) return undefined;
  const better = (a: number, b: number) => (metric === 'val_accuracy' ? a > b : a < b);
  let best = rows[0]!;
  for (const r of rows) if (better(r[metric]!, best[metric]!)) best = r;
  return { id: e.id, last: rows.at(-1)![metric]!, best: best[metric]!, bestEpoch: best.epoch, epochs: rows.length };
}

/**
 * Alt text: per experiment (up to seven) where validation accuracy ends and peaks; beyond that,
 * the best and worst final values. Then the lowest final validation loss, and who is not drawn.
 */
export function compareCurvesAlt(experiments: readonly ExperimentHistory[]): string {
  const { drawn, missing } = splitByValidation(experiments);
  const sentences: string[] = [];
  if (drawn.length === 0) sentences.push('Validation curves across experiments: no experiment recorded validation values.');
  const acc = drawn.map((e) => summary(e, 'val_accuracy')).filter((s) => s !== undefined);
  if (acc.length > 0 && drawn.length <= 7) {
    const each = acc.map((s) => `${s.id} ends at ${fmtValue(s.last)} after ${plural(s.epochs, 'epoch')}${s.best !== s.last ? ` (best ${fmtValue(s.best)} at epoch ${s.bestEpoch})` : ''}`);
    sentences.push(`Validation accuracy per epoch of ${plural(drawn.length, 'experiment')}: ${each.join('; ')}.`);
  } else if (acc.length > 0) {
    const sorted = [...acc].sort((a, b) => b.last - a.last || (a.id < b.id ? -1 : 1));
    sentences.push(`Validation accuracy per epoch of ${plural(drawn.length, 'experiment')}, one panel each: the highest final value is ${sorted[0]!.id}'s ${fmtValue(sorted[0]!.last)}, the lowest ${sorted.at(-1)!.id}'s ${fmtValue(sorted.at(-1)!.last)}.`);
  }
  const loss = drawn.map((e) => summary(e, 'val_loss')).filter((s) => s !== undefined);
  if (loss.length > 0) {
    const lowest = [...loss].sort((a, b) => a.last - b.last || (a.id < b.id ? -1 : 1))[0]!;
    sentences.push(`The lowest final validation loss is ${lowest.id}'s ${fmtValue(lowest.last)}.`);
  }
  if (missing.length > 0) sentences.push(`Not drawn, having no validation values: ${missing.join(', ')}.`);
  return sentences.join(' ');
}

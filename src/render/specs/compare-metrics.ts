/**
 * Final validation loss and accuracy per experiment: two panels of horizontal bars, one row per
 * experiment in report order. An experiment trained without a validation set keeps its row with
 * no bar and the words "no validation values" (no validation split, or an imported model without a history), so it is never silently missing.
 *
 * "Final" is the epoch whose weights the experiment kept: the epoch early stopping restored,
 * else the last one — the model the rest of the report evaluates.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { HistoryRow } from '../../site/report.ts';
import { toCsv } from '../csv.ts';
import { fmtApart, fmtValue, plural } from '../format.ts';
import { INK, INK_MUTED } from '../theme.ts';
import { experimentColours, HIGHLIGHT } from './compare-palette.ts';

/** One experiment's training record, as the cross-experiment figures need it. */
export interface ExperimentHistory {
  id: string;
  title: string;
  history: readonly HistoryRow[];
  /** The epoch whose weights were kept (early stopping's restored epoch), when not the last. */
  keptEpoch?: number;
}

/** One bar-chart row: the kept epoch's validation values (null without a validation set). */
export interface FinalValidation {
  id: string;
  title: string;
  epoch: number | null;
  val_loss: number | null;
  val_accuracy: number | null;
}

/** The kept epoch's validation loss and accuracy of each experiment, in input order. */
export function finalValidation(experiments: readonly ExperimentHistory[]): FinalValidation[] {
  return experiments.map((e) => {
    const kept = (e.keptEpoch !== undefined ? e.history.find((r) => r.epoch === e.keptEpoch) : undefined) ?? e.history.at(-1);
    return { id: e.id, title: e.title, epoch: kept?.epoch ?? null, val_loss: kept?.val_loss ?? null, val_accuracy: kept?.val_accuracy ?? null };
  });
}

/** The bar chart's data file: id, title, epoch, val_loss, val_accuracy (empty cells without validation). */
export function compareMetricsCsv(rows: readonly FinalValidation[]): string {
  return toCsv(['id', 'title', 'epoch', 'val_loss', 'val_accuracy'], rows.map((r) => [r.id, r.title, r.epoch, r.val_loss, r.val_accuracy]));
}

const PANEL_WIDTH = 260;

/** Vega-lite spec: Validation accuracy | Validation loss, bars coloured per experiment (up to seven). */
export function compareMetricsSpec(rows: readonly FinalValidation[]): TopLevelSpec {
  const ids = rows.map((r) => r.id);
  const colours = experimentColours(ids);
  const colour = colours
    ? { field: 'id', type: 'nominal', scale: { domain: ids, range: colours }, legend: null }
    : { value: HIGHLIGHT.on };
  const panel = (field: 'val_accuracy' | 'val_loss', title: string) => ({
    width: PANEL_WIDTH,
    height: { step: 26 },
    title,
    encoding: {
      y: { field: 'id', type: 'nominal', sort: ids, title: null, scale: { domain: ids }, axis: { labelLimit: 200 } },
    },
    layer: [
      {
        transform: [{ filter: `isValid(datum.${field})` }],
        mark: { type: 'bar', height: 16 },
        encoding: {
          x: {
            field,
            type: 'quantitative',
            title: title,
            scale: field === 'val_accuracy' ? { domain: [0, 1] } : { zero: true, nice: true },
            axis: { grid: true, tickCount: 4, labelOverlap: true },
          },
          color: colour,
          tooltip: [{ field: 'title', title: 'Experiment' }, { field: 'epoch', title: 'Epoch' }, { field, title, format: '.4f' }],
        },
      },
      {
        transform: [{ filter: `isValid(datum.${field})` }, { calculate: `format(datum.${field}, '.3f')`, as: 'label' }],
        mark: { type: 'text', align: 'left', dx: 4, fontSize: 11, color: INK },
        encoding: { x: { field, type: 'quantitative' }, text: { field: 'label' } },
      },
      {
        transform: [{ filter: `!isValid(datum.${field})` }],
        mark: { type: 'text', align: 'left', dx: 4, fontSize: 11, fontStyle: 'italic', color: INK_MUTED },
        encoding: { x: { datum: 0, type: 'quantitative' }, text: { value: 'no validation values' } },
      },
    ],
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    data: { values: rows.map((r) => ({ ...r })) },
    hconcat: [panel('val_accuracy', 'Validation accuracy'), panel('val_loss', 'Validation loss')],
    spacing: 48,
  } as TopLevelSpec;
}

/** "a, b and c". */
function list(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/**
 * Alt text from the rows: the best and worst final validation accuracy and loss, and which
 * experiments have no validation set. E.g. "Final validation accuracy of 3 experiments, from
 * 0.70 (cnn) to 0.91 (resnet); validation loss from 0.25 (resnet) to 0.91 (cnn). mnist has no
 * validation set and no bar."
 */
export function compareMetricsAlt(rows: readonly FinalValidation[]): string {
  const n = rows.length;
  const withAcc = rows.filter((r) => r.val_accuracy !== null);
  const withLoss = rows.filter((r) => r.val_loss !== null);
  const missing = rows.filter((r) => r.val_accuracy === null && r.val_loss === null).map((r) => r.id);
  const sentences: string[] = [];
  const range = (list_: FinalValidation[], key: 'val_accuracy' | 'val_loss') => {
    const sorted = [...list_].sort((a, b) => a[key]! - b[key]! || (a.id < b.id ? -1 : 1));
    const lo = sorted[0]!;
    const hi = sorted.at(-1)!;
    if (sorted.length === 1) return `${fmtValue(lo[key]!)} (${lo.id})`;
    const [low, high] = fmtApart(lo[key]!, hi[key]!);
    return `from ${low} (${lo.id}) to ${high} (${hi.id})`;
  };
  const parts: string[] = [];
  const of = withAcc.length === n ? plural(n, 'experiment') : `the ${plural(withAcc.length, 'experiment')} with a validation set`;
  if (withAcc.length > 0) parts.push(`Final validation accuracy of ${of}, ${range(withAcc, 'val_accuracy')}`);
  if (withLoss.length > 0) parts.push(`${parts.length ? 'validation' : `Final validation`} loss ${range(withLoss, 'val_loss')}`);
  if (parts.length > 0) sentences.push(`${parts.join('; ')}.`);
  if (missing.length > 0) sentences.push(`${list(missing)} ${missing.length === 1 ? 'has no validation values and no bar' : 'have no validation values and no bars'}.`);
  if (n === 0) sentences.push('No experiments to compare.');
  return sentences.join(' ');
}

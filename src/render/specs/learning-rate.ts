/**
 * Learning-rate schedule: the rate each epoch trained at, as the history recorded it, with the
 * same event marks as the training curves (fine-tuning, early stop, restored epoch).
 *
 * Pure: history rows in, a vega-lite spec (and alt text) out. Drawn only when the rate changed
 * during the run; a constant rate is one number, already in the training section's sentence.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { HistoryRow } from '../../site/report.ts';
import { plural } from '../format.ts';
import { SERIES } from '../theme.ts';
import { markLayers, type TrainingMark } from './training-curves.ts';

const PANEL = { width: 300, height: 160 } as const;

/** Rates spanning more than this ratio are drawn on a log axis, so a decay's tail stays readable. */
const LOG_RATIO = 20;

/** Whether the run's learning rate is known for every epoch and changed at all. */
export function rateVaries(rows: readonly HistoryRow[]): boolean {
  return rows.every((r) => r.lr !== null) && rows.some((r) => r.lr !== rows[0]!.lr);
}

/** The rates of a history whose every rate is known (`rateVaries`). */
const ratesOf = (rows: readonly HistoryRow[]): number[] => rows.map((r) => r.lr ?? Number.NaN);

/** A rate in three significant digits, without trailing zeros ("0.002", "0.000293", "1.5e-7"). */
export function rateText(v: number): string {
  return String(Number(v.toPrecision(3)));
}

function logScale(rows: readonly HistoryRow[]): boolean {
  const rates = ratesOf(rows).filter((v) => v > 0);
  return rates.length === rows.length && Math.max(...rates) / Math.min(...rates) > LOG_RATIO;
}

/** Vega-lite spec: the rate per epoch as steps, event marks as rules. */
export function learningRateSpec(rows: readonly HistoryRow[], marks: readonly TrainingMark[] = []): TopLevelSpec {
  const epochs = rows.map((r) => r.epoch);
  const first = Math.min(...epochs);
  const last = Math.max(...epochs);
  const domain = first === last ? [first - 0.5, last + 0.5] : [first, last];
  const log = logScale(rows);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    data: { values: rows.map((r) => ({ epoch: r.epoch, lr: r.lr })) },
    width: PANEL.width,
    height: PANEL.height,
    layer: [
      {
        encoding: {
          x: { field: 'epoch', type: 'quantitative', title: 'Epoch', scale: { domain, nice: false, zero: false }, axis: { format: 'd', tickMinStep: 1, grid: false } },
          y: {
            field: 'lr',
            type: 'quantitative',
            title: log ? 'Learning rate (log scale)' : 'Learning rate',
            scale: log ? { type: 'log' } : { zero: true, nice: true },
            axis: { format: '~g' },
          },
        },
        layer: [
          // The rate holds for a whole epoch: steps centred on the epochs, not slopes between them
          // (and, unlike step-after, the last epoch gets a step of its own).
          { mark: { type: 'line', strokeWidth: 2, color: SERIES.train, interpolate: 'step' } },
          { mark: { type: 'point', filled: true, size: rows.length <= 30 ? 36 : 0, color: SERIES.train, opacity: 1 } },
        ],
      },
      ...markLayers(marks, domain),
    ],
  } as TopLevelSpec;
}

/**
 * Alt text from the data, e.g. "Learning rate per epoch over 5 epochs: starts at 0.001, peaks at
 * 0.002 at epoch 2, ends at 0.000293 at epoch 5." Lists the epochs where it changed when it
 * changed in steps (a piecewise or step schedule).
 */
export function learningRateAlt(rows: readonly HistoryRow[]): string {
  const rates = ratesOf(rows);
  const first = rates[0]!;
  let peak = 0;
  for (let i = 1; i < rates.length; i++) if (rates[i]! > rates[peak]!) peak = i;
  const parts = [`starts at ${rateText(first)}`];
  if (peak > 0) parts.push(`peaks at ${rateText(rates[peak]!)} at epoch ${rows[peak]!.epoch}`);
  parts.push(`ends at ${rateText(rates.at(-1)!)} at epoch ${rows.at(-1)!.epoch}`);
  const sentences = [`Learning rate per epoch over ${plural(rows.length, 'epoch')}${logScale(rows) ? ' (log scale)' : ''}: ${parts.join(', ')}.`];
  const changes = rows.slice(1).filter((r, i) => r.lr !== rates[i]).map((r) => r.epoch);
  // Steps are worth naming (a piecewise or step schedule); a rate that moves every epoch is not.
  if (changes.length > 0 && changes.length <= 4 && changes.length < rows.length - 1) {
    const list = changes.length === 1 ? String(changes[0]) : `${changes.slice(0, -1).join(', ')} and ${changes.at(-1)}`;
    sentences.push(`It changes at ${changes.length === 1 ? 'epoch' : 'epochs'} ${list}.`);
  }
  return sentences.join(' ');
}

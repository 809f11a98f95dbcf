/**
 * Training curves: loss and accuracy per epoch, training vs validation, side by side, with the
 * run's events marked as vertical rules: where fine-tuning began, where early stopping stopped
 * and which epoch's weights it restored (the weights every later number comes from).
 *
 * Pure: history rows in, a vega-lite spec (and alt text) out. The rows are embedded unchanged as
 * the spec's data; each panel folds its two columns into (series, value) itself, so the spec's
 * data is exactly the history the reader can download.
 *
 * A repeated experiment (`train.repeats`) draws the same panels from one row per epoch holding
 * each series' mean over the runs and its standard deviation (`BandRow`): the line is the mean,
 * a translucent band spans mean ± one standard deviation (clipped to the value's range).
 */
import type { TopLevelSpec } from 'vega-lite';
import type { ExperimentEntry, HistoryRow } from '../../site/report.ts';
import { fmtValue, plural } from '../format.ts';
import { INK_MUTED, SERIES } from '../theme.ts';

export type { HistoryRow };

/** One event on the epoch axis. */
export interface TrainingMark {
  epoch: number;
  kind: 'fineTune' | 'stopped' | 'restored';
}

type Phase = NonNullable<ExperimentEntry['train']>['phases'][number];

const MARK_LABEL: Record<TrainingMark['kind'], string> = { fineTune: 'fine-tuning', stopped: 'stopped', restored: 'restored' };

/** The events of a run's phases, in epoch order: fine-tuning's first epoch, early stops, restored epochs. */
export function trainingMarks(phases: readonly Phase[]): TrainingMark[] {
  const marks: TrainingMark[] = [];
  for (const p of phases) {
    if (p.phase === 'fineTune') marks.push({ epoch: p.firstEpoch, kind: 'fineTune' });
    if (p.restoredEpoch !== undefined) marks.push({ epoch: p.restoredEpoch, kind: 'restored' });
    if (p.stoppedEpoch !== undefined) marks.push({ epoch: p.stoppedEpoch, kind: 'stopped' });
  }
  return marks.sort((a, b) => a.epoch - b.epoch);
}

/** Width and height of one panel, CSS px. */
const PANEL = { width: 300, height: 220 } as const;

/** Series names as they appear in the legend. */
const TRAIN = 'Training';
const VALIDATION = 'Validation';

/** What the panels read of a row: one run's history row, or the mean of several runs (BandRow). */
type CurveRow = Pick<HistoryRow, 'epoch' | 'loss' | 'accuracy' | 'val_loss' | 'val_accuracy'>;

/**
 * One epoch of repeated runs: each series' mean over the runs that reached the epoch (early
 * stopping can end runs at different epochs) and its sample standard deviation (n − 1), null
 * where fewer than two runs have a value.
 */
export interface BandRow extends CurveRow {
  /** Runs that reached this epoch. */
  runs: number;
  loss_std: number | null;
  accuracy_std: number | null;
  val_loss_std: number | null;
  val_accuracy_std: number | null;
}

/** Whether any epoch has a validation loss or accuracy. */
export function hasValidation(rows: readonly CurveRow[]): boolean {
  return rows.some((r) => r.val_loss !== null || r.val_accuracy !== null);
}

/**
 * The marks as rule + label layers over a panel whose x axis spans `domain`. Labels stack one
 * line per mark from the top, so two events an epoch apart never print over each other.
 */
export function markLayers(marks: readonly TrainingMark[], domain: number[]): object[] {
  if (marks.length === 0) return [];
  const values = marks.map((m) => ({ epoch: m.epoch, label: MARK_LABEL[m.kind] }));
  const x = { field: 'epoch', type: 'quantitative', scale: { domain, nice: false, zero: false } };
  return [
    { data: { values }, mark: { type: 'rule', color: INK_MUTED, strokeDash: [3, 3], strokeWidth: 1 }, encoding: { x } },
    // One text layer per label at a fixed pixel row: a y field would join the panel's y scale.
    // Labels in the right half sit left of their rule, so none runs past the panel's edge.
    ...values.map((v, i) => {
      const right = v.epoch > (domain[0]! + domain[1]!) / 2;
      return {
        data: { values: [v] },
        mark: { type: 'text', align: right ? 'right' : 'left', baseline: 'top', dx: right ? -3 : 3, fontSize: 10, color: INK_MUTED },
        encoding: { x, y: { value: 2 + 12 * i }, text: { field: 'label' } },
      };
    }),
  ];
}

/** Vega-lite spec: two panels (Loss, Accuracy), one line with points per series, shared legend; `marks` as rules. */
export function trainingCurvesSpec(rows: readonly HistoryRow[], marks: readonly TrainingMark[] = []): TopLevelSpec {
  return curvesSpec(rows, marks, false);
}

/**
 * The training curves of repeated runs: the same panels drawn from `bands` (one row per epoch),
 * each line the mean over the runs with a band of ± one standard deviation; `marks` are the
 * events every run shares.
 */
export function repeatedCurvesSpec(bands: readonly BandRow[], marks: readonly TrainingMark[] = []): TopLevelSpec {
  return curvesSpec(bands, marks, true);
}

/**
 * The band under each series: mean ± std of the folded value, clipped to where the value can lie
 * (a loss is never negative, an accuracy never above 1). Drawn first, so the line sits on top.
 */
function bandLayer(train: 'loss' | 'accuracy', title: string): object {
  return {
    transform: [
      { calculate: "datum[datum.key + '_std']", as: 'std' },
      { filter: 'isValid(datum.std) && isFinite(datum.std)' },
      { calculate: 'max(0, datum.value - datum.std)', as: 'lo' },
      { calculate: train === 'accuracy' ? 'min(1, datum.value + datum.std)' : 'datum.value + datum.std', as: 'hi' },
    ],
    mark: { type: 'area', fillOpacity: 0.2 },
    // An area has no stroke to dash: null drops the panel's strokeDash for this layer.
    encoding: { y: { field: 'lo', type: 'quantitative', title }, y2: { field: 'hi' }, strokeDash: null },
  };
}

function curvesSpec(rows: readonly CurveRow[], marks: readonly TrainingMark[], bands: boolean): TopLevelSpec {
  const validation = hasValidation(rows);
  const series = validation ? [TRAIN, VALIDATION] : [TRAIN];
  const epochs = rows.map((r) => r.epoch);
  const first = epochs.length ? Math.min(...epochs) : 1;
  const last = epochs.length ? Math.max(...epochs) : 1;
  // One epoch would collapse the domain to a point; pad it so the single tick sits centred.
  const domain = first === last ? [first - 0.5, last + 0.5] : [first, last];
  // Points help with a few epochs and become noise with hundreds.
  const pointSize = rows.length <= 30 ? 36 : rows.length <= 80 ? 12 : 0;

  const curvesLayer = (train: 'loss' | 'accuracy', val: 'val_loss' | 'val_accuracy', title: string) => ({
    transform: [
      { fold: validation ? [train, val] : [train], as: ['key', 'value'] },
      { filter: 'isValid(datum.value) && isFinite(datum.value)' },
      { calculate: `datum.key === '${train}' ? '${TRAIN}' : '${VALIDATION}'`, as: 'series' },
    ],
    encoding: {
      x: {
        field: 'epoch',
        type: 'quantitative',
        title: 'Epoch',
        scale: { domain, nice: false, zero: false },
        axis: { format: 'd', tickMinStep: 1, grid: false },
      },
      y: {
        field: 'value',
        type: 'quantitative',
        title,
        // Flush end labels keep both panels' bounds equal, so the two panel titles line up.
        axis: { labelFlush: true },
        scale: train === 'accuracy' ? { zero: false, domainMax: 1, nice: true } : { zero: true, nice: true },
      },
      color: {
        field: 'series',
        type: 'nominal',
        title: null,
        scale: { domain: series, range: series.map((s) => (s === TRAIN ? SERIES.train : SERIES.validation)) },
        legend: { orient: 'top', direction: 'horizontal', symbolType: 'stroke' },
      },
      strokeDash: {
        field: 'series',
        type: 'nominal',
        title: null,
        scale: { domain: series, range: series.map((s) => (s === TRAIN ? [1, 0] : [6, 3])) },
        legend: { orient: 'top', direction: 'horizontal', symbolType: 'stroke' },
      },
    },
    layer: [
      ...(bands ? [bandLayer(train, title)] : []),
      { mark: { type: 'line', strokeWidth: 2 } },
      ...(pointSize > 0 ? [{ mark: { type: 'point', filled: true, size: pointSize, opacity: 1 } }] : []),
    ],
  });
  const panel = (title: string, train: 'loss' | 'accuracy', val: 'val_loss' | 'val_accuracy') => ({
    title,
    width: PANEL.width,
    height: PANEL.height,
    layer: [curvesLayer(train, val, title), ...markLayers(marks, domain)],
  });

  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    data: { values: rows.map((r) => ({ ...r })) },
    hconcat: [panel('Loss', 'loss', 'val_loss'), panel('Accuracy', 'accuracy', 'val_accuracy')],
    spacing: 32,
  } as TopLevelSpec;
}

function markPhrase(m: TrainingMark): string {
  switch (m.kind) {
    case 'fineTune':
      return `fine-tuning starts at epoch ${m.epoch}`;
    case 'restored':
      return `the weights of epoch ${m.epoch} were restored`;
    case 'stopped':
      return `early stopping ended training after epoch ${m.epoch}`;
  }
}

/** One metric's trajectory: the non-null values with their epochs. */
interface Trajectory {
  epochs: number[];
  values: number[];
}

function trajectory<R extends CurveRow>(rows: readonly R[], pick: (r: R) => number | null): Trajectory {
  const t: Trajectory = { epochs: [], values: [] };
  for (const r of rows) {
    const v = pick(r);
    if (v !== null && Number.isFinite(v)) {
      t.epochs.push(r.epoch);
      t.values.push(v);
    }
  }
  return t;
}

/** "rises from 0.71 to 0.90" / "falls from …" / "stays at 0.80"; compared as printed. */
function movement(t: Trajectory): string {
  const a = fmtValue(t.values[0]!);
  const b = fmtValue(t.values.at(-1)!);
  if (t.values.length === 1) return `is ${a}`;
  if (a === b) return `stays at ${a}`;
  return `${Number(b) > Number(a) ? 'rises' : 'falls'} from ${a} to ${b}`;
}

/**
 * Alt text from the data: the headline accuracy (validation when recorded, else training), its
 * best epoch, then the loss. E.g. "Validation accuracy rises from 0.71 to 0.90 over 10 epochs;
 * best 0.91 at epoch 8. Training loss falls from 0.62 to 0.21; validation loss falls from 0.55 to 0.30."
 */
export function trainingCurvesAlt(rows: readonly CurveRow[], marks: readonly TrainingMark[] = []): string {
  if (rows.length === 0) return 'Training curves: no epochs were recorded.';
  const validation = hasValidation(rows);
  const n = rows.length;
  const sentences: string[] = [];

  const accName = validation ? 'Validation accuracy' : 'Training accuracy';
  const acc = trajectory(rows, validation ? (r) => r.val_accuracy : (r) => r.accuracy);
  if (acc.values.length > 0) {
    if (n === 1) {
      sentences.push(`${accName} is ${fmtValue(acc.values[0]!)} after 1 epoch.`);
    } else {
      let best = 0;
      for (let i = 1; i < acc.values.length; i++) if (acc.values[i]! > acc.values[best]!) best = i;
      const bestEpoch = acc.epochs[best]!;
      const lastEpoch = acc.epochs.at(-1)!;
      const bestText =
        bestEpoch === lastEpoch ? `best at the last epoch (${bestEpoch})` : `best ${fmtValue(acc.values[best]!)} at epoch ${bestEpoch}`;
      sentences.push(`${accName} ${movement(acc)} over ${plural(n, 'epoch')}; ${bestText}.`);
    }
  }

  const loss = trajectory(rows, (r) => r.loss);
  const valLoss = trajectory(rows, (r) => r.val_loss);
  const lossParts: string[] = [];
  if (loss.values.length > 0) lossParts.push(`Training loss ${movement(loss)}`);
  if (validation && valLoss.values.length > 0) lossParts.push(`validation loss ${movement(valLoss)}`);
  if (lossParts.length > 0) sentences.push(`${lossParts.join('; ')}.`);

  if (!validation) sentences.push('No validation set was used.');
  if (marks.length > 0) sentences.push(`Marked: ${marks.map(markPhrase).join('; ')}.`);
  return sentences.join(' ');
}

/**
 * Alt text of the repeated runs' curves: how many runs and what the band is, the mean curves as
 * trainingCurvesAlt words them, then the spread at the last epoch every run reached. E.g. "Mean of
 * 3 runs, with a band of ± one standard deviation. Validation accuracy rises … At epoch 10, the
 * last all 3 runs reached, validation accuracy is 0.90 ± 0.01 and validation loss 0.30 ± 0.02."
 */
export function repeatedCurvesAlt(bands: readonly BandRow[], marks: readonly TrainingMark[] = []): string {
  const runs = Math.max(0, ...bands.map((b) => b.runs));
  const head = `Mean of ${plural(runs, 'run')}, with a band of ± one standard deviation. ${trainingCurvesAlt(bands, marks)}`;
  const last = [...bands].reverse().find((b) => b.runs === runs);
  if (!last) return head;
  const value = (mean: number | null, std: number | null) => (mean === null ? undefined : `${fmtValue(mean)}${std === null ? '' : ` ± ${fmtValue(std)}`}`);
  const validation = hasValidation(bands);
  const split = validation ? 'validation' : 'training';
  const accuracy = validation ? value(last.val_accuracy, last.val_accuracy_std) : value(last.accuracy, last.accuracy_std);
  const loss = validation ? value(last.val_loss, last.val_loss_std) : value(last.loss, last.loss_std);
  const said = [accuracy && `${split} accuracy is ${accuracy}`, loss && `${accuracy ? '' : `${split} `}loss ${accuracy ? '' : 'is '}${loss}`].filter(Boolean).join(' and ');
  if (!said) return head;
  const where = last === bands.at(-1) ? `At the last epoch (${last.epoch})` : `At epoch ${last.epoch}, the last all ${runs} runs reached`;
  return `${head} ${where}, ${said}.`;
}

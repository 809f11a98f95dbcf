/**
 * Training curves: loss and accuracy per epoch, training vs validation, side by side, with the
 * run's events marked as vertical rules: where fine-tuning began, where early stopping stopped
 * and which epoch's weights it restored (the weights every later number comes from).
 *
 * Pure: history rows in, a vega-lite spec (and alt text) out. The rows are embedded unchanged as
 * the spec's data; each panel folds its two columns into (series, value) itself, so the spec's
 * data is exactly the history the reader can download.
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

/** Whether any epoch has a validation loss or accuracy. */
export function hasValidation(rows: readonly HistoryRow[]): boolean {
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

function trajectory(rows: readonly HistoryRow[], pick: (r: HistoryRow) => number | null): Trajectory {
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
export function trainingCurvesAlt(rows: readonly HistoryRow[], marks: readonly TrainingMark[] = []): string {
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

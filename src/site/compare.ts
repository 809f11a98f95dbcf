/**
 * The metrics experiments are compared on (index table, compare page) and their differences
 * against a baseline. The value functions read report.json entries; the formatting and delta
 * functions take plain numbers, so the compare page's script (client/compare-picker.ts) uses
 * the same code when the reader picks another baseline.
 */
import { count, lossText, percent } from './format.ts';
import type { ExperimentEntry } from './report.ts';

/** How a metric's values and differences are written. */
export type MetricKind = 'percent' | 'loss' | 'score' | 'count';

/** Which direction is an improvement; null when neither is (parameters, epochs). */
export type Better = 'higher' | 'lower' | null;

/** One compared metric. */
export interface CompareMetric {
  key: string;
  label: string;
  kind: MetricKind;
  better: Better;
  /** The experiment's value, or null when it has none (no validation split, undefined AUC). */
  value(entry: ExperimentEntry): number | null;
  /** Its name in `repeats.metrics` (a repeated experiment's mean ± sd), when the runs have it. */
  repeated?(entry: ExperimentEntry): string;
}

/** Mean ± sd over a repeated experiment's runs of `metric` ("± 0.31 pp over 5 runs" under the value), or undefined. */
export function repeatedSpread(entry: ExperimentEntry, metric: CompareMetric): { mean: number; std: number; runs: number } | undefined {
  const name = metric.repeated?.(entry);
  const m = name === undefined ? undefined : entry.repeats?.metrics[name];
  return m ? { mean: m.mean, std: m.std, runs: m.values.length } : undefined;
}

const last = (e: ExperimentEntry) => e.history.at(-1);
const macroF1 = (e: ExperimentEntry) => e.metrics.report.macro.f1;

/** The compared metrics, in table order. */
export const COMPARE_METRICS: readonly CompareMetric[] = [
  { key: 'accuracy', label: 'Test accuracy', kind: 'percent', better: 'higher', value: (e) => e.metrics.accuracy, repeated: () => 'accuracy' },
  { key: 'loss', label: 'Test loss', kind: 'loss', better: 'lower', value: (e) => e.metrics.loss, repeated: () => 'loss' },
  { key: 'top-k', label: 'Top-k accuracy', kind: 'percent', better: 'higher', value: (e) => e.metrics.topK.accuracy, repeated: (e) => `top_k_accuracy.${e.metrics.topK.k}` },
  { key: 'macro-f1', label: 'Macro F1', kind: 'score', better: 'higher', value: macroF1, repeated: () => 'macro_avg.f1' },
  { key: 'auc', label: 'ROC AUC (macro)', kind: 'score', better: 'higher', value: (e) => e.metrics.auc.macro, repeated: () => 'roc_auc.macro' },
  { key: 'ece', label: 'Calibration error (ECE)', kind: 'score', better: 'lower', value: (e) => e.metrics.ece, repeated: () => 'ece' },
  { key: 'val-loss', label: 'Final validation loss', kind: 'loss', better: 'lower', value: (e) => last(e)?.val_loss ?? null },
  { key: 'val-accuracy', label: 'Final validation accuracy', kind: 'percent', better: 'higher', value: (e) => last(e)?.val_accuracy ?? null },
  { key: 'params', label: 'Parameters', kind: 'count', better: null, value: (e) => e.model.params.total },
  { key: 'epochs', label: 'Epochs trained', kind: 'count', better: null, value: (e) => e.history.length },
];

const finite = (v: number | null | undefined): v is number => typeof v === 'number' && Number.isFinite(v);

/** A metric value as the tables write it ("91.23%", "0.2534", "0.912", "12,345"); "—" when missing. */
export function formatMetric(kind: MetricKind, value: number | null | undefined): string {
  if (!finite(value)) return '—';
  switch (kind) {
    case 'percent':
      return percent(value);
    case 'loss':
      return lossText(value);
    case 'score':
      return value.toFixed(3);
    case 'count':
      return count(value);
  }
}

/** U+2212 for negatives, so "−0.0123" reads as minus (a hyphen is easy to miss) and "+" for positives. */
function signed(text: string, value: number): string {
  return value > 0 ? `+${text}` : value < 0 ? `\u2212${text}` : text;
}

/** The difference `value − baseline` as the tables write it: percentage points for percents ("+1.20 pp"). */
export function formatDelta(kind: MetricKind, value: number | null | undefined, baseline: number | null | undefined): string {
  if (!finite(value) || !finite(baseline)) return '—';
  const d = value - baseline;
  switch (kind) {
    case 'percent':
      return signed(`${Math.abs(d * 100).toFixed(2)} pp`, Number((d * 100).toFixed(2)));
    case 'loss':
      return signed(Math.abs(d).toFixed(4), Number(d.toFixed(4)));
    case 'score':
      return signed(Math.abs(d).toFixed(3), Number(d.toFixed(3)));
    case 'count':
      return signed(count(Math.abs(d)), d);
  }
}

/** Rounding used for verdicts: a difference the table shows as zero is "same". */
const SHOWN_DIGITS: Record<MetricKind, number> = { percent: 4, loss: 4, score: 3, count: 0 };

/** Whether `value` improves on `baseline`: "better", "worse", "same", or null (no direction, or a value missing). */
export function verdict(kind: MetricKind, better: Better, value: number | null | undefined, baseline: number | null | undefined): 'better' | 'worse' | 'same' | null {
  if (better === null || !finite(value) || !finite(baseline)) return null;
  const d = Number((value - baseline).toFixed(SHOWN_DIGITS[kind]));
  if (d === 0) return 'same';
  return (d > 0) === (better === 'higher') ? 'better' : 'worse';
}

/**
 * A warning for any page that sets validation losses side by side, when some are not plain
 * cross-entropy (label smoothing, weight penalties raise them): undefined when all compare alike.
 */
export function validationLossCaveat(experiments: readonly ExperimentEntry[]): string | undefined {
  // An imported model's history comes from training convlens did not see; it has nothing to warn about.
  const ids = experiments.filter((e) => e.train !== undefined && !e.train.plainValidationLoss).map((e) => e.id);
  if (ids.length === 0 || experiments.length < 2) return undefined;
  const list = ids.length === 1 ? ids[0] : `${ids.slice(0, -1).join(', ')} and ${ids.at(-1)}`;
  return `Validation losses are not measured alike: ${list} ${ids.length === 1 ? 'trains' : 'train'} with label smoothing or weight penalties, which raise ${ids.length === 1 ? 'its' : 'their'} validation loss. Compare test loss instead: it is plain cross-entropy for every experiment.`;
}

/**
 * Repeated runs (`train.repeats: N` or several `train.seeds`): an entry's optional `repeats` in
 * report.json (seeds, and every scalar of metrics.json by its path there — `accuracy`,
 * `macro_avg.f1`, `top_k_accuracy.3`, `per_class.<class>.recall`, … — with each run's value,
 * their mean and standard deviation), and the comparison of two experiments' means.
 *
 * Read from the raw JSON with only the fields used here, so the diff reads reports written
 * before and after the report schema declared `repeats`.
 */
import { z } from 'zod';
import { DIFF_METRICS, type MetricUnit } from '../analysis/compare/deltas.ts';

const SummarySchema = z.object({ mean: z.number(), std: z.number(), values: z.array(z.number()) });

/** What the diff reads of `repeats`: the seeds and each metric's summary, keyed by metrics.json path. */
export const RepeatsSchema = z.object({ seeds: z.array(z.number()), metrics: z.record(z.string(), SummarySchema) });
export type Repeats = z.infer<typeof RepeatsSchema>;

/** The `repeats` of experiment `id` in a parsed report.json, if it has a valid one. */
export function repeatsOf(raw: unknown, id: string): Repeats | undefined {
  const experiments = (raw as { experiments?: unknown })?.experiments;
  if (!Array.isArray(experiments)) return undefined;
  const entry = experiments.find((e) => (e as { id?: unknown })?.id === id) as { repeats?: unknown } | undefined;
  const parsed = RepeatsSchema.safeParse(entry?.repeats);
  return parsed.success ? parsed.data : undefined;
}

/** The metrics.json path of each diff metric (report.json's average precision has no metrics.json scalar). */
const PATHS: Record<string, (k: number) => string> = {
  accuracy: () => 'accuracy',
  macro_f1: () => 'macro_avg.f1',
  macro_precision: () => 'macro_avg.precision',
  macro_recall: () => 'macro_avg.recall',
  weighted_f1: () => 'weighted_avg.f1',
  top_k_accuracy: (k) => `top_k_accuracy.${k}`,
  loss: () => 'loss',
  roc_auc_macro: () => 'roc_auc.macro',
  ece: () => 'ece',
};

/** One metric over the repeated runs of one side. */
export interface RepeatSummary {
  mean: number;
  std: number;
  /** Runs. */
  n: number;
}

/** A metric's repeated-run summaries of A and B and the difference of the means (null where a side has none). */
export interface RepeatRow {
  /** The metrics.json path (`accuracy`, `macro_avg.f1`, `per_class.Coat.recall`, …). */
  key: string;
  /** The diff's name of the metric when it is one of the compared metrics (`macro_f1`), else null. */
  metric: string | null;
  a: RepeatSummary | null;
  b: RepeatSummary | null;
  delta_mean: number | null;
}

/** How a repeated metric is written: the compared metric's unit, scores for per-class entries, else null (plain). */
export function repeatUnit(row: RepeatRow): MetricUnit | null {
  if (row.metric) return DIFF_METRICS.find((m) => m.key === row.metric)?.unit ?? null;
  return /^per_class\..*\.(precision|recall|f1)$/.test(row.key) ? 'score' : null;
}

/**
 * Rows for every metric either side repeated: the compared metrics first, in table order, then
 * the rest by path. `k` is the top-k of the report's top-k accuracy.
 */
export function compareRepeats(a: Repeats | undefined, b: Repeats | undefined, k: number): RepeatRow[] {
  const keys = new Set([...Object.keys(a?.metrics ?? {}), ...Object.keys(b?.metrics ?? {})]);
  const known = DIFF_METRICS.flatMap((m) => {
    const path = PATHS[m.key]?.(k);
    return path !== undefined && keys.has(path) ? [{ key: path, metric: m.key }] : [];
  });
  const rest = [...keys].filter((key) => !known.some((r) => r.key === key)).sort().map((key) => ({ key, metric: null }));
  const summary = (r: Repeats | undefined, key: string): RepeatSummary | null => {
    const s = r?.metrics[key];
    return s ? { mean: s.mean, std: s.std, n: s.values.length } : null;
  };
  return [...known, ...rest].map(({ key, metric }) => {
    const sa = summary(a, key);
    const sb = summary(b, key);
    return { key, metric, a: sa, b: sb, delta_mean: sa && sb ? sb.mean - sa.mean : null };
  });
}

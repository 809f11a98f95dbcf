/**
 * The `convlens diff --json` object: a documented, stable contract (docs/diff.md describes every
 * field). Keys are snake_case, like metrics.json; class references are indices into `classes`.
 * A change that removes or renames a field raises `version`; new fields may be added.
 */
import type { MetricDelta } from '../analysis/compare/deltas.ts';
import type { RepeatRow } from './repeats.ts';

/** The JSON shape's version. */
export const DIFF_VERSION = 1;

/** One side of the comparison. */
export interface DiffSide {
  id: string;
  title: string;
  /** The report it came from: a directory as given, or "the built report (<cache>/report)". */
  source: string;
  /** The data source (report.json `dataset.source`). */
  dataset: string;
  test_count: number;
  /** Trained runs behind the metrics (1 without `train.repeats`). */
  runs: number;
}

/** One whole-set metric: its name, unit, direction, A's and B's values and b − a (deltas.ts), and the interval. */
export interface DiffMetricRow extends Omit<MetricDelta, 'key'> {
  /** Bootstrap interval of delta (accuracy and macro precision/recall/F1, same test set only). */
  ci95?: [number, number];
}

/** Precision, recall and F1 of one class in one model. */
export interface DiffScores {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

/** One class's scores in A and B, their differences and (same test set) bootstrap intervals. */
export interface DiffClassRow {
  index: number;
  /** A's name of the class. */
  class: string;
  a: DiffScores;
  b: DiffScores;
  delta: { precision: number; recall: number; f1: number };
  ci95?: { precision: [number, number]; recall: [number, number]; f1: [number, number] };
}

/** Test images in one flip group. */
export interface FlipGroup {
  count: number;
  /** Test indices, ascending. */
  indices: number[];
}

/** Prediction flips from A to B. */
export interface DiffFlips {
  /** A right, B wrong. */
  right_to_wrong: FlipGroup;
  /** A wrong, B right. */
  wrong_to_right: FlipGroup;
  /** Both wrong, with different predictions. */
  both_wrong_differently: FlipGroup;
  both_right: number;
  /** Both wrong with the same prediction. */
  both_wrong_same: number;
  /** Every (true, A's, B's class) with differing predictions: by count descending, then true, a, b. */
  by_pair: { true: number; a: number; b: number; count: number; indices: number[] }[];
}

/** McNemar's test (statsmodels `mcnemar(table, exact=False, correction=True)`). */
export interface DiffMcNemar {
  /** A right, B wrong. */
  b: number;
  /** A wrong, B right. */
  c: number;
  statistic: number;
  p_value: number;
  /** False when b + c = 0 (statistic 0, p 1: nothing to test). */
  discordant: boolean;
  /** The sentence the text and Markdown outputs print. */
  sentence: string;
}

/** How the intervals were drawn. */
export interface DiffBootstrap {
  method: 'paired percentile bootstrap over test images';
  resamples: number;
  seed: number;
  confidence: number;
  percentiles: [number, number];
}

/** Repeated runs, when either side has them. */
export interface DiffRepeats {
  a: { seeds: number[] } | null;
  b: { seeds: number[] } | null;
  metrics: RepeatRow[];
}

/** `convlens diff A B --json` for one pair. */
export interface Diff {
  version: typeof DIFF_VERSION;
  a: DiffSide;
  b: DiffSide;
  /** A's class names; `index`, `true`, `a` and `b` fields refer to them. */
  classes: string[];
  /** Whether the paired statistics apply; null when it could not be checked (a predictions.csv is missing). */
  same_test_set: boolean | null;
  /** The sentence saying what was checked, or why the paired statistics are left out. */
  test_set: string;
  /** Keyed by metric (accuracy, macro_f1, …), in table order. */
  metrics: Record<string, DiffMetricRow>;
  per_class: DiffClassRow[];
  flips: DiffFlips | null;
  mcnemar: DiffMcNemar | null;
  bootstrap: DiffBootstrap | null;
  repeats: DiffRepeats | null;
  /** Other sentences: renamed classes, files that disagree, what the repeats mean. */
  notes: string[];
}

/** `convlens diff DIR_A DIR_B --json`: every experiment id the two directories share. */
export interface DiffSet {
  version: typeof DIFF_VERSION;
  a: { source: string };
  b: { source: string };
  /** One Diff per shared id (without its own `version`), in A's order. */
  diffs: Omit<Diff, 'version'>[];
  /** Ids only one side has (a run that failed on the other side is listed there as failed instead). */
  only_in_a: string[];
  only_in_b: string[];
  /** Ids whose run failed in that report (no metrics, no predictions). */
  failed_in_a: string[];
  failed_in_b: string[];
}

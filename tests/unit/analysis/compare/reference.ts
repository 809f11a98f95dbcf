/** tests/fixtures/compare/reference.json (scripts/fixtures/compare_reference.py: NumPy/SciPy), typed. */
import { readFileSync } from 'node:fs';

export interface PairedReference {
  name: string;
  k: number;
  labels: number[];
  pred_a: number[];
  pred_b: number[];
  flips: {
    right_to_wrong: number[];
    wrong_to_right: number[];
    both_wrong_differently: number[];
    both_right: number;
    both_wrong_same: number;
    by_pair: { true: number; a: number; b: number; count: number; indices: number[] }[];
  };
  mcnemar: { b: number; c: number; statistic: number; p_value: number };
  a: { accuracy: number; precision: number[]; recall: number[]; f1: number[]; macro: [number, number, number] };
  b: { accuracy: number; precision: number[]; recall: number[]; f1: number[]; macro: [number, number, number] };
}

export interface Reference {
  versions: Record<string, string>;
  erfc: [number, number][];
  chi2_sf: [number, number][];
  mcnemar: { b: number; c: number; statistic: number; p_value: number }[];
  percentile: { values: number[]; q: number[]; expected: number[] }[];
  paired: PairedReference[];
  /** low/high: accuracy, macro P, R, F1, then per class P, R, F1 (class-major). */
  bootstrap: { case: string; resamples: number; seed: number; percentiles: [number, number]; low: number[]; high: number[]; first_resample: number[] }[];
}

export const reference = JSON.parse(readFileSync(new URL('../../../fixtures/compare/reference.json', import.meta.url), 'utf8')) as Reference;

/** |actual − expected| ≤ rel·|expected| (exact equality for expected 0). */
export function relativeError(actual: number, expected: number): number {
  return expected === 0 ? Math.abs(actual) : Math.abs(actual - expected) / Math.abs(expected);
}

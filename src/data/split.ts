/**
 * Seeded, pure index splitting. Inputs and outputs are Int32Array lists of image indices; labels
 * are looked up, never copied. Outputs are sorted ascending, so a split is fully described by its
 * set of indices and is identical on every machine for the same seed (see lib/rng.ts).
 */
import { shuffleInPlace } from '../lib/rng.ts';

/** Tolerance so that decimal fractions round as written (0.29 × 50 = 14.4999…98 in floats → 15). */
const EPSILON = 1e-9;

/**
 * Images held out of a group of `n`: round(fraction × n), halves rounding up. Per class when
 * stratified, so a class of 5 at fraction 0.1 holds out 1 (0.5 rounds up) and one of 4 holds 0.
 */
export function heldCount(fraction: number, n: number): number {
  return Math.min(n, Math.floor(fraction * n + 0.5 + EPSILON));
}

/** Indices grouped by label, each group in input order; groups[k] belongs to label k. */
function groupByLabel(labels: Uint8Array, indices: Int32Array): number[][] {
  const groups: number[][] = [];
  for (const i of indices) {
    const k = labels[i]!;
    while (groups.length <= k) groups.push([]);
    groups[k]!.push(i);
  }
  return groups;
}

function sorted(values: number[]): Int32Array {
  return Int32Array.from(values).sort();
}

/**
 * Splits `indices` into `held` (round(fraction × n) per class when `stratify`, else
 * round(fraction × total)) and `kept` (the rest), both sorted ascending. Classes are visited in
 * label order and each is shuffled with `random`, so the result depends only on the inputs and
 * the random stream.
 */
export function stratifiedSplit(
  labels: Uint8Array,
  indices: Int32Array,
  fraction: number,
  random: () => number,
  stratify = true,
): { kept: Int32Array; held: Int32Array } {
  if (!(fraction >= 0 && fraction <= 1)) throw new RangeError(`A split fraction must be within 0..1; received ${fraction}.`);
  const groups = stratify ? groupByLabel(labels, indices) : [Array.from(indices)];
  const kept: number[] = [];
  const held: number[] = [];
  for (const group of groups) {
    shuffleInPlace(group, random);
    const h = heldCount(fraction, group.length);
    for (let j = 0; j < group.length; j++) (j < h ? held : kept).push(group[j]!);
  }
  return { kept: sorted(kept), held: sorted(held) };
}

/**
 * Per-class quotas summing to exactly `limit` (≤ total), proportional to the class counts by the
 * largest-remainder method: each class gets floor(limit × n_k / N), and the leftover units go to
 * the largest remainders, ties to the lower label. Integer arithmetic, so no float surprises.
 */
export function largestRemainder(counts: number[], limit: number): number[] {
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) return counts.map(() => 0);
  const quotas = counts.map((n) => Math.floor((limit * n) / total));
  const remainders = counts.map((n, k) => ({ k, r: (limit * n) % total }));
  remainders.sort((a, b) => b.r - a.r || a.k - b.k);
  let left = limit - quotas.reduce((a, b) => a + b, 0);
  for (const { k } of remainders) {
    if (left === 0) break;
    quotas[k]! += 1;
    left--;
  }
  return quotas;
}

/**
 * At most `limit` of `indices`, sorted ascending, with per-class counts from `largestRemainder`
 * and the members of each class drawn with `random`. Returns a copy of all when limit ≥ length.
 */
export function limitStratified(labels: Uint8Array, indices: Int32Array, limit: number, random: () => number): Int32Array {
  if (!(Number.isInteger(limit) && limit >= 0)) throw new RangeError(`A limit must be a whole number ≥ 0; received ${limit}.`);
  if (limit >= indices.length) return indices.slice().sort();
  const groups = groupByLabel(labels, indices);
  const quotas = largestRemainder(groups.map((g) => g.length), limit);
  const out: number[] = [];
  groups.forEach((group, k) => {
    shuffleInPlace(group, random);
    for (let j = 0; j < quotas[k]!; j++) out.push(group[j]!);
  });
  return sorted(out);
}

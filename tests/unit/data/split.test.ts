import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../src/lib/rng.ts';
import { heldCount, largestRemainder, limitStratified, stratifiedSplit } from '../../../src/data/split.ts';

/** Hand-made: class 0 ×10, class 1 ×5, class 2 ×4, class 3 ×1, interleaved so order ≠ class. */
const COUNTS = [10, 5, 4, 1];
const LABELS = (() => {
  const out: number[] = [];
  const left = [...COUNTS];
  while (left.some((n) => n > 0)) left.forEach((n, k) => { if (n > 0) { out.push(k); left[k]!--; } });
  return Uint8Array.from(out);
})();
const ALL = Int32Array.from({ length: LABELS.length }, (_, i) => i);

function perClass(labels: Uint8Array, indices: Int32Array): number[] {
  const counts = [0, 0, 0, 0];
  for (const i of indices) counts[labels[i]!]!++;
  return counts;
}

/** A bigger label vector for seed comparisons: 200 images over 4 classes. */
const BIG = Uint8Array.from({ length: 200 }, (_, i) => (i * 7) % 4);
const BIG_ALL = Int32Array.from({ length: 200 }, (_, i) => i);

describe('heldCount', () => {
  it('rounds half up, and decimal fractions round as written', () => {
    expect([heldCount(0.3, 10), heldCount(0.3, 5), heldCount(0.3, 4), heldCount(0.3, 1)]).toEqual([3, 2, 1, 0]);
    expect(0.29 * 50).toBeLessThan(14.5); // the float trap the tolerance is for
    expect(heldCount(0.29, 50)).toBe(15);
    expect(heldCount(0.15, 10)).toBe(2);
    expect(heldCount(1, 7)).toBe(7);
    expect(heldCount(0, 7)).toBe(0);
  });
});

describe('stratifiedSplit', () => {
  it('holds out round(fraction × n) of each class (hand-worked: 0.3 of 10/5/4/1 → 3/2/1/0)', () => {
    const { kept, held } = stratifiedSplit(LABELS, ALL, 0.3, mulberry32(1));
    expect(perClass(LABELS, held)).toEqual([3, 2, 1, 0]);
    expect(perClass(LABELS, kept)).toEqual([7, 3, 3, 1]);
  });

  it('partitions the input: no overlap, union = input, both sorted ascending', () => {
    const subset = ALL.filter((i) => i % 3 !== 0);
    const { kept, held } = stratifiedSplit(LABELS, subset, 0.4, mulberry32(2));
    const union = [...kept, ...held].sort((a, b) => a - b);
    expect(union).toEqual([...subset]);
    expect(new Set(union).size).toBe(union.length);
    expect([...kept]).toEqual([...kept].sort((a, b) => a - b));
    expect([...held]).toEqual([...held].sort((a, b) => a - b));
  });

  it('is a function of the seed: same seed → same split, different seed → different split', () => {
    const a = stratifiedSplit(BIG, BIG_ALL, 0.25, mulberry32(42));
    const b = stratifiedSplit(BIG, BIG_ALL, 0.25, mulberry32(42));
    const c = stratifiedSplit(BIG, BIG_ALL, 0.25, mulberry32(43));
    expect(b.held).toEqual(a.held);
    expect(b.kept).toEqual(a.kept);
    expect(c.held).not.toEqual(a.held);
    expect(perClass(BIG, c.held)).toEqual(perClass(BIG, a.held));
  });

  it('with stratify false holds out round(fraction × total) regardless of class', () => {
    const { kept, held } = stratifiedSplit(LABELS, ALL, 0.3, mulberry32(3), false);
    expect(held.length).toBe(6);
    expect(kept.length).toBe(14);
    // Per-class counts are whatever the shuffle gives; over several seeds they must not always be
    // the stratified 3/2/1/0 (which a stratified implementation would return every time).
    const patterns = new Set(
      [3, 4, 5, 6, 7, 8].map((s) => perClass(LABELS, stratifiedSplit(LABELS, ALL, 0.3, mulberry32(s), false).held).join()),
    );
    expect(patterns.size).toBeGreaterThan(1);
  });

  it('rejects fractions outside 0..1', () => {
    expect(() => stratifiedSplit(LABELS, ALL, 1.5, mulberry32(1))).toThrow(RangeError);
    expect(() => stratifiedSplit(LABELS, ALL, Number.NaN, mulberry32(1))).toThrow(RangeError);
  });
});

describe('largestRemainder', () => {
  it('hand-worked: 7 of counts 10/5/4/1 → exact 3.5/1.75/1.4/0.35 → 4/2/1/0', () => {
    // floors 3/1/1/0 leave 2 units; remainders .5/.75/.4/.35 → class 1 then class 0.
    expect(largestRemainder(COUNTS, 7)).toEqual([4, 2, 1, 0]);
  });

  it('breaks equal remainders toward the lower label and always sums to the limit', () => {
    expect(largestRemainder([1, 1, 1], 2)).toEqual([1, 1, 0]);
    for (let limit = 0; limit <= 20; limit++) {
      const q = largestRemainder(COUNTS, limit);
      expect(q.reduce((a, b) => a + b, 0)).toBe(limit);
      q.forEach((n, k) => expect(n).toBeLessThanOrEqual(COUNTS[k]!));
    }
  });
});

describe('limitStratified', () => {
  it('returns exactly `limit` indices with the largest-remainder quotas', () => {
    const out = limitStratified(LABELS, ALL, 7, mulberry32(9));
    expect(out.length).toBe(7);
    expect(perClass(LABELS, out)).toEqual([4, 2, 1, 0]);
    expect(new Set(out).size).toBe(7);
    for (const i of out) expect(ALL).toContain(i);
  });

  it('returns everything (a copy) when the limit is not below the count', () => {
    const out = limitStratified(LABELS, ALL, 100, mulberry32(9));
    expect(out).toEqual(ALL);
    expect(out).not.toBe(ALL);
  });

  it('is seeded: same seed same pick, different seed different pick', () => {
    const a = limitStratified(BIG, BIG_ALL, 50, mulberry32(5));
    expect(limitStratified(BIG, BIG_ALL, 50, mulberry32(5))).toEqual(a);
    expect(limitStratified(BIG, BIG_ALL, 50, mulberry32(6))).not.toEqual(a);
  });
});

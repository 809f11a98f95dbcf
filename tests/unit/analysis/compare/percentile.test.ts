/** numpy.percentile's default ('linear') method, to the last bit. */
import { describe, expect, it } from 'vitest';
import { centralPercentiles, percentile, percentileSorted } from '../../../../src/analysis/compare/percentile.ts';
import { reference } from './reference.ts';

describe("percentile (numpy's 'linear')", () => {
  it('equals numpy.percentile exactly on fixed arrays (one value, two, ties, 2000 values) at every q', () => {
    for (const { values, q, expected } of reference.percentile) {
      q.forEach((p, i) => expect(percentile(values, p), `n = ${values.length}, q = ${p}`).toBe(expected[i]));
    }
  });

  it('by hand: the virtual index (n − 1)·q/100 between its neighbours', () => {
    // n = 5, q = 30: index 1.2 → 10 + 0.2·(20 − 10) = 12
    expect(percentileSorted([0, 10, 20, 30, 40], 30)).toBeCloseTo(12, 14);
    expect(percentileSorted([0, 10, 20, 30, 40], 100)).toBe(40);
    expect(percentileSorted([0, 10, 20, 30, 40], 0)).toBe(0);
    expect(percentile([], 50)).toBeNaN();
    expect(() => percentile([1], 101)).toThrow('between 0 and 100');
  });

  it('central percentiles: 0.95 → exactly 2.5 and 97.5, 0.9 → 5 and 95', () => {
    expect(centralPercentiles(0.95)).toEqual([2.5, 97.5]);
    expect(centralPercentiles(0.9)).toEqual([5, 95]);
    expect(centralPercentiles(0.99)).toEqual([0.5, 99.5]);
    expect(() => centralPercentiles(95)).toThrow('0.95 for 95%');
  });
});

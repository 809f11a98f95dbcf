/** erfc and the chi-square(1) survival function against SciPy (tests/fixtures/compare/reference.json). */
import { describe, expect, it } from 'vitest';
import { chiSquare1Sf, erfc } from '../../../../src/analysis/compare/erfc.ts';
import { reference, relativeError } from './reference.ts';

describe('erfc (W. J. Cody) and chi-square(1) survival', () => {
  it('erfc agrees with scipy.special.erfc to 1e-14 relative, both tails and the interval edges included', () => {
    expect(reference.erfc.length).toBeGreaterThan(20);
    for (const [x, expected] of reference.erfc) expect(relativeError(erfc(x), expected), `erfc(${x})`).toBeLessThanOrEqual(1e-14);
  });

  it('chi2.sf(x, 1) = erfc(√(x/2)) agrees with scipy.stats.chi2.sf to 1e-12 relative, down to p ≈ 1e-306', () => {
    for (const [x, expected] of reference.chi2_sf) expect(relativeError(chiSquare1Sf(x), expected), `sf(${x})`).toBeLessThanOrEqual(1e-12);
    // The tail keeps its digits: 1 − erf would give 0 here.
    expect(chiSquare1Sf(1000)).toBeGreaterThan(1e-220);
  });

  it('the textbook landmarks: 3.841458820694124 is the 5% critical value, 0 gives 1, NaN stays NaN', () => {
    expect(chiSquare1Sf(3.841458820694124)).toBeCloseTo(0.05, 15);
    expect(chiSquare1Sf(6.634896601021214)).toBeCloseTo(0.01, 15);
    expect(chiSquare1Sf(0)).toBe(1);
    expect(chiSquare1Sf(-1)).toBe(1);
    expect(chiSquare1Sf(Number.NaN)).toBeNaN();
    expect(erfc(0)).toBe(1);
    expect(erfc(Number.POSITIVE_INFINITY)).toBe(0);
    expect(erfc(Number.NEGATIVE_INFINITY)).toBe(2);
  });

  it('erfc(−x) = 2 − erfc(x) and erfc decreases across the interval edges', () => {
    for (const x of [0.1, 0.46875, 1, 3.5, 4, 4.5]) expect(erfc(-x)).toBe(2 - erfc(x));
    const xs = [0.4, 0.46875, 0.46876, 0.5, 3.99, 4, 4.01, 5];
    for (let i = 1; i < xs.length; i++) expect(erfc(xs[i]!)).toBeLessThan(erfc(xs[i - 1]!));
  });
});

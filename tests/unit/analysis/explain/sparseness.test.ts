/**
 * Sparseness: the Gini index by hand ([0, 0, 0, 1] → 3/4, uniform → 0, sign and order ignored)
 * and against Quantus's formula written here with numbers sorted by a plain comparison, in
 * float64, on seeded random vectors; Quantus's +1e-7 shifts it by exactly Σa / (Σa + n · 1e-7).
 */
import { describe, expect, it } from 'vitest';
import { gini, sparseness } from '../../../../src/analysis/explain/sparseness.ts';
import { mulberry32 } from '../../../../src/lib/rng.ts';

/** Quantus's Sparseness on one max-normalized map, with its +epsilon. */
function quantus(values: number[], epsilon: number): number {
  const max = Math.max(...values.map(Math.abs));
  const a = values.map((v) => Math.abs(v) / max + epsilon).sort((x, y) => x - y);
  const n = a.length;
  return a.reduce((s, v, i) => s + (2 * (i + 1) - n - 1) * v, 0) / (n * a.reduce((s, v) => s + v, 0));
}

describe('gini', () => {
  it('by hand', () => {
    expect(gini([0, 0, 0, 1])).toBe(0.75);
    expect(gini([1, 0, 0, 0])).toBe(0.75);
    expect(gini([0, 0, 0, -2])).toBe(0.75);
    expect(gini([3, 3, 3, 3, 3])).toBe(0);
    expect(gini([-1, 1])).toBe(0);
    // [1, 2, 3]: (−2·1 + 0·2 + 2·3) / (3 · 6) = 4/18.
    expect(gini([3, -1, 2])).toBeCloseTo(4 / 18, 15);
    expect(gini([0, 0])).toBe(0);
    expect(gini([])).toBe(0);
  });

  it('equals Quantus’s formula on random maps (its epsilon 0), and its epsilon’s shift is Σa / (Σa + n · 1e-7)', () => {
    const random = mulberry32(17);
    for (const n of [2, 7, 64, 1000]) {
      for (let t = 0; t < 5; t++) {
        const v = Array.from({ length: n }, () => (random() - 0.3) * (random() < 0.5 ? 10 : 0.01));
        expect(gini(Float32Array.from(v))).toBeCloseTo(quantus(Array.from(Float32Array.from(v)), 0), 12);
        const max = Math.max(...v.map(Math.abs));
        const sum = v.reduce((s, x) => s + Math.abs(x) / max, 0);
        expect(quantus(v, 1e-7)).toBeCloseTo(gini(v) * (sum / (sum + n * 1e-7)), 12);
      }
    }
  });

  it('per image and mean', () => {
    const result = sparseness([new Float32Array([0, 0, 0, 1]), new Float32Array([1, 1, 1, 1])]);
    expect(Array.from(result.perImage)).toEqual([0.75, 0]);
    expect(result.mean).toBe(0.375);
    expect(sparseness([]).mean).toBeNaN();
  });
});

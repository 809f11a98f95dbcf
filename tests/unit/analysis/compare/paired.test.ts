/** Flips and McNemar's test against NumPy/SciPy computations and statsmodels' published values. */
import { describe, expect, it } from 'vitest';
import { flips, mcnemar } from '../../../../src/analysis/compare/paired.ts';
import { reference, relativeError } from './reference.ts';

describe('flips', () => {
  it('a hand-worked case: every kind of image, and the pairs by count then classes', () => {
    //            0  1  2  3  4  5  6  7
    const labels = [0, 0, 1, 1, 2, 2, 2, 0];
    const predA = [0, 1, 1, 0, 1, 2, 1, 0];
    const predB = [0, 0, 2, 1, 0, 0, 0, 2];
    const f = flips(labels, predA, predB);
    expect(f.rightToWrong).toEqual([2, 5, 7]); // A right, B wrong
    expect(f.wrongToRight).toEqual([1, 3]); // A wrong, B right
    expect(f.bothWrongDifferently).toEqual([4, 6]); // true 2: A says 1, B says 0
    expect(f.bothRight).toBe(1); // image 0
    expect(f.bothWrongSame).toBe(0);
    expect(f.byPair).toEqual([
      { true: 2, a: 1, b: 0, count: 2, indices: [4, 6] },
      { true: 0, a: 0, b: 2, count: 1, indices: [7] },
      { true: 0, a: 1, b: 0, count: 1, indices: [1] },
      { true: 1, a: 0, b: 1, count: 1, indices: [3] },
      { true: 1, a: 1, b: 2, count: 1, indices: [2] },
      { true: 2, a: 2, b: 0, count: 1, indices: [5] },
    ]);
  });

  it('agrees with NumPy boolean masks on seeded cases (5 and 10 classes, a class absent)', () => {
    for (const c of reference.paired) {
      const f = flips(c.labels, c.pred_a, c.pred_b);
      expect(f.rightToWrong, c.name).toEqual(c.flips.right_to_wrong);
      expect(f.wrongToRight, c.name).toEqual(c.flips.wrong_to_right);
      expect(f.bothWrongDifferently, c.name).toEqual(c.flips.both_wrong_differently);
      expect(f.bothRight, c.name).toBe(c.flips.both_right);
      expect(f.bothWrongSame, c.name).toBe(c.flips.both_wrong_same);
      expect(f.byPair, c.name).toEqual(c.flips.by_pair);
      // Every image is in exactly one group.
      expect(f.rightToWrong.length + f.wrongToRight.length + f.bothWrongDifferently.length + f.bothRight + f.bothWrongSame).toBe(c.labels.length);
    }
  });

  it('refuses unpaired arrays', () => {
    expect(() => flips([0, 1], [0], [0, 1])).toThrow('received 2 labels, 1 predictions of A and 2 of B');
  });
});

describe("McNemar's test (statsmodels mcnemar(table, exact=False, correction=True))", () => {
  it('matches (|b − c| − 1)²/(b + c) and scipy chi2.sf to 1e-12 relative', () => {
    for (const r of reference.mcnemar) {
      const m = mcnemar(r.b, r.c);
      expect(relativeError(m.statistic, r.statistic), `${r.b}, ${r.c}`).toBeLessThanOrEqual(1e-15);
      expect(relativeError(m.pValue, r.p_value), `${r.b}, ${r.c}`).toBeLessThanOrEqual(1e-12);
      expect(m.discordant).toBe(true);
    }
    for (const c of reference.paired) {
      const f = flips(c.labels, c.pred_a, c.pred_b);
      const m = mcnemar(f.rightToWrong.length, f.wrongToRight.length);
      expect([m.b, m.c]).toEqual([c.mcnemar.b, c.mcnemar.c]);
      expect(relativeError(m.pValue, c.mcnemar.p_value)).toBeLessThanOrEqual(1e-12);
    }
  });

  it("reproduces statsmodels' own test values (test_mcnemar_chisquare, rtol 1e-6)", () => {
    // Tables [[101, 121], [59, 33]], [[101, 70], [59, 33]], [[101, 80], [59, 33]]: b = table[0][1], c = table[1][0].
    const published: [number, number, number, number][] = [
      [121, 59, 20.67222, 5.450095e-6],
      [70, 59, 0.7751938, 0.3786151],
      [80, 59, 2.87769784, 0.08981434],
    ];
    for (const [b, c, statistic, p] of published) {
      expect(relativeError(mcnemar(b, c).statistic, statistic)).toBeLessThan(1e-6);
      expect(relativeError(mcnemar(b, c).pValue, p)).toBeLessThan(1e-6);
    }
  });

  it('is symmetric in b and c; b = c keeps statsmodels\' unclamped 1/(b + c); no discordant pairs gives 0 and p = 1', () => {
    expect(mcnemar(37, 21)).toEqual({ ...mcnemar(21, 37), b: 37, c: 21 });
    expect(mcnemar(5, 5).statistic).toBe(1 / 10);
    expect(mcnemar(0, 0)).toEqual({ b: 0, c: 0, statistic: 0, pValue: 1, discordant: false });
    expect(() => mcnemar(-1, 2)).toThrow('whole numbers of at least 0');
    expect(() => mcnemar(1.5, 2)).toThrow('received 1.5 and 2');
  });
});

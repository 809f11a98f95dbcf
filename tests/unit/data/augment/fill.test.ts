/**
 * The four fill modes on the known 4×4 image, against values worked out by hand from scipy's
 * definitions (the same numbers scipy 1.17's map_coordinates(order=1) prints). A shift by a
 * non-integer amount makes every output column sample between two input columns, so each mode's
 * extension of the row [a b c d] shows directly:
 *
 *   sample at   −1.5        −0.5      0.5      1.5   |  2.5      3.5   4.5      5.5
 *   nearest     a           a         (a+b)/2  (b+c)/2 | (c+d)/2  d     d        d
 *   constant k  k           k         (a+b)/2  (b+c)/2 | (c+d)/2  k     k        k
 *   reflect     (a+b)/2     a         (a+b)/2  (b+c)/2 | (c+d)/2  d     (c+d)/2  (b+c)/2
 *   wrap        (b+c)/2     (c+d)/2   (a+b)/2  (b+c)/2 | (c+d)/2  (a+b)/2 (b+c)/2 (c+d)/2
 *
 * reflect extends … b a | a b c d | d c b …; scipy's wrap has period n − 1 = 3 (a and d coincide).
 */
import { describe, expect, it } from 'vitest';
import { axisTaps, reflectIndex, sampleLine } from '../../../../src/data/augment/fill.ts';
import { apply, g, GRID4, rows } from './helpers.ts';

const K = 0.875;
/** Row r of the expected image, given the row's values a b c d and a pattern of the table above. */
type Pattern = (a: number, b: number, c: number, d: number) => number[];
const mid = (u: number, v: number) => (u + v) / 2;

const left: Record<string, Pattern> = {
  nearest: (a, b, c) => [a, a, mid(a, b), mid(b, c)],
  constant: (a, b, c) => [K, K, mid(a, b), mid(b, c)],
  reflect: (a, b, c) => [mid(a, b), a, mid(a, b), mid(b, c)],
  wrap: (a, b, c, d) => [mid(b, c), mid(c, d), mid(a, b), mid(b, c)],
};
const right: Record<string, Pattern> = {
  nearest: (_a, _b, c, d) => [mid(c, d), d, d, d],
  constant: (_a, _b, c, d) => [mid(c, d), K, K, K],
  reflect: (_a, b, c, d) => [mid(c, d), d, mid(c, d), mid(b, c)],
  wrap: (a, b, c, d) => [mid(c, d), mid(a, b), mid(b, c), mid(c, d)],
};

describe('fill modes on a 4×4 image (scipy definitions, worked by hand)', () => {
  for (const fill of ['nearest', 'constant', 'reflect', 'wrap'] as const) {
    it(`${fill}: shifted by −1.5 and +2.5 columns`, () => {
      const expected = (pattern: Pattern) => [0, 1, 2, 3].map((r) => pattern(g(r, 0), g(r, 1), g(r, 2), g(r, 3)));
      expect(rows(apply(GRID4, [4, 4, 1], { tx: -1.5 }, { fill, fillValue: K }), 4)).toEqual(expected(left[fill]!));
      expect(rows(apply(GRID4, [4, 4, 1], { tx: 2.5 }, { fill, fillValue: K }), 4)).toEqual(expected(right[fill]!));
    });
  }

  it('corners: a shift by (−1, −1) reads (−1, −1), which each mode maps differently', () => {
    const corner = (fill: 'nearest' | 'constant' | 'reflect' | 'wrap') => apply(GRID4, [4, 4, 1], { tx: -1, ty: -1 }, { fill, fillValue: K })[0];
    expect(corner('nearest')).toBe(g(0, 0));
    expect(corner('reflect')).toBe(g(0, 0));
    expect(corner('constant')).toBe(K);
    // wrap: −1 + 3 = 2 on both axes.
    expect(corner('wrap')).toBe(g(2, 2));
  });

  it('constant: a point outside on one axis is fill, with no blending across the edge', () => {
    // Shifted by half a pixel both ways: row 0 and column 0 sample at −0.5 (outside), the rest
    // between four pixels.
    const out = rows(apply(GRID4, [4, 4, 1], { tx: -0.5, ty: -0.5 }, { fill: 'constant', fillValue: K }), 4);
    const quad = (r: number, x: number) => (g(r, x) + g(r, x + 1) + g(r + 1, x) + g(r + 1, x + 1)) / 4;
    expect(out).toEqual([
      [K, K, K, K],
      [K, quad(0, 0), quad(0, 1), quad(0, 2)],
      [K, quad(1, 0), quad(1, 1), quad(1, 2)],
      [K, quad(2, 0), quad(2, 1), quad(2, 2)],
    ]);
  });
});

describe('one axis (fill.ts)', () => {
  const line = [10, 20, 40, 80];

  it('samples far outside like scipy', () => {
    // scipy 1.17.1: map_coordinates([10, 20, 40, 80], [[t]], order=1, mode=…).
    const at = (t: number, mode: 'nearest' | 'constant' | 'reflect' | 'wrap') => sampleLine(line, t, mode, -1);
    expect([-2.5, 5.2, 7].map((t) => at(t, 'reflect'))).toEqual([30, 36, 10].map((v) => expect.closeTo(v, 12)));
    expect([-2.5, -0.7, 5.2, 7].map((t) => at(t, 'wrap'))).toEqual([15, 52, 48, 20].map((v) => expect.closeTo(v, 12)));
    expect([-7, 3.3, 9].map((t) => at(t, 'nearest'))).toEqual([10, 80, 80]);
    expect([-0.3, 3.3, 3].map((t) => at(t, 'constant'))).toEqual([-1, -1, 80]);
  });

  it('scipy wrap sends a negative multiple of n − 1 to the last sample, a positive one to the first', () => {
    expect(sampleLine(line, -3, 'wrap', -1)).toBe(80);
    expect(sampleLine(line, 6, 'wrap', -1)).toBe(10);
  });

  it('treats points within 1e-9 of the edge as on it (rounding, not geometry)', () => {
    expect(sampleLine(line, 3 + 4e-16, 'constant', -1)).toBe(80);
    expect(sampleLine(line, -4e-16, 'wrap', -1)).toBe(10);
    expect(sampleLine(line, 3 + 1e-6, 'constant', -1)).toBe(-1);
  });

  it('reflectIndex is the half-sample symmetric extension', () => {
    expect([-5, -4, -3, -2, -1, 0, 3, 4, 5, 7, 8, 12].map((i) => reflectIndex(i, 4))).toEqual([3, 3, 2, 1, 0, 0, 3, 3, 2, 0, 0, 3]);
    expect([-2, -1, 0, 1, 2].map((i) => reflectIndex(i, 1))).toEqual([0, 0, 0, 0, 0]);
  });

  it('a one-pixel axis reads its only pixel in every mode but constant', () => {
    const taps = new Int32Array(2);
    for (const mode of ['nearest', 'reflect', 'wrap'] as const) {
      expect(axisTaps(-2.5, 1, mode, taps)).toBe(0);
      expect([...taps]).toEqual([0, 0]);
    }
    expect(axisTaps(-2.5, 1, 'constant', taps)).toBe(-1);
  });
});

/**
 * Spearman and SSIM against scipy.stats.spearmanr and skimage's structural_similarity formula
 * (numpy / scipy.ndimage, scripts/fixtures/similarity_reference.py → the committed JSON), plus
 * hand-worked cases and the axioms (identical maps, constants, symmetry).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { averageRanks, pearson, spearman, ssim } from '../../../../src/analysis/explain/similarity.ts';

interface Reference {
  spearman: { name: string; a: number[]; b: number[]; rho: number }[];
  ssim: { name: string; width: number; height: number; dataRange: number; winSize: number; a: number[]; b: number[]; ssim: number }[];
}
const reference = JSON.parse(readFileSync(new URL('../../../fixtures/explain/similarity.json', import.meta.url), 'utf8')) as Reference;

describe('spearman', () => {
  it.each(reference.spearman.map((c) => [c.name, c] as const))('matches scipy.stats.spearmanr: %s', (_, c) => {
    expect(Math.abs(spearman(c.a, c.b) - c.rho)).toBeLessThan(1e-6);
    expect(Math.abs(spearman(Float64Array.from(c.b), c.a) - c.rho)).toBeLessThan(1e-6);
  });

  it('gives ties the mean of their ranks', () => {
    expect(Array.from(averageRanks([10, 20, 10, 30, 20, 10]))).toEqual([2, 4.5, 2, 6, 4.5, 2]);
    expect(Array.from(averageRanks([]))).toEqual([]);
  });

  it('is 1 for any increasing transform, −1 for a decreasing one', () => {
    const a = [0.3, -2, 5, 1, 0.31, 7];
    expect(spearman(a, a.map((v) => Math.exp(v)))).toBeCloseTo(1, 12);
    expect(spearman(a, a.map((v) => -(v ** 3)))).toBeCloseTo(-1, 12);
  });

  it('is NaN for a constant input or a NaN, as scipy', () => {
    expect(spearman([1, 1, 1], [1, 2, 3])).toBeNaN();
    expect(spearman([0, 0], [0, 0])).toBeNaN();
    expect(spearman([1, NaN, 3], [1, 2, 3])).toBeNaN();
    expect(pearson([1, 2], [5, 5])).toBeNaN();
    expect(() => spearman([1, 2], [1, 2, 3])).toThrow(/2 and 3 values/);
  });
});

describe('ssim', () => {
  it.each(reference.ssim.map((c) => [c.name, c] as const))('matches skimage structural_similarity: %s', (_, c) => {
    expect(Math.abs(ssim(c.a, c.b, c.width, c.height, c.dataRange, c.winSize) - c.ssim)).toBeLessThan(1e-6);
  });

  it('is 1 for identical maps, also constant ones, and symmetric', () => {
    const blob = Float32Array.from({ length: 12 * 10 }, (_, p) => Math.exp(-(((p % 10) - 4) ** 2 + (Math.floor(p / 10) - 6) ** 2) / 8));
    expect(ssim(blob, blob, 10, 12, 1)).toBeCloseTo(1, 12);
    expect(ssim(new Float32Array(64), new Float32Array(64), 8, 8, 1)).toBe(1);
    const noisy = blob.map((v, i) => v + 0.2 * Math.sin(i * 12.9898));
    expect(ssim(blob, noisy, 10, 12, 1)).toBeCloseTo(ssim(noisy, blob, 10, 12, 1), 12);
    expect(ssim(blob, noisy, 10, 12, 1)).toBeLessThan(0.99);
  });

  it('equals the textbook formula on one 7 × 7 window (sample variances)', () => {
    const a = Array.from({ length: 49 }, (_, i) => (i * 37) % 11 / 10);
    const b = Array.from({ length: 49 }, (_, i) => (i * 13) % 7 / 6);
    const m = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
    const [ma, mb] = [m(a), m(b)];
    const cov = (u: number[], mu: number, v: number[], mv: number) => u.reduce((s, x, i) => s + (x - mu) * (v[i]! - mv), 0) / 48;
    const c1 = 0.01 ** 2;
    const c2 = 0.03 ** 2;
    const expected = ((2 * ma * mb + c1) * (2 * cov(a, ma, b, mb) + c2)) / ((ma * ma + mb * mb + c1) * (cov(a, ma, a, ma) + cov(b, mb, b, mb) + c2));
    expect(ssim(a, b, 7, 7, 1)).toBeCloseTo(expected, 12);
  });

  it('refuses windows that are even, too small or larger than the map', () => {
    expect(() => ssim(new Float32Array(36), new Float32Array(36), 6, 6, 1)).toThrow(/does not fit a 6 × 6 map/);
    expect(() => ssim(new Float32Array(64), new Float32Array(64), 8, 8, 1, 4)).toThrow(/odd/);
    expect(() => ssim(new Float32Array(64), new Float32Array(64), 8, 8, 0)).toThrow(/data range/);
    expect(() => ssim(new Float32Array(64), new Float32Array(63), 8, 8, 1)).toThrow(/8 × 8/);
  });
});

/**
 * Quadrature rules on [0, 1]: Gauss–Legendre against tabulated nodes and weights (Abramowitz &
 * Stegun 25.4.29, mapped from [−1, 1]), exact for every monomial up to degree 2n − 1 and off by
 * the textbook remainder (n!)⁴ / ((2n + 1) ((2n)!)²) for x^2n; the trapezoid and its nested
 * doubling against the rule computed directly.
 */
import { describe, expect, it } from 'vitest';
import { gaussLegendre, quadraturePoints, quadratureRound, trapezoid, type Quadrature } from '../../../../src/analysis/explain/quadrature.ts';

const integrate = (q: Quadrature, f: (x: number) => number) => q.nodes.reduce((s, x, k) => s + q.weights[k]! * f(x), 0);
const factorial = (n: number): number => (n <= 1 ? 1 : n * factorial(n - 1));
/** A rule on [−1, 1] (nodes ascending), as tables give it, mapped to [0, 1]. */
const fromSymmetric = (nodes: number[], weights: number[]) => ({ nodes: nodes.map((x) => (x + 1) / 2), weights: weights.map((w) => w / 2) });

describe('gaussLegendre', () => {
  it.each([
    [1, [0], [2]],
    [2, [-1 / Math.sqrt(3), 1 / Math.sqrt(3)], [1, 1]],
    [3, [-Math.sqrt(3 / 5), 0, Math.sqrt(3 / 5)], [5 / 9, 8 / 9, 5 / 9]],
    [5, [-0.906179845938664, -0.5384693101056831, 0, 0.5384693101056831, 0.906179845938664], [0.2369268850561891, 0.4786286704993665, 0.5688888888888889, 0.4786286704993665, 0.2369268850561891]],
  ])('n = %i matches the tabulated nodes and weights', (n, nodes, weights) => {
    const q = gaussLegendre(n);
    const expected = fromSymmetric(nodes, weights);
    expected.nodes.forEach((x, k) => expect(q.nodes[k]).toBeCloseTo(x, 14));
    expected.weights.forEach((w, k) => expect(q.weights[k]).toBeCloseTo(w, 14));
  });

  it.each([1, 2, 3, 4, 7, 10, 16])('n = %i integrates x^k exactly for k ≤ 2n − 1, and x^2n with the known remainder', (n) => {
    const q = gaussLegendre(n);
    for (let k = 0; k <= 2 * n - 1; k++) expect(integrate(q, (x) => x ** k)).toBeCloseTo(1 / (k + 1), 13);
    // ∫₀¹ f − Q_n f = (n!)⁴ / ((2n + 1) ((2n)!)³) f^(2n)(ξ), and f^(2n) = (2n)! for f = x^2n
    // (from n = 10 on the remainder, < 1e-12, drowns in float64 rounding).
    const remainder = factorial(n) ** 4 / ((2 * n + 1) * factorial(2 * n) ** 2);
    if (n <= 7) expect((1 / (2 * n + 1) - integrate(q, (x) => x ** (2 * n))) / remainder).toBeCloseTo(1, 6);
  });

  it.each([64, 1000, 1025])('n = %i: ascending nodes inside (0, 1), symmetric positive weights summing to 1, smooth integrals to 1e-13 (the Runge function to 1e-10)', (n) => {
    const q = gaussLegendre(n);
    for (let k = 0; k < n; k++) {
      expect(q.nodes[k]).toBeGreaterThan(k === 0 ? 0 : q.nodes[k - 1]!);
      expect(q.weights[k]).toBeGreaterThan(0);
      expect(q.nodes[k]! + q.nodes[n - 1 - k]!).toBeCloseTo(1, 14);
      expect(q.weights[k]).toBe(q.weights[n - 1 - k]);
    }
    expect(q.nodes[n - 1]).toBeLessThan(1);
    expect(integrate(q, () => 1)).toBeCloseTo(1, 13);
    expect(integrate(q, Math.cos)).toBeCloseTo(Math.sin(1), 13);
    // Runge's function: poles at ±0.2i (in [−1, 1] terms) cap convergence at about 1.22^(−2n), 1e-11 for n = 64.
    expect(integrate(q, (x) => 1 / (1 + 25 * (2 * x - 1) ** 2))).toBeCloseTo(Math.atan(5) / 5, 10);
  });

  it('rejects a count that is not a positive integer', () => {
    expect(() => gaussLegendre(0)).toThrow(RangeError);
    expect(() => gaussLegendre(2.5)).toThrow(RangeError);
  });
});

describe('trapezoid and its rounds', () => {
  it('n intervals: points k/n, end weights 1/(2n), the others 1/n', () => {
    expect(trapezoid(4)).toEqual({ nodes: Float64Array.from([0, 0.25, 0.5, 0.75, 1]), weights: Float64Array.from([0.125, 0.25, 0.25, 0.25, 0.125]) });
    expect(() => trapezoid(0)).toThrow(RangeError);
  });

  it('doubling keeps half the previous sum and adds the n midpoints at weight 1/(2n): equal to the 2n rule', () => {
    const f = (x: number) => Math.exp(-3 * x) + (x > 0.37 ? 1 : 0);
    let estimate = 0;
    let from = 0;
    for (const to of [3, 6, 12, 24]) {
      const round = quadratureRound('trapezoid', from, to);
      expect(round.nodes).toHaveLength(from === 0 ? to + 1 : from);
      estimate = round.keep * estimate + integrate(round, f);
      expect(estimate).toBeCloseTo(integrate(trapezoid(to), f), 14);
      from = to;
    }
    expect(quadratureRound('trapezoid', 4, 8).nodes).toEqual(Float64Array.from([1, 3, 5, 7], (k) => k / 8));
    // Not a doubling: the full rule afresh.
    expect(quadratureRound('trapezoid', 4, 10)).toEqual({ ...trapezoid(10), keep: 0 });
  });

  it('Gauss–Legendre rounds start afresh; gradient evaluations per rule', () => {
    expect(quadratureRound('gaussLegendre', 8, 16)).toEqual({ ...gaussLegendre(16), keep: 0 });
    expect([quadraturePoints('trapezoid', 16), quadraturePoints('gaussLegendre', 16)]).toEqual([17, 16]);
  });
});

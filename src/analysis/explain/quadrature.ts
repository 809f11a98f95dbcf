/**
 * Quadrature rules on [0, 1] for path integrals (Integrated Gradients), and what one round of an
 * adaptive loop adds when the point count doubles.
 *
 * - Trapezoid on n intervals: n + 1 points k/n. Doubling is nested: T_2n = ½ T_n + the n new
 *   midpoints with weight 1/(2n), so a round costs only the new points.
 * - Gauss–Legendre with n nodes: exact for polynomials of degree 2n − 1, no end points (a ReLU
 *   network's gradient at a black image can be exactly 0 there). The nodes of 2n are not those
 *   of n, so every round evaluates all of its nodes afresh.
 *
 * Plain float64 arrays; no tensors.
 */

/** The quadratures Integrated Gradients can use. */
export type QuadratureRule = 'gaussLegendre' | 'trapezoid';

/** Points in [0, 1] (ascending) and their weights (summing to 1). */
export interface Quadrature {
  nodes: Float64Array;
  weights: Float64Array;
}

/** One round of an adaptive loop: the new points, and the factor the previous estimate keeps. */
export interface QuadratureRound extends Quadrature {
  keep: number;
}

/**
 * Gauss–Legendre nodes and weights on [0, 1] for n ≥ 1 points: Newton's method on the Legendre
 * polynomial P_n (three-term recurrence), started from Tricomi's asymptotic guess; the weights
 * are 2 / ((1 − x²) P_n′(x)²) on [−1, 1], halved for [0, 1].
 */
export function gaussLegendre(n: number): Quadrature {
  if (!(Number.isInteger(n) && n >= 1)) throw new RangeError(`gaussLegendre: n must be a positive integer, got ${n}.`);
  const nodes = new Float64Array(n);
  const weights = new Float64Array(n);
  for (let i = 0; i < Math.ceil(n / 2); i++) {
    // Root i from the top (x near 1): Tricomi's guess is within O(1/n⁴) of it, so Newton needs a few steps.
    let x = (1 - (n - 1) / (8 * n * n * n)) * Math.cos((Math.PI * (4 * i + 3)) / (4 * n + 2));
    // Odd n: the middle root is exactly 0 by symmetry.
    if (2 * i + 1 === n) x = 0;
    for (let iteration = 0; iteration < 100 && x !== 0; iteration++) {
      const [p, dp] = legendre(n, x);
      const dx = p / dp;
      x -= dx;
      if (Math.abs(dx) <= 1e-16) break;
    }
    const dp = legendre(n, x)[1];
    const weight = 1 / ((1 - x * x) * dp * dp);
    nodes[i] = (1 - x) / 2;
    nodes[n - 1 - i] = (1 + x) / 2;
    weights[i] = weight;
    weights[n - 1 - i] = weight;
  }
  return { nodes, weights };
}

/** P_n(x) and P_n′(x) for |x| < 1, by the recurrence j P_j = (2j − 1) x P_{j−1} − (j − 1) P_{j−2}. */
function legendre(n: number, x: number): [number, number] {
  let previous = 1;
  let current = x;
  for (let j = 2; j <= n; j++) {
    const next = ((2 * j - 1) * x * current - (j - 1) * previous) / j;
    previous = current;
    current = next;
  }
  return [current, (n * (x * current - previous)) / (x * x - 1)];
}

/** Trapezoid rule on n ≥ 1 equal intervals: points k/n, k = 0..n, end weights 1/(2n), others 1/n. */
export function trapezoid(n: number): Quadrature {
  if (!(Number.isInteger(n) && n >= 1)) throw new RangeError(`trapezoid: n must be a positive integer, got ${n}.`);
  const nodes = Float64Array.from({ length: n + 1 }, (_, k) => k / n);
  const weights = Float64Array.from({ length: n + 1 }, (_, k) => (k === 0 || k === n ? 0.5 : 1) / n);
  return { nodes, weights };
}

/**
 * The points a round evaluates to go from `from` points (0: the first round) to `to` with
 * `rule`, and how much of the previous estimate stays: the trapezoid halves its previous sum and
 * adds the midpoints when `to` = 2·`from`; anything else starts afresh (keep 0).
 */
export function quadratureRound(rule: QuadratureRule, from: number, to: number): QuadratureRound {
  if (rule === 'trapezoid' && from > 0 && to === 2 * from) {
    const nodes = Float64Array.from({ length: from }, (_, k) => (2 * k + 1) / to);
    return { nodes, weights: new Float64Array(from).fill(1 / to), keep: 0.5 };
  }
  return { ...(rule === 'trapezoid' ? trapezoid(to) : gaussLegendre(to)), keep: 0 };
}

/** Gradient evaluations of a rule with n intervals (trapezoid: n + 1 points) or n nodes. */
export const quadraturePoints = (rule: QuadratureRule, n: number): number => (rule === 'trapezoid' ? n + 1 : n);

/**
 * Percentiles as `numpy.percentile(values, q)` computes them with its default method, 'linear'
 * (Hyndman & Fan's type 7), operation for operation, so the results agree to the last bit.
 */

/**
 * numpy's `_lerp`: a + (b − a)·t, computed from b's end when t ≥ 0.5 so that t = 1 gives b exactly.
 */
function lerp(a: number, b: number, t: number): number {
  const diff = b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

/**
 * The q-th percentile (0 ≤ q ≤ 100) of values already sorted ascending: the virtual index
 * (n − 1)·(q/100) between its two neighbours, linearly. NaN for no values.
 */
export function percentileSorted(sorted: ArrayLike<number>, q: number): number {
  if (!(q >= 0 && q <= 100)) throw new RangeError(`A percentile lies between 0 and 100; received ${q}.`);
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const index = (n - 1) * (q / 100);
  const below = Math.floor(index);
  const above = Math.min(below + 1, n - 1);
  return lerp(sorted[below]!, sorted[above]!, index - below);
}

/** `numpy.percentile(values, q)` ('linear'); sorts a copy. NaN for no values. */
export function percentile(values: ArrayLike<number>, q: number): number {
  return percentileSorted(Float64Array.from(values).sort(), q);
}

/**
 * The two percentiles of a central interval holding `confidence` (0 < c < 1) of the mass:
 * 50·(1 − c) and 100 − that, rounded to 12 significant digits so 0.95 gives exactly 2.5 and
 * 97.5 (what one types into numpy), not 2.500000000000002.
 */
export function centralPercentiles(confidence: number): [number, number] {
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`A confidence level lies strictly between 0 and 1 (0.95 for 95%); received ${confidence}.`);
  const low = Number((50 * (1 - confidence)).toPrecision(12));
  return [low, Number((100 - low).toPrecision(12))];
}

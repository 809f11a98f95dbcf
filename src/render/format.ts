/**
 * Number wording for generated alt text and captions. Locale-free on purpose: the same data must
 * give the same sentence on every machine.
 */

/** Two decimals (0.7134 → "0.71"); magnitudes below 0.01 keep two significant digits ("0.0012"). */
export function fmtValue(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v !== 0 && Math.abs(v) < 0.01) return v.toPrecision(2);
  return v.toFixed(2);
}

/**
 * Two values worded so that different numbers read differently: fmtValue's two decimals, or up
 * to four when two would print the same ("from 0.92 to 0.92" says nothing; "from 0.9159 to
 * 0.9192" does). Equal values stay at two decimals.
 */
export function fmtApart(a: number, b: number): [string, string] {
  const at = (v: number, digits: number) => (digits === 2 || !Number.isFinite(v) ? fmtValue(v) : v !== 0 && Math.abs(v) < 0.01 ? v.toPrecision(digits) : v.toFixed(digits));
  let digits = 2;
  while (digits < 4 && a !== b && at(a, digits) === at(b, digits)) digits++;
  return [at(a, digits), at(b, digits)];
}

/** Percentage of a fraction with one decimal (0.9123 → "91.2%"). */
export function fmtPercent(fraction: number): string {
  return `${(fraction * 100).toFixed(1)}%`;
}

/** Integer with comma thousands separators (10000 → "10,000"). */
export function fmtCount(n: number): string {
  const sign = n < 0 ? '-' : '';
  return sign + String(Math.round(Math.abs(n))).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** "1 epoch", "2 epochs". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${fmtCount(n)} ${n === 1 ? one : many}`;
}

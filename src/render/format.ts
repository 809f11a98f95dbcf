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

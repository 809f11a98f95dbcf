/**
 * How the diff writes numbers and its one-sentence verdict, shared by the text and Markdown
 * outputs (and the JSON's `mcnemar.sentence`). Values and differences are written as the
 * report site writes them (src/site/compare.ts): percentages and percentage points for fractions.
 */
import type { MetricUnit } from '../analysis/compare/deltas.ts';
import type { McNemar } from '../analysis/compare/paired.ts';
import { formatDelta, formatMetric, type MetricKind } from '../site/compare.ts';
import { count } from '../site/format.ts';

const KIND: Record<MetricUnit, MetricKind> = { fraction: 'percent', loss: 'loss', score: 'score' };

/** A metric value: "91.23%", "0.2534", "0.912"; "—" when missing. */
export function valueText(unit: MetricUnit, value: number | null | undefined): string {
  return formatMetric(KIND[unit], value);
}

/** A difference: "+1.20 pp", "−0.0123", "+0.004"; "—" when missing. */
export function deltaText(unit: MetricUnit, delta: number | null | undefined): string {
  return formatDelta(KIND[unit], delta, 0);
}

/** An interval of a difference: "[−0.40 pp, +2.10 pp]"; "—" when absent. */
export function intervalText(unit: MetricUnit, interval: readonly [number, number] | undefined): string {
  return interval ? `[${deltaText(unit, interval[0])}, ${deltaText(unit, interval[1])}]` : '—';
}

/** A whole number with thousands separators. */
export function countText(n: number): string {
  return count(n);
}

/** "1 image", "37 images". */
export function images(n: number): string {
  return `${count(n)} image${n === 1 ? '' : 's'}`;
}

/** A p-value: "p = 0.043", "p < 0.001". */
export function pText(p: number): string {
  return p < 0.001 ? 'p < 0.001' : `p = ${Number(p.toPrecision(2))}`;
}

/** A chi-square statistic: two significant digits below 10 ("4.1", "0.53"), one decimal above ("20.7"). */
export function chiText(x: number): string {
  return x < 10 ? String(Number(x.toPrecision(2))) : x.toFixed(1);
}

/** McNemar's result in one sentence (A and B as the outputs name the two sides). */
export function mcnemarSentence(m: McNemar): string {
  if (!m.discordant) return "A and B are right on exactly the same images (no discordant pairs), so McNemar's test has nothing to test: p = 1.";
  const verdict = m.pValue < 0.05 ? 'the difference is unlikely to be chance at the 5% level' : 'a difference this large could well be chance (not significant at the 5% level)';
  return `B gets ${images(m.c)} right that A got wrong and ${count(m.b)} the other way; McNemar's χ² = ${chiText(m.statistic)}, ${pText(m.pValue)}: ${verdict}.`;
}

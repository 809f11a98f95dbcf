/**
 * A sparkline: a metric per epoch as a polyline in a box, with no axes. The vertical range is
 * the values' own (a card shows the shape of learning, not the scale), stated by the min and max
 * labels the card prints beside it. Pure geometry; the card draws it.
 */

/** Where the line goes, CSS px. */
export interface SparkBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The line's points and the values at its ends of the range. */
export interface Sparkline {
  points: [number, number][];
  min: number;
  max: number;
}

/**
 * Points for `values` (one per epoch, nulls skipped but keeping their place): epochs evenly
 * across the width, the smallest value at the bottom and the largest at the top. One value, or
 * all equal, sits at mid-height.
 */
export function sparkline(values: readonly (number | null)[], box: SparkBox): Sparkline | undefined {
  const known = values.flatMap((v, i) => (v !== null && Number.isFinite(v) ? [[i, v] as const] : []));
  if (known.length === 0) return undefined;
  const min = Math.min(...known.map(([, v]) => v));
  const max = Math.max(...known.map(([, v]) => v));
  const steps = Math.max(1, values.length - 1);
  const x = (i: number) => (values.length === 1 ? box.x + box.width / 2 : box.x + (i / steps) * box.width);
  const y = (v: number) => (max === min ? box.y + box.height / 2 : box.y + box.height - ((v - min) / (max - min)) * box.height);
  return { points: known.map(([i, v]) => [x(i), y(v)]), min, max };
}

/** SVG path data through the points ("M x,y L x,y …"), two decimals. */
export function sparkPath(points: readonly [number, number][]): string {
  const r = (v: number) => String(Math.round(v * 100) / 100);
  return points.map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${r(x)},${r(y)}`).join('');
}

/**
 * Publishing-only helpers that make long curves small without changing their drawn shape.
 * Metrics are always computed on the full curves; only figure data goes through here.
 */

/**
 * Indices of the points to keep when drawing the polyline (x[i], y[i]) with straight segments:
 * the Ramer–Douglas–Peucker simplification. The first and last points are always kept, and every
 * dropped point lies within `tolerance` (Euclidean, in the curve's units) of the kept polyline, so
 * each corner sticking out further than that survives. Tolerance 0 drops only points exactly on
 * the segment between their kept neighbours (collinear runs, repeated points). Indices ascend.
 */
export function downsampleCurve(x: readonly number[], y: readonly number[], tolerance: number): number[] {
  const n = x.length;
  if (y.length !== n) throw new RangeError(`downsampleCurve: ${n} x values but ${y.length} y values; pass one y per x.`);
  if (!(tolerance >= 0)) throw new RangeError(`downsampleCurve: tolerance must be ≥ 0, got ${tolerance}.`);
  if (n <= 2) return Array.from({ length: n }, (_, i) => i);
  const keep = new Uint8Array(n);
  keep[0] = 1;
  keep[n - 1] = 1;
  // An explicit stack: curves of 10⁵ points would overflow recursion on a staircase.
  const stack: [number, number][] = [[0, n - 1]];
  while (stack.length > 0) {
    const [a, b] = stack.pop()!;
    let worst = -1;
    let worstDistance = -1;
    for (let i = a + 1; i < b; i++) {
      const d = segmentDistance(x[i]!, y[i]!, x[a]!, y[a]!, x[b]!, y[b]!);
      if (d > worstDistance) {
        worstDistance = d;
        worst = i;
      }
    }
    if (worst >= 0 && worstDistance > tolerance) {
      keep[worst] = 1;
      stack.push([a, worst], [worst, b]);
    }
  }
  const out: number[] = [];
  for (let i = 0; i < n; i++) if (keep[i]) out.push(i);
  return out;
}

/** Distance from point (px, py) to the segment (ax, ay)–(bx, by). */
export function segmentDistance(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const length2 = dx * dx + dy * dy;
  const t = length2 === 0 ? 0 : Math.min(1, Math.max(0, ((px - ax) * dx + (py - ay) * dy) / length2));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

/**
 * The explicit polyline of a step curve drawn "steps-post" (matplotlib's drawstyle, which
 * sklearn's PrecisionRecallDisplay uses): from each point, go along x at the same y to the next
 * x, then jump to the next y. Simplify this, not the raw points, so the steps keep their corners.
 */
export function stepsPost(x: readonly number[], y: readonly number[]): { x: number[]; y: number[] } {
  const sx: number[] = [];
  const sy: number[] = [];
  for (let i = 0; i < x.length; i++) {
    if (i > 0) {
      sx.push(x[i]!);
      sy.push(y[i - 1]!);
    }
    sx.push(x[i]!);
    sy.push(y[i]!);
  }
  return { x: sx, y: sy };
}

import { describe, expect, it } from 'vitest';
import { downsampleCurve, segmentDistance, stepsPost } from '../../../../src/analysis/metrics/downsample.ts';
import { precisionRecallCurve, rocCurve, trapezoidArea } from '../../../../src/analysis/metrics/ranking.ts';
import { randomCase } from '../../../fixtures/analysis/random-case.ts';
import { column } from './reference.ts';

/** Distance from point i to the polyline through the kept indices (every segment, no shortcuts). */
function distanceToPolyline(x: number[], y: number[], kept: number[], i: number): number {
  let best = Number.POSITIVE_INFINITY;
  for (let s = 0; s + 1 < kept.length; s++) {
    const [a, b] = [kept[s]!, kept[s + 1]!];
    best = Math.min(best, segmentDistance(x[i]!, y[i]!, x[a]!, y[a]!, x[b]!, y[b]!));
  }
  return best;
}

describe('curve downsampling for published figure data', () => {
  it('keeps a staircase’s corners and drops the points on its straight runs', () => {
    // (0,0) (0,1) (0,2) (1,2) (2,2) (2,3): corners at (0,2) and (2,2); (0,1) and (1,2) are mid-run.
    const x = [0, 0, 0, 1, 2, 2];
    const y = [0, 1, 2, 2, 2, 3];
    expect(downsampleCurve(x, y, 0)).toEqual([0, 2, 4, 5]);
  });

  it('tolerance 0 keeps every point that is off the line, however slightly', () => {
    expect(downsampleCurve([0, 1, 2], [0, 1e-9, 0], 0)).toEqual([0, 1, 2]);
    expect(downsampleCurve([0, 1, 2], [0, 1e-9, 0], 1e-6)).toEqual([0, 2]);
  });

  it('short curves come back whole; mismatched arrays and negative tolerance are rejected', () => {
    expect(downsampleCurve([], [], 0.1)).toEqual([]);
    expect(downsampleCurve([0, 1], [0, 1], 0.1)).toEqual([0, 1]);
    expect(() => downsampleCurve([0, 1], [0], 0)).toThrow(/one y per x/);
    expect(() => downsampleCurve([0, 1], [0, 1], -1)).toThrow(/tolerance/);
  });

  it('on real ROC curves: endpoints kept, every dropped point within tolerance, area within 2·tolerance', () => {
    const c = randomCase({ seed: 61, n: 3000, k: 3, grid: 0 });
    const tolerance = 0.002;
    for (let j = 0; j < 3; j++) {
      const { scores, positive } = column(c.probs, c.labels, 3, j);
      const roc = rocCurve(scores, positive);
      const kept = downsampleCurve(roc.fpr, roc.tpr, tolerance);
      expect(kept[0]).toBe(0);
      expect(kept[kept.length - 1]).toBe(roc.fpr.length - 1);
      expect(kept.length).toBeLessThan(roc.fpr.length / 3);
      for (let i = 0; i < roc.fpr.length; i++) expect(distanceToPolyline(roc.fpr, roc.tpr, kept, i)).toBeLessThanOrEqual(tolerance);
      // Every point moved by ≤ tolerance along a monotone curve of length ≤ 2 → area changes by ≤ 2·tolerance.
      const area = trapezoidArea(kept.map((i) => roc.fpr[i]!), kept.map((i) => roc.tpr[i]!));
      expect(Math.abs(area - trapezoidArea(roc.fpr, roc.tpr))).toBeLessThanOrEqual(2 * tolerance);
    }
  });

  it('stepsPost spells out the steps, so a PR curve keeps its steps after downsampling', () => {
    // steps-post from (1, .5) to (.5, 1): along x at y .5, then up.
    expect(stepsPost([1, 0.5, 0], [0.5, 1, 1])).toEqual({ x: [1, 0.5, 0.5, 0, 0], y: [0.5, 0.5, 1, 1, 1] });
    const c = randomCase({ seed: 62, n: 2000, k: 2, grid: 0 });
    const { scores, positive } = column(c.probs, c.labels, 2, 1);
    const pr = precisionRecallCurve(scores, positive);
    const steps = stepsPost(pr.recall, pr.precision);
    const kept = downsampleCurve(steps.x, steps.y, 0.002);
    expect(kept.length).toBeLessThan(steps.x.length / 3);
    for (let i = 0; i < steps.x.length; i++) expect(distanceToPolyline(steps.x, steps.y, kept, i)).toBeLessThanOrEqual(0.002);
  });
});

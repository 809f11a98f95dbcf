/**
 * The reliability diagram: accuracy against confidence per bin, with the diagonal of perfect
 * calibration, and below it how many test images fall in each bin (a bin of three images says
 * little). The expected calibration error is in the title.
 */
import type { TopLevelSpec } from 'vega-lite';
import { fmtCount, fmtValue } from '../format.ts';
import { SERIES } from '../theme.ts';

/** One confidence bin (lower, upper], as analysis/metrics/calibration.ts computes it. */
export interface ReliabilityBin {
  lower: number;
  upper: number;
  count: number;
  /** Mean max-probability of the bin's images (null when empty). */
  confidence: number | null;
  /** Fraction of the bin's images predicted correctly (null when empty). */
  accuracy: number | null;
}

/** Two panels: accuracy bars per bin over the diagonal, and the bin counts. */
export function reliabilitySpec(bins: readonly ReliabilityBin[], ece: number): TopLevelSpec {
  const x = { field: 'lower', type: 'quantitative', title: 'Confidence (highest class probability)', scale: { domain: [0, 1] }, bin: 'binned' } as const;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: `Expected calibration error ${fmtValue(ece)}`, anchor: 'start', fontSize: 12 },
    data: { values: bins.map((b) => ({ ...b })) },
    vconcat: [
      {
        width: 360,
        height: 220,
        layer: [
          { data: { values: [{ lower: 0, accuracy: 0 }, { lower: 1, accuracy: 1 }] }, mark: { type: 'line', color: '#9ca3af', strokeDash: [4, 3], strokeWidth: 1 }, encoding: { x: { field: 'lower', type: 'quantitative' }, y: { field: 'accuracy', type: 'quantitative' } } },
          {
            transform: [{ filter: 'datum.count > 0' }],
            mark: { type: 'bar', color: SERIES.train, opacity: 0.85, stroke: '#ffffff', strokeWidth: 1 },
            encoding: { x, x2: { field: 'upper' }, y: { field: 'accuracy', type: 'quantitative', title: 'Accuracy', scale: { domain: [0, 1] } } },
          },
          {
            transform: [{ filter: 'datum.count > 0' }],
            mark: { type: 'tick', color: SERIES.validation, thickness: 2 },
            encoding: { x: { field: 'mid', type: 'quantitative' }, y: { field: 'confidence', type: 'quantitative' } },
          },
        ],
        transform: [{ calculate: '(datum.lower + datum.upper) / 2', as: 'mid' }],
      },
      {
        width: 360,
        height: 70,
        mark: { type: 'bar', color: '#9ca3af' },
        encoding: { x: { ...x, title: null }, x2: { field: 'upper' }, y: { field: 'count', type: 'quantitative', title: 'Images', axis: { tickCount: 2, format: ',d' } } },
      },
    ],
  } as TopLevelSpec;
}

/** "Reliability over 10 bins: …; most images (8,123) sit in the 0.9–1.0 bin, where accuracy is 0.97 at confidence 0.98." */
export function reliabilityAlt(bins: readonly ReliabilityBin[], ece: number): string {
  const full = bins.filter((b) => b.count > 0);
  if (full.length === 0) return 'Reliability diagram with no test images.';
  const top = full.reduce((a, b) => (b.count > a.count ? b : a));
  const gaps = full.filter((b) => b.accuracy !== null && b.confidence !== null && b.accuracy < b.confidence).length;
  return (
    `Reliability diagram over ${bins.length} confidence bins; expected calibration error ${fmtValue(ece)}. ` +
    `Most images (${fmtCount(top.count)}) fall in the ${fmtValue(top.lower)}–${fmtValue(top.upper)} bin, where accuracy is ${fmtValue(top.accuracy!)} at mean confidence ${fmtValue(top.confidence!)}; ` +
    `${gaps} of ${full.length} non-empty bins are over-confident (accuracy below confidence).`
  );
}

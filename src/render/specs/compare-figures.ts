/**
 * The report-level figures across experiments (index and compare pages): final validation
 * metrics as bars, and the validation curves overlaid. Both rendered like every chart (SVG, 2×
 * PNG, CSV data, alt text from the data).
 */
import { renderFigure, type RenderedFigure } from '../figure.ts';
import { hasValidation } from './training-curves.ts';
import { compareCurvesAlt, compareCurvesCsv, compareCurvesSpec, curvePoints } from './compare-curves.ts';
import { compareMetricsAlt, compareMetricsCsv, compareMetricsSpec, finalValidation, type ExperimentHistory } from './compare-metrics.ts';

export type { ExperimentHistory } from './compare-metrics.ts';

/** File stems of the two figures (report.figures `name`). */
export const COMPARISON_FIGURES = { metrics: 'comparison-metrics', curves: 'comparison-curves' } as const;

/**
 * `comparison-metrics` and `comparison-curves` for `experiments`, in report order; none when no
 * experiment has validation values (an empty list, or imported models without a history file).
 */
export async function comparisonFigures(experiments: readonly ExperimentHistory[]): Promise<RenderedFigure[]> {
  if (!experiments.some((e) => hasValidation(e.history))) return [];
  const rows = finalValidation(experiments);
  return [
    await renderFigure({
      name: COMPARISON_FIGURES.metrics,
      title: 'Final validation loss and accuracy',
      spec: compareMetricsSpec(rows),
      alt: compareMetricsAlt(rows),
      data: { kind: 'csv', text: compareMetricsCsv(rows) },
    }),
    await renderFigure({
      name: COMPARISON_FIGURES.curves,
      title: 'Validation curves across experiments',
      spec: compareCurvesSpec(experiments),
      alt: compareCurvesAlt(experiments),
      data: { kind: 'csv', text: compareCurvesCsv(curvePoints(experiments)) },
    }),
  ];
}

/**
 * ROAD curves per explanation method (Rong, Leemann et al. 2022): the class probability as a
 * growing fraction of pixels is removed and filled in from their neighbours (noisy linear
 * imputation), most relevant first (MoRF) in one panel, least relevant first (LeRF) in the other.
 * A map the model's behaviour supports falls fast under MoRF and stays high under LeRF.
 */
import type { TopLevelSpec } from 'vega-lite';
// One colour per method, shared with the deletion/insertion figure, so a method keeps its colour.
import { METHOD_COLOURS } from './faithfulness.ts';
import { fmtValue, plural } from '../format.ts';

const MORF = 'Most relevant removed first (lower is better)';
const LERF = 'Least relevant removed first (higher is better)';

/** One method's mean curves over the explained images (fraction of pixels removed → probability). */
export interface RoadCurves {
  method: string;
  fractions: number[];
  morf: number[];
  lerf: number[];
  /** Means of the curves over the fractions. */
  morfArea: number;
  lerfArea: number;
}

/** Two panels (MoRF, LeRF), one line per method, a point at each measured fraction. */
export function roadSpec(curves: readonly RoadCurves[]): TopLevelSpec {
  const rows = curves.flatMap((c) =>
    c.fractions.flatMap((f, i) => [
      { order: MORF, method: c.method, fraction: f, probability: c.morf[i]! },
      { order: LERF, method: c.method, fraction: f, probability: c.lerf[i]! },
    ]),
  );
  const methods = curves.map((c) => c.method);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    data: { values: rows },
    facet: { column: { field: 'order', type: 'nominal', title: null, sort: [MORF, LERF] } },
    spec: {
      width: 260,
      height: 200,
      mark: { type: 'line', strokeWidth: 2, point: true },
      encoding: {
        x: { field: 'fraction', type: 'quantitative', title: 'Fraction of pixels removed', scale: { domain: [0, 1] } },
        y: { field: 'probability', type: 'quantitative', title: 'Probability of the class', scale: { domain: [0, 1] } },
        color: { field: 'method', type: 'nominal', title: null, scale: { domain: methods, range: METHOD_COLOURS.slice(0, methods.length) }, legend: { orient: 'top', columns: 4 } },
      },
    },
  } as TopLevelSpec;
}

/** "ROAD curves of 3 explanation methods over 8 test images …: Grad-CAM has the lowest mean probability (0.21) when the most relevant pixels go first, occlusion the highest (0.83) when the least relevant go first." */
export function roadAlt(curves: readonly RoadCurves[], images: number): string {
  if (curves.length === 0) return 'No explanation method was evaluated with ROAD.';
  const what = `over ${plural(images, 'test image')}, with the removed pixels filled in from their neighbours`;
  if (curves.length === 1) {
    const c = curves[0]!;
    return `ROAD curves of ${c.method} ${what}: the class probability averages ${fmtValue(c.morfArea)} when the most relevant pixels go first and ${fmtValue(c.lerfArea)} when the least relevant go first.`;
  }
  const morf = curves.reduce((a, b) => (b.morfArea < a.morfArea ? b : a));
  const lerf = curves.reduce((a, b) => (b.lerfArea > a.lerfArea ? b : a));
  return (
    `ROAD curves of ${curves.length} explanation methods ${what}: ${morf.method} has the lowest mean probability (${fmtValue(morf.morfArea)}) when the most relevant pixels go first, ` +
    `${lerf.method} the highest (${fmtValue(lerf.lerfArea)}) when the least relevant go first.`
  );
}

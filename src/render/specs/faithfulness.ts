/**
 * Deletion and insertion curves per explanation method (Petsiuk et al.): the class probability
 * as pixels are removed (or revealed) in the order a map ranks them. A map the model's
 * behaviour supports drops fast under deletion and rises fast under insertion; the area under
 * each curve summarizes that, and the legend carries it.
 */
import type { TopLevelSpec } from 'vega-lite';
import { fmtValue } from '../format.ts';

/** Okabe–Ito, without yellow (too light on white): enough for every method. */
export const METHOD_COLOURS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#56B4E9', '#E69F00', '#000000'];

/** One method's mean curves over the explained images (fraction of pixels → probability). */
export interface FaithfulnessCurves {
  method: string;
  fractions: number[];
  deletion: number[];
  insertion: number[];
  deletionAuc: number;
  insertionAuc: number;
}

/** Two panels, one line per method; the legend labels carry the AUCs. */
export function faithfulnessSpec(curves: readonly FaithfulnessCurves[]): TopLevelSpec {
  const rows = curves.flatMap((c) =>
    c.fractions.flatMap((f, i) => [
      { curve: 'Deletion (lower area is better)', method: c.method, fraction: f, probability: c.deletion[i]! },
      { curve: 'Insertion (higher area is better)', method: c.method, fraction: f, probability: c.insertion[i]! },
    ]),
  );
  const methods = curves.map((c) => c.method);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    data: { values: rows },
    facet: { column: { field: 'curve', type: 'nominal', title: null, sort: ['Deletion (lower area is better)', 'Insertion (higher area is better)'] } },
    spec: {
      width: 260,
      height: 200,
      mark: { type: 'line', strokeWidth: 2 },
      encoding: {
        x: { field: 'fraction', type: 'quantitative', title: 'Fraction of pixels changed', scale: { domain: [0, 1] } },
        y: { field: 'probability', type: 'quantitative', title: 'Probability of the class', scale: { domain: [0, 1] } },
        color: { field: 'method', type: 'nominal', title: null, scale: { domain: methods, range: METHOD_COLOURS.slice(0, methods.length) }, legend: { orient: 'top', columns: 4 } },
      },
    },
  } as TopLevelSpec;
}

/** "Deletion/insertion over 8 images: Grad-CAM has the lowest deletion area (0.12), occlusion the highest insertion area (0.71)." */
export function faithfulnessAlt(curves: readonly FaithfulnessCurves[], images: number): string {
  if (curves.length === 0) return 'No explanation method was evaluated.';
  const del = curves.reduce((a, b) => (b.deletionAuc < a.deletionAuc ? b : a));
  const ins = curves.reduce((a, b) => (b.insertionAuc > a.insertionAuc ? b : a));
  return (
    `Deletion and insertion curves of ${curves.length} explanation methods, averaged over ${images} test images: ` +
    `${del.method} has the lowest deletion area (${fmtValue(del.deletionAuc)}) and ${ins.method} the highest insertion area (${fmtValue(ins.insertionAuc)}).`
  );
}

/**
 * ROC and precision–recall curves, one small panel per class (ten overlapping colours would
 * need a palette no reader can tell apart), each with the micro-average as a grey dashed
 * reference and the class's AUC or average precision in its title. Pure: points in, spec out;
 * the points embedded are the downloadable data.
 */
import type { TopLevelSpec } from 'vega-lite';
import { fmtValue } from '../format.ts';
import { INK_MUTED, SERIES } from '../theme.ts';

/** One curve: x and y coordinates in drawing order, and its summary (AUC or AP; null = undefined). */
export interface Curve {
  x: number[];
  y: number[];
  score: number | null;
}

/** Per-class curves plus the micro average. */
export interface CurveSet {
  classes: readonly string[];
  perClass: Curve[];
  micro: Curve;
  /** Macro average of the per-class scores (null when undefined). */
  macro: number | null;
}

type Kind = 'roc' | 'pr';

const LABELS = {
  roc: { x: 'False positive rate', y: 'True positive rate', score: 'AUC', name: 'ROC' },
  pr: { x: 'Recall', y: 'Precision', score: 'AP', name: 'Precision–recall' },
} as const;

/** Rows `{ panel, series, order, x, y }`: every class curve and, in every panel, the micro average. */
export function curveRows(set: CurveSet, kind: Kind): { panel: string; series: string; order: number; x: number; y: number }[] {
  const title = (name: string, c: Curve) => `${name} · ${LABELS[kind].score} ${c.score === null ? 'n/a' : fmtValue(c.score)}`;
  return set.classes.flatMap((name, k) => {
    const panel = title(name, set.perClass[k]!);
    const own = set.perClass[k]!.x.map((x, i) => ({ panel, series: 'Class', order: i, x, y: set.perClass[k]!.y[i]! }));
    const micro = set.micro.x.map((x, i) => ({ panel, series: 'Micro-average', order: i, x, y: set.micro.y[i]! }));
    return [...own, ...micro];
  });
}

/** Small multiples, five per row: the class in blue, the micro average grey and dashed. */
export function curvesSpec(set: CurveSet, kind: Kind): TopLevelSpec {
  const l = LABELS[kind];
  const rows = curveRows(set, kind);
  const panels = [...new Set(rows.map((r) => r.panel))];
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    data: { values: rows },
    facet: { field: 'panel', type: 'nominal', sort: panels, title: null, header: { labelFontSize: 11, labelFontWeight: 'normal' } },
    columns: 5,
    spec: {
      width: 130,
      height: 130,
      layer: [
        ...(kind === 'roc'
          ? [{ data: { values: [{ x: 0, y: 0 }, { x: 1, y: 1 }] }, mark: { type: 'line', color: '#d1d5db', strokeWidth: 1 }, encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } } }]
          : []),
        {
          mark: { type: 'line' },
          encoding: {
            x: { field: 'x', type: 'quantitative', title: l.x, scale: { domain: [0, 1] }, axis: { tickCount: 3 } },
            y: { field: 'y', type: 'quantitative', title: l.y, scale: { domain: [0, 1] }, axis: { tickCount: 3 } },
            order: { field: 'order', type: 'quantitative' },
            color: { field: 'series', type: 'nominal', title: null, scale: { domain: ['Class', 'Micro-average'], range: [SERIES.train, INK_MUTED] }, legend: { orient: 'top' } },
            strokeDash: { field: 'series', type: 'nominal', title: null, scale: { domain: ['Class', 'Micro-average'], range: [[1, 0], [4, 3]] }, legend: { orient: 'top' } },
          },
        },
      ],
    },
    resolve: { scale: { x: 'shared', y: 'shared' } },
  } as TopLevelSpec;
}

/** "ROC curves of 10 classes, one-vs-rest: AUC from 0.91 (Shirt) to 1.00 (Trouser); micro 0.99, macro 0.98." */
export function curvesAlt(set: CurveSet, kind: Kind): string {
  const l = LABELS[kind];
  const scored = set.classes.map((name, k) => ({ name, score: set.perClass[k]!.score })).filter((c) => c.score !== null) as { name: string; score: number }[];
  const head = `${l.name} curves of ${set.classes.length} classes, one-vs-rest`;
  if (scored.length === 0) return `${head}: no class has both positive and negative test images, so no ${l.score} is defined.`;
  const lo = scored.reduce((a, b) => (b.score < a.score ? b : a));
  const hi = scored.reduce((a, b) => (b.score > a.score ? b : a));
  const avg = (name: string, v: number | null) => `${name} ${v === null ? 'n/a' : fmtValue(v)}`;
  return `${head}: ${l.score} from ${fmtValue(lo.score)} (${lo.name}) to ${fmtValue(hi.score)} (${hi.name}); ${avg('micro-average', set.micro.score)}, ${avg('macro-average', set.macro)}.`;
}

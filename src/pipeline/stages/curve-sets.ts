/**
 * The evaluation's ROC and precision–recall curves as the figures draw and publish them:
 * thinned to what a 130-pixel panel can show (every dropped point within 1/500 of the kept
 * line, corners kept; analysis/metrics/downsample.ts), with the full AUC/AP values.
 */
import type { Evaluation } from '../../analysis/evaluate.ts';
import { downsampleCurve, stepsPost } from '../../analysis/metrics/downsample.ts';
import type { Curve, CurveSet } from '../../render/specs/curves.ts';

const TOLERANCE = 0.002;

/** A curve thinned for drawing (every dropped point within 1/500 of the kept line). */
export function thin(x: readonly number[], y: readonly number[], score: number | null): Curve {
  const keep = downsampleCurve(x, y, TOLERANCE);
  return { x: keep.map((i) => x[i]!), y: keep.map((i) => y[i]!), score };
}

/** ROC curves (false positive rate → true positive rate); undefined when no class has both kinds of test image. */
export function rocSet(ev: Evaluation): { set: CurveSet; data: string } | undefined {
  const { roc } = ev;
  if (!roc.micro) return undefined;
  const empty: Curve = { x: [], y: [], score: null };
  const set: CurveSet = {
    classes: ev.metrics.classes,
    perClass: roc.perClass.map((c, k) => (c ? thin(c.fpr, c.tpr, roc.auc.perClass[k] ?? null) : empty)),
    micro: thin(roc.micro.fpr, roc.micro.tpr, roc.auc.micro),
    macro: roc.auc.macro,
  };
  return { set, data: curveData(set, 'fpr', 'tpr', 'auc') };
}

/** A precision–recall curve as drawn steps, thinned. */
export function stepped(recall: readonly number[], precision: readonly number[], score: number): Curve {
  // Steps as sklearn's PrecisionRecallDisplay draws them ("steps-post" in sklearn's order, recall
  // falling), made explicit so thinning keeps the corners.
  const s = stepsPost(recall, precision);
  return thin(s.x, s.y, score);
}

/** Precision–recall curves as drawn steps (recall → precision). */
export function prSet(ev: Evaluation): { set: CurveSet; data: string } {
  const { pr } = ev;
  const set: CurveSet = {
    classes: ev.metrics.classes,
    perClass: pr.perClass.map((c, k) => stepped(c.recall, c.precision, pr.averagePrecision.perClass[k]!)),
    micro: stepped(pr.micro.recall, pr.micro.precision, pr.averagePrecision.micro),
    macro: pr.averagePrecision.macro,
  };
  return { set, data: curveData(set, 'recall', 'precision', 'average_precision') };
}

function curveData(set: CurveSet, x: string, y: string, score: string): string {
  const curve = (c: Curve) => ({ [x]: c.x, [y]: c.y, [score]: c.score });
  const perClass = Object.fromEntries(set.classes.map((name, k) => [name, curve(set.perClass[k]!)]));
  return JSON.stringify({ per_class: perClass, micro: curve(set.micro), macro: { [score]: set.macro }, note: `points thinned for drawing (every dropped point within ${TOLERANCE} of the drawn line)` }, null, 2) + '\n';
}

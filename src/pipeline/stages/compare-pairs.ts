/**
 * What changed between models on one test set (the compare page's "what changed"): for every
 * pair of the group's experiments A before B in report order (the first MAX_PAIRS pairs), from
 * the test predictions alone (no model is loaded):
 *
 *   flips        images right in A and wrong in B, and the other way, per (true, A's, B's) class
 *   McNemar      on the paired predictions, with continuity correction (statsmodels' default)
 *   bootstrap    percentile 95 % intervals of the accuracy, macro-F1 and per-class differences,
 *                resampling test images (paired), seeded by the group's seed
 *   confusion    B's confusion matrix minus A's, as a figure
 *
 * and, across the group, ROC, precision–recall and reliability curves of every model overlaid.
 * Pure statistics come from analysis/compare (the same code as `convlens diff`).
 */
import { pairedBootstrap } from '../../analysis/compare/bootstrap.ts';
import { flips as pairedFlips, mcnemar } from '../../analysis/compare/paired.ts';
import { calibration } from '../../analysis/metrics/calibration.ts';
import { argmaxRows, confusionMatrix } from '../../analysis/metrics/classification.ts';
import { oneVsRest } from '../../analysis/metrics/one-vs-rest.ts';
import { mcnemarSentence } from '../../diff/format.ts';
import { renderFigure, type RenderedFigure } from '../../render/figure.ts';
import { confusionDifference, confusionDifferenceAlt, confusionDifferenceSpec, overlaidCurvesAlt, overlaidCurvesSpec, type OverlaidCurve, type OverlayKind } from '../../render/specs/compare-diagnostics.ts';
import { MAX_OVERLAID } from '../../render/specs/compare-palette.ts';
import type { Figure } from '../../site/report.ts';
import type { Comparison, CompareExperiment } from './compare.ts';
import { figureFiles } from './figures.ts';
import { stepped, thin } from './curve-sets.ts';

/** Images listed per flip direction and per class pair (each gets a sample page in both experiments). */
export const FLIPS_SHOWN = 24;
const PAIRS_SHOWN = 10;
/** Pairs per test set: all of up to five experiments; past that, the first pairs in report order. */
export const MAX_PAIRS = 10;
const INDICES_PER_PAIR = 6;
/** Calibration bins of the overlaid reliability curves (the experiments' own figures use theirs). */
const RELIABILITY_BINS = 10;

type Pair = NonNullable<Comparison['pairs']>[number];

/** A group figure's report.json entry: its files live in `compare/<group>/`. */
export function groupFigure(f: RenderedFigure, group: string): Figure {
  const at = `compare/${group}/${f.name}`;
  return { name: f.name, title: f.title, alt: f.alt, svg: `${at}.svg`, png: `${at}.png`, data: `${at}.${f.dataExt}`, width: f.width, height: f.height };
}

/** One figure as the comparison stores it: name relative to the group's folder. */
async function figure(name: string, title: string, spec: Parameters<typeof renderFigure>[0]['spec'], alt: string, data: string): Promise<RenderedFigure> {
  return renderFigure({ name, title, spec, alt, data: { kind: 'json', text: data } });
}

/** Every pair of members (up to MAX_PAIRS), and the overlaid curves; figures named within the group's folder. */
export async function comparePairs(group: string, members: readonly CompareExperiment[], seed: number): Promise<{ pairs: Pair[]; figures: Figure[]; files: Map<string, Buffer> }> {
  const test = members[0]!.dataset.test;
  const classes = members[0]!.dataset.classes;
  const k = classes.length;
  const n = test.count;
  const labels = test.labels;
  const predicted = members.map((m) => argmaxRows(m.analysis.probs, k));
  const pairs: Pair[] = [];
  const rendered: RenderedFigure[] = [];
  const order = members.flatMap((_, i) => members.slice(i + 1).map((__, d) => [i, i + 1 + d] as const)).slice(0, MAX_PAIRS);
  for (const [i, j] of order) {
    const a = members[i]!;
    const b = members[j]!;
    const f = pairedFlips(labels, predicted[i]!, predicted[j]!);
    const m = mcnemar(f.rightToWrong.length, f.wrongToRight.length);
    const boot = pairedBootstrap(labels, predicted[i]!, predicted[j]!, k, { seed });
    const diff = confusionDifference(confusionMatrix(labels, predicted[i]!, k), confusionMatrix(labels, predicted[j]!, k));
    const name = `confusion-difference-${a.id}-vs-${b.id}`;
    const confusion = await figure(name, `${b.id} minus ${a.id}: confusion matrix`, confusionDifferenceSpec(classes, diff, a.id, b.id), confusionDifferenceAlt(classes, diff, a.id, b.id), JSON.stringify({ a: a.id, b: b.id, classes, difference: diff }, null, 2) + '\n');
    rendered.push(confusion);
    pairs.push({
      a: a.id,
      b: b.id,
      flips: {
        rightToWrong: f.rightToWrong.length,
        wrongToRight: f.wrongToRight.length,
        bothWrongDifferently: f.bothWrongDifferently.length,
        shown: { rightToWrong: f.rightToWrong.slice(0, FLIPS_SHOWN), wrongToRight: f.wrongToRight.slice(0, FLIPS_SHOWN) },
        byPair: f.byPair.slice(0, PAIRS_SHOWN).map((p) => ({ true: classes[p.true]!, a: classes[p.a]!, b: classes[p.b]!, count: p.count, indices: p.indices.slice(0, INDICES_PER_PAIR) })),
      },
      mcnemar: { b: m.b, c: m.c, statistic: m.statistic, pValue: m.pValue, discordant: m.discordant, sentence: mcnemarSentence(m).replace(/\bB\b/g, b.id).replace(/\bA\b/g, a.id) },
      accuracy: boot.accuracy,
      macroF1: boot.macro.f1,
      perClass: boot.perClass.map((c, i) => ({ class: classes[i]!, precision: c.precision, recall: c.recall, f1: c.f1 })),
      bootstrap: { resamples: boot.resamples, seed: boot.seed, confidence: boot.confidence },
      confusion: groupFigure(confusion, group),
    });
  }
  const curves: RenderedFigure[] = [];
  const drawn = members.slice(0, MAX_OVERLAID);
  if (drawn.length >= 2) {
    const analyses = drawn.map((e) => oneVsRest(e.analysis.probs, labels, k));
    const calibrations = drawn.map((e) => calibration(e.analysis.probs, labels, k, RELIABILITY_BINS));
    const score = (v: number) => (Number.isFinite(v) ? v : null);
    const series: Record<OverlayKind, OverlaidCurve[]> = {
      // Thinned like the experiments' own curves: 10,000 images × 10 classes is 100,000 points.
      roc: drawn.map((e, i) => ({ id: e.id, ...thin(analyses[i]!.micro.roc.fpr, analyses[i]!.micro.roc.tpr, score(analyses[i]!.micro.auc)) })),
      pr: drawn.map((e, i) => ({ id: e.id, ...stepped(analyses[i]!.micro.pr.recall, analyses[i]!.micro.pr.precision, analyses[i]!.micro.averagePrecision) })),
      reliability: drawn.map((e, i) => {
        const bins = calibrations[i]!.bins.filter((bin) => bin.count > 0);
        return { id: e.id, x: bins.map((bin) => bin.confidence!), y: bins.map((bin) => bin.accuracy!), score: score(calibrations[i]!.ece) };
      }),
    };
    const titles: Record<OverlayKind, string> = { roc: 'ROC curves, micro-average', pr: 'Precision–recall curves, micro-average', reliability: 'Reliability curves' };
    for (const kind of ['roc', 'pr', 'reliability'] as const) {
      curves.push(await figure(`${kind}-overlaid`, titles[kind], overlaidCurvesSpec(kind, series[kind]), overlaidCurvesAlt(kind, series[kind], n), JSON.stringify(series[kind], null, 1) + '\n'));
    }
  }
  return { pairs, figures: curves.map((f) => groupFigure(f, group)), files: figureFiles([...rendered, ...curves]) };
}

/**
 * One pair's diff, as the documented JSON object (shape.ts):
 *
 *   1. load      each side's predictions.csv (the only file read besides report.json)
 *   2. test set  same source, class count, test count and true labels? (test-set.ts)
 *   3. metrics   B − A of the published metrics, whole-set and per class (analysis/compare/deltas.ts)
 *   4. paired    same test set only: flips, McNemar, the paired bootstrap's intervals
 *   5. repeats   mean ± sd of repeated runs, when either side has them
 *
 * Steps 2–5 are pure (`buildDiff`); `loadSide` is the IO.
 */
import { pairedBootstrap, type Interval } from '../analysis/compare/bootstrap.ts';
import { metricDeltas, perClassDeltas } from '../analysis/compare/deltas.ts';
import { flips, mcnemar } from '../analysis/compare/paired.ts';
import { accuracy } from '../analysis/metrics/classification.ts';
import type { ExperimentEntry } from '../site/report.ts';
import { mcnemarSentence } from './format.ts';
import { diffNotes } from './messages.ts';
import { predictionsPath, readPredictions, type Predictions } from './predictions.ts';
import { compareRepeats, repeatsOf, type Repeats } from './repeats.ts';
import { DIFF_VERSION, type Diff, type DiffClassRow, type DiffMetricRow, type DiffSide } from './shape.ts';
import type { Side } from './sources.ts';
import { compareTestSets } from './test-set.ts';

/** The bootstrap's published seed and size: fixed, so a diff is reproducible by anyone. */
export const DIFF_BOOTSTRAP = { seed: 0, resamples: 2000, confidence: 0.95 } as const;

/** One side with what the published files add to its report entry. */
export interface LoadedSide {
  entry: ExperimentEntry;
  source: string;
  predictions: Predictions | undefined;
  /** The predictions file (read or missing), for sentences. */
  predictionsFile: string;
  repeats: Repeats | undefined;
}

/** Read a side's predictions.csv and repeats (IO). */
export function loadSide(side: Side): LoadedSide {
  const { dir, label, raw } = side.source;
  const { id, dataset } = side.entry;
  return {
    entry: side.entry,
    source: label,
    predictions: readPredictions(dir, id, dataset.classes),
    predictionsFile: predictionsPath(dir, id),
    repeats: repeatsOf(raw, id),
  };
}

const pair = (i: Interval): [number, number] => [i.low, i.high];

function describe(side: LoadedSide): DiffSide {
  const e = side.entry;
  return { id: e.id, title: e.title, source: side.source, dataset: e.dataset.source, test_count: e.dataset.counts.test, runs: side.repeats?.seeds.length ?? 1 };
}

/** The diff of A and B (steps 2–5 of the module comment); pure. */
export function buildDiff(a: LoadedSide, b: LoadedSide, options: { seed?: number; resamples?: number } = {}): Diff {
  const [ea, eb] = [a.entry, b.entry];
  const notes: string[] = [];
  const verdict = compareTestSets({ entry: ea, predictions: a.predictions, file: a.predictionsFile }, { entry: eb, predictions: b.predictions, file: b.predictionsFile });

  const metrics: Record<string, DiffMetricRow> = {};
  for (const m of metricDeltas(ea.metrics, eb.metrics)) {
    const label = m.key !== 'top_k_accuracy' ? m.label : ea.metrics.topK.k === eb.metrics.topK.k ? `Top-${ea.metrics.topK.k} accuracy` : 'Top-k accuracy';
    metrics[m.key] = { label, unit: m.unit, better: m.better, a: m.a, b: m.b, delta: m.delta };
  }
  if (ea.metrics.topK.k !== eb.metrics.topK.k) notes.push(diffNotes.topKDiffers(ea.metrics.topK.k, eb.metrics.topK.k));

  // Classes are matched by position: when the names agree, or when the test set is the same
  // (same labels at every image, so only the names were edited).
  const classes = [...ea.dataset.classes];
  const renamed = ea.dataset.classes.flatMap((name, i): [string, string][] => (name === eb.dataset.classes[i] ? [] : [[name, eb.dataset.classes[i] ?? '']]));
  const matched = ea.dataset.classes.length === eb.dataset.classes.length && (renamed.length === 0 || verdict.same === true);
  if (matched && renamed.length > 0) notes.push(diffNotes.classNamesDiffer(renamed));
  if (!matched) notes.push(diffNotes.classesDiffer());
  const perClass: DiffClassRow[] = matched ? perClassDeltas(ea.metrics, eb.metrics).map((d) => ({ index: d.index, class: classes[d.index]!, a: d.a, b: d.b, delta: d.delta })) : [];

  let paired: Pick<Diff, 'flips' | 'mcnemar' | 'bootstrap'> = { flips: null, mcnemar: null, bootstrap: null };
  if (verdict.same === true && a.predictions && b.predictions) {
    const { labels } = a.predictions;
    const [pa, pb] = [a.predictions.predicted, b.predictions.predicted];
    for (const [name, side, p] of [['A', ea, pa], ['B', eb, pb]] as const) {
      const fromCsv = accuracy(p, labels);
      if (Math.abs(fromCsv - side.metrics.accuracy) > 1e-9) notes.push(diffNotes.predictionsDisagree(name, fromCsv, side.metrics.accuracy));
    }
    const f = flips(labels, pa, pb);
    const m = mcnemar(f.rightToWrong.length, f.wrongToRight.length);
    const seed = options.seed ?? DIFF_BOOTSTRAP.seed;
    const resamples = options.resamples ?? DIFF_BOOTSTRAP.resamples;
    const boot = pairedBootstrap(labels, pa, pb, classes.length, { seed, resamples, confidence: DIFF_BOOTSTRAP.confidence });
    metrics.accuracy!.ci95 = pair(boot.accuracy);
    metrics.macro_f1!.ci95 = pair(boot.macro.f1);
    metrics.macro_precision!.ci95 = pair(boot.macro.precision);
    metrics.macro_recall!.ci95 = pair(boot.macro.recall);
    for (const row of perClass) {
      const c = boot.perClass[row.index]!;
      row.ci95 = { precision: pair(c.precision), recall: pair(c.recall), f1: pair(c.f1) };
    }
    paired = {
      flips: {
        right_to_wrong: { count: f.rightToWrong.length, indices: f.rightToWrong },
        wrong_to_right: { count: f.wrongToRight.length, indices: f.wrongToRight },
        both_wrong_differently: { count: f.bothWrongDifferently.length, indices: f.bothWrongDifferently },
        both_right: f.bothRight,
        both_wrong_same: f.bothWrongSame,
        by_pair: f.byPair.map((p) => ({ true: p.true, a: p.a, b: p.b, count: p.count, indices: p.indices })),
      },
      mcnemar: { b: m.b, c: m.c, statistic: m.statistic, p_value: m.pValue, discordant: m.discordant, sentence: mcnemarSentence(m) },
      bootstrap: { method: 'paired percentile bootstrap over test images', resamples: boot.resamples, seed: boot.seed, confidence: boot.confidence, percentiles: boot.percentiles },
    };
  }

  const hasRepeats = a.repeats !== undefined || b.repeats !== undefined;
  if (hasRepeats && paired.flips) notes.push(diffNotes.repeats());
  return {
    version: DIFF_VERSION,
    a: describe(a),
    b: describe(b),
    classes,
    same_test_set: verdict.same,
    test_set: verdict.sentence,
    metrics,
    per_class: perClass,
    ...paired,
    repeats: hasRepeats
      ? { a: a.repeats ? { seeds: a.repeats.seeds } : null, b: b.repeats ? { seeds: b.repeats.seeds } : null, metrics: compareRepeats(a.repeats, b.repeats, ea.metrics.topK.k) }
      : null,
    notes,
  };
}

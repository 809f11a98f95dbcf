/**
 * Stage: the other runs of a repeated experiment (`train.repeats: N` or `train.seeds: [...]`).
 * Input: the spec, the dataset, and run 0 as the train and analyze stages left it. Output: every
 * run's seed, history and test metrics, their mean ± standard deviation, and the training curves
 * of all runs (the mean with a ± one standard deviation band), which replace run 0's curves.
 *
 *   run 0        the experiment as written: every stage, every figure, the explanations, the model
 *   runs 1…N−1   train (stages/train.ts) + analyze (stages/analyze.ts) only
 *   curves       one figure over all runs                         [figures/<repeated curves key>]
 *
 * Runs differ only in their training seeds (initialization, dropout, shuffling, augmentation):
 * the split is the experiment's, so every run is evaluated on the same test images. Each run has
 * its own train key, so each is cached and checkpointed on its own, a killed build resumes the
 * run it was in, `--force` retrains every run and `--no-train` fails on a missing one as on a
 * missing run 0. Figures and explanations are not repeated: they would multiply the analysis cost
 * for pictures of runs that differ only by chance.
 */
import type { MetricsJson } from '../../analysis/evaluate.ts';
import type { RunSeeds, TrainedSpec } from '../../config/spec.ts';
import type { Dataset } from '../../data/index.ts';
import { TrainingDiverged, type HistoryRow, type PhaseRecord } from '../../engine/train.ts';
import { toCsv } from '../../render/csv.ts';
import type { BandRow, TrainingMark } from '../../render/specs/training-curves.ts';
import { UserError } from '../../lib/errors.ts';
import type { ExperimentEntry } from '../../site/report.ts';
import type { PipelineContext } from '../context.ts';
import { repeatedCurvesKey } from '../plan.ts';
import { analyzeStage, type AnalysisArtifact } from './analyze.ts';
import { storedFigures, storeFigures, type FiguresArtifact } from './figures.ts';
import { trainStage, type TrainArtifact } from './train.ts';

/** One run of a repeated experiment, as far as the report needs it (no model, no probabilities). */
export interface RepeatRun {
  seed: number;
  /** Its train key (runs/<key>). */
  key: string;
  /** Whether this build reused the stored run. */
  cached: boolean;
  history: HistoryRow[];
  phases: PhaseRecord[];
  /** Its test metrics (metricValues), each name with its value (null where undefined). */
  metrics: [string, number | null][];
}

export interface RepeatsArtifact {
  /** Every run, run 0 (the one every other figure shows) first. */
  runs: RepeatRun[];
  /** Every metric (metricValues) defined in every run: each run's value, their mean and sample standard deviation. */
  metrics: Record<string, { mean: number; std: number; values: number[] }>;
  /** The training curves of all runs (figure `training-curves`); absent when no run recorded an epoch. */
  curves?: FiguresArtifact;
}

/** Train and evaluate runs 1…N−1 of `spec` (run 0 is `first`), and draw the curves of all runs. */
export async function repeatsStage(
  ctx: PipelineContext,
  spec: TrainedSpec & { runs: RunSeeds[] },
  dataset: Dataset,
  first: { run: TrainArtifact; analysis: AnalysisArtifact },
): Promise<RepeatsArtifact> {
  const runs: RepeatRun[] = [repeatRun(spec.runs[0]!.seed, first.run, first.analysis)];
  for (let i = 1; i < spec.runs.length; i++) {
    const seeds = spec.runs[i]!;
    const label = `run ${i + 1} of ${spec.runs.length} (seed ${seeds.seed})`;
    const runCtx = labelled(ctx, label);
    let run: TrainArtifact;
    try {
      run = await trainStage(runCtx, { ...spec, seeds: seeds.seeds }, dataset);
    } catch (error) {
      // The experiment's page needs every run's metrics; a run that diverged has none.
      if (error instanceof TrainingDiverged) throw new UserError(`${capitalized(label)} of train.repeats: ${error.message}`);
      throw error;
    }
    runs.push(repeatRun(seeds.seed, run, await analyzeStage(runCtx, dataset, run, spec.report)));
  }
  const curves = await curvesFigure(ctx, runs);
  return { runs, metrics: summarize(runs.map((r) => r.metrics)), ...(curves && { curves }) };
}

function repeatRun(seed: number, run: TrainArtifact, analysis: AnalysisArtifact): RepeatRun {
  return { seed, key: run.key, cached: run.cached, history: run.facts.history, phases: run.facts.phases, metrics: metricValues(analysis.metrics) };
}

const capitalized = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** The context with the run named in its progress lines, notes and missing-run errors. */
function labelled(ctx: PipelineContext, label: string): PipelineContext {
  const { log, missingRun } = ctx;
  return {
    ...ctx,
    log: {
      ...log,
      info: (message) => log.info(`${message} (${label})`),
      warn: (message) => log.warn(`${message} (${label})`),
      progress: (id, p) => log.progress(`${id} ${label}`, p),
    },
    ...(missingRun && { missingRun: (id: string, key: string) => `${capitalized(label)}: ${missingRun(id, key)}` }),
  };
}

// --- statistics ----------------------------------------------------------------------------

/** Mean and sample standard deviation (n − 1 in the denominator; 0 for a single value or equal values). */
export function meanStd(values: readonly number[]): { mean: number; std: number } {
  const n = values.length;
  if (n === 0) return { mean: Number.NaN, std: Number.NaN };
  // Equal values (a class no run predicts has precision 0 in each) are exactly themselves, ± 0.
  if (values.every((v) => v === values[0])) return { mean: values[0]!, std: 0 };
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const ss = values.reduce((a, v) => a + (v - mean) * (v - mean), 0);
  return { mean, std: Math.sqrt(ss / (n - 1)) };
}

/**
 * Every scalar of metrics.json, named by its path there: `accuracy`, `loss`, `top_k_accuracy.3`,
 * `macro_avg.precision` (also recall, f1), `weighted_avg.*`, `roc_auc.macro`, `roc_auc.micro`,
 * `ece`, then `per_class.<class>.precision` (also recall, f1, auc, average_precision) per class.
 * Support, the class list and the confusion matrix belong to the test set, not the model.
 * Undefined values are null.
 */
export function metricValues(m: MetricsJson): [string, number | null][] {
  const out: [string, number | null][] = [['accuracy', m.accuracy], ['loss', m.loss]];
  for (const [k, v] of Object.entries(m.top_k_accuracy)) out.push([`top_k_accuracy.${k}`, v]);
  for (const avg of ['macro_avg', 'weighted_avg'] as const) for (const s of ['precision', 'recall', 'f1'] as const) out.push([`${avg}.${s}`, m[avg][s]]);
  out.push(['roc_auc.macro', m.roc_auc.macro], ['roc_auc.micro', m.roc_auc.micro], ['ece', m.ece]);
  for (const name of m.classes) {
    const c = m.per_class[name]!;
    for (const s of ['precision', 'recall', 'f1', 'auc', 'average_precision'] as const) out.push([`per_class.${name}.${s}`, c[s]]);
  }
  return out;
}

/**
 * Each metric's values over the runs (in run order), mean and sample standard deviation. A metric
 * undefined in any run (the AUC of a class absent from the test set, hence absent in every run) is
 * left out.
 */
export function summarize(perRun: readonly (readonly [string, number | null][])[]): RepeatsArtifact['metrics'] {
  const out: RepeatsArtifact['metrics'] = {};
  perRun[0]?.forEach(([name], i) => {
    const values = perRun.map((run) => run[i]![1]);
    if (values.some((v) => v === null || !Number.isFinite(v))) return;
    out[name] = { ...meanStd(values as number[]), values: values as number[] };
  });
  return out;
}

const SERIES = ['loss', 'accuracy', 'val_loss', 'val_accuracy'] as const;

/** One row per epoch any run reached: each series' mean over the runs with a value, and its sample standard deviation (null under two values). */
export function curveBands(histories: readonly (readonly HistoryRow[])[]): BandRow[] {
  const epochs = [...new Set(histories.flatMap((h) => h.map((r) => r.epoch)))].sort((a, b) => a - b);
  return epochs.map((epoch) => {
    const rows = histories.flatMap((h) => h.filter((r) => r.epoch === epoch));
    const band: Record<string, number | null> = { epoch, runs: rows.length };
    for (const series of SERIES) {
      const values = rows.map((r) => r[series]).filter((v): v is number => v !== null && Number.isFinite(v));
      const { mean, std } = meanStd(values);
      band[series] = values.length === 0 ? null : mean;
      band[`${series}_std`] = values.length < 2 ? null : std;
    }
    return band as unknown as BandRow;
  });
}

/** The events every run shares (a fine-tuning start, an early stop at the same epoch): one run's own are not the mean's. */
export function sharedMarks(perRun: readonly (readonly TrainingMark[])[]): TrainingMark[] {
  const [first = [], ...rest] = perRun;
  return first.filter((m) => rest.every((marks) => marks.some((o) => o.epoch === m.epoch && o.kind === m.kind)));
}

// --- the figure and the report -----------------------------------------------------------

const BAND_COLUMNS = ['epoch', 'runs', 'loss', 'loss_std', 'accuracy', 'accuracy_std', 'val_loss', 'val_loss_std', 'val_accuracy', 'val_accuracy_std'] as const;

/** The curves of all runs, or the stored figure with the same key; none when no run recorded an epoch. */
async function curvesFigure(ctx: PipelineContext, runs: readonly RepeatRun[]): Promise<FiguresArtifact | undefined> {
  if (runs.every((r) => r.history.length === 0)) return undefined;
  const key = repeatedCurvesKey(runs.map((r) => r.key));
  const stored = await storedFigures(ctx, key);
  if (stored) return stored;
  const started = ctx.clock.now();
  const { renderFigure } = await import('../../render/figure.ts');
  const curves = await import('../../render/specs/training-curves.ts');
  const bands = curveBands(runs.map((r) => r.history));
  const marks = sharedMarks(runs.map((r) => curves.trainingMarks(r.phases)));
  const figure = await renderFigure({
    name: 'training-curves',
    title: `Training curves (mean ± standard deviation of ${runs.length} runs)`,
    spec: curves.repeatedCurvesSpec(bands, marks),
    alt: curves.repeatedCurvesAlt(bands, marks),
    data: { kind: 'csv', text: toCsv([...BAND_COLUMNS], bands.map((b) => BAND_COLUMNS.map((c) => b[c]))) },
  });
  return storeFigures(ctx, key, [figure], (ctx.clock.now() - started) / 1000);
}

/** Run 0's figures with its training curves replaced by those of all runs. */
export function withRepeatedCurves(figures: FiguresArtifact, repeats: RepeatsArtifact | undefined): FiguresArtifact {
  const curves = repeats?.curves;
  if (!curves) return figures;
  const replaced = new Set(curves.figures.map((f) => f.name));
  const files = new Map([...figures.files].filter(([name]) => !replaced.has(name.replace(/\.[a-z]+$/, ''))));
  for (const [name, bytes] of curves.files) files.set(name, bytes);
  const list = figures.figures.flatMap((f) => (replaced.has(f.name) ? curves.figures.filter((c) => c.name === f.name) : [f]));
  const missing = curves.figures.filter((c) => !figures.figures.some((f) => f.name === c.name));
  return { ...figures, figures: [...list, ...missing], files, seconds: figures.seconds + curves.seconds };
}

/** report.json's `repeats`: the run seeds (run 0 first), every metric's summary, every run's history. */
export function repeatsEntry(repeats: RepeatsArtifact): NonNullable<ExperimentEntry['repeats']> {
  return { seeds: repeats.runs.map((r) => r.seed), metrics: repeats.metrics, histories: repeats.runs.map((r) => r.history) };
}

/** `data/repeats.csv`: one row per run, its seed and every metric (named as in report.json; empty where undefined). */
export function repeatsCsv(repeats: RepeatsArtifact): string {
  const names = repeats.runs[0]!.metrics.map(([name]) => name);
  return toCsv(['run', 'seed', ...names], repeats.runs.map((r, i) => [i + 1, r.seed, ...r.metrics.map(([, v]) => v)]));
}

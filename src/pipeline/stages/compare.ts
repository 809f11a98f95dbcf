/**
 * Stage: compare experiments. Runs after every experiment of a build, on the successful ones.
 *
 *   1. figures   the validation metrics as bars and the validation curves across all
 *                experiments (render/specs/compare-*.ts)       [figures/<comparison figures key>]
 *   2. groups    experiments sharing one test set (same source, byte-identical test images and
 *                labels: compare-groups.ts); only groups of two or more
 *   for each group:
 *   3. images    a seeded mix of test images where the models disagree and where they agree
 *                (compare-select.ts)
 *   4. Grad-CAM  each model on those images, for the class it predicted (compare-cams.ts)
 *   5. pictures  each image, and each model's map over it on one colour scale per image
 *                (compare-overlays.ts)                          [figures/<comparison key>]
 *   6. changes   every pair of experiments (up to 10): flips, McNemar, bootstrap
 *                intervals, the confusion-matrix difference; every model's ROC, PR and
 *                reliability curves overlaid (compare-pairs.ts)  [figures/<pairs key>]
 *
 * Output: report.json's `figures` and `comparisons` and the files they name, keyed by path
 * relative to the report root (`figures/comparison-metrics.svg`, `compare/<group>/<index>.png`,
 * `compare/<group>/<index>-<id>.png`, `compare/<group>/gradcam.json`). Keys are content hashes:
 * the figures' over the histories and the drawing code; a group's over its experiments' train
 * and analysis keys, the layer choices, the picking seed and the code — so adding an unrelated
 * experiment never recomputes a group, and a rebuild with nothing changed loads no model.
 */
import type { ExperimentSpec, LayerChoice } from '../../config/spec.ts';
import type { HistoryRow, PhaseRecord } from '../../engine/train.ts';
import type { InputNormalization } from '../../engine/batch.ts';
import type { SavedModel } from '../../engine/model-io.ts';
import type { z } from 'zod';
import type { ComparisonSchema, Figure } from '../../site/report.ts';
import type { PipelineContext } from '../context.ts';
import { codeVersion } from '../plan.ts';
import { sha256 } from '../store.ts';
import { groupByTestSet, type TestSetGroup, type TestSetInfo } from './compare-groups.ts';
import type { AnalysisArtifact } from './analyze.ts';
import type { GroupResult } from './compare-group.ts';
import { storedFigures, storeFigures } from './figures.ts';
import type { TrainArtifact } from './train.ts';

/** One entry of report.json `comparisons` (site/report.ts exports the schema only). */
export type Comparison = z.infer<typeof ComparisonSchema>;

/** One successful experiment, as the comparison needs it (fields of the pipeline's artifacts). */
export interface CompareExperiment {
  id: string;
  title: string;
  /** `report.explain.layer` (Grad-CAM's layer) and `seeds.report` of the experiment. */
  report: { explainLayer: LayerChoice; seed: number };
  /** The dataset (a `Dataset` fits): its source, classes, shape and test split. */
  dataset: TestSetInfo;
  /** From the train artifact. */
  run: { key: string; saved: SavedModel; history: readonly HistoryRow[]; phases: readonly PhaseRecord[]; normalization: InputNormalization };
  /** From the analysis artifact: its key and the row-major [test × classes] probabilities. */
  analysis: { key: string; probs: Float32Array };
}

/** The comparison's view of one experiment, from the pipeline's own values (a `Dataset` is a TestSetInfo). */
export function compareExperiment(spec: ExperimentSpec, dataset: TestSetInfo, run: TrainArtifact, analysis: AnalysisArtifact): CompareExperiment {
  return {
    id: spec.id,
    title: spec.title,
    report: { explainLayer: spec.report.explain.layer, seed: spec.seeds.report },
    dataset,
    run: { key: run.key, saved: run.saved, history: run.facts.history, phases: run.facts.phases, normalization: run.facts.normalization },
    analysis: { key: analysis.key, probs: analysis.probs },
  };
}

/** What the comparison adds to the report. */
export interface CompareArtifact {
  /** report.json `figures` (paths relative to the report root). */
  figures: Figure[];
  /** report.json `comparisons`. */
  comparisons: Comparison[];
  /** Path relative to the report root → bytes. */
  files: Map<string, Buffer>;
  /** Seconds this build spent (0 when everything was cached). */
  seconds: number;
}

/** Settings of the comparison. */
export interface CompareOptions {
  /** Test images per group (default 8). */
  images?: number;
}

/** The epoch whose weights the experiment kept: the last phase's restored epoch, else the last epoch. */
export function keptEpoch(phases: readonly PhaseRecord[], history: readonly HistoryRow[]): number | undefined {
  return phases.at(-1)?.restoredEpoch ?? history.at(-1)?.epoch;
}

/** Cache key of the cross-experiment figures. */
export function comparisonFiguresKey(experiments: readonly CompareExperiment[]): string {
  const histories = experiments.map((e) => ({ id: e.id, title: e.title, history: e.run.history, kept: keptEpoch(e.run.phases, e.run.history) }));
  return sha256(JSON.stringify({ stage: 'comparison-figures', histories, code: codeVersion(['render', 'pipeline/stages']) }));
}

/** The seed a group's images are picked with: the report seed of its first experiment by id. */
export function groupSeed(members: readonly CompareExperiment[]): number {
  return [...members].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))[0]!.report.seed;
}

/** Cache key of one group's comparison. */
export function comparisonKey(group: TestSetGroup, members: readonly CompareExperiment[], images: number): string {
  const models = members.map((e) => ({ id: e.id, train: e.run.key, analysis: e.analysis.key, layer: e.report.explainLayer }));
  return sha256(JSON.stringify({ stage: 'comparison', testSet: group.digest, models, images, seed: groupSeed(members), code: codeVersion(['analysis', 'engine', 'model', 'render', 'pipeline/stages']) }));
}

/** Cache key of one group's paired statistics and overlaid curves (test predictions only). */
export function comparisonPairsKey(group: TestSetGroup, members: readonly CompareExperiment[]): string {
  const models = members.map((e) => ({ id: e.id, analysis: e.analysis.key }));
  return sha256(JSON.stringify({ stage: 'comparison-pairs', testSet: group.digest, models, seed: groupSeed(members), code: codeVersion(['analysis/compare', 'analysis/metrics', 'diff', 'render', 'pipeline/stages']) }));
}

/** Compare `experiments` (report order), or load the stored figures and comparisons with the same keys. */
export async function compareStage(ctx: PipelineContext, experiments: readonly CompareExperiment[], options: CompareOptions = {}): Promise<CompareArtifact> {
  const started = ctx.clock.now();
  let worked = false;
  const files = new Map<string, Buffer>();
  let figures: Figure[] = [];
  if (experiments.length > 0) {
    const key = comparisonFiguresKey(experiments);
    let set = await storedFigures(ctx, key);
    if (!set) {
      worked = true;
      const { comparisonFigures } = await import('../../render/specs/compare-figures.ts');
      const histories = experiments.map((e) => {
        const kept = keptEpoch(e.run.phases, e.run.history);
        return { id: e.id, title: e.title, history: e.run.history, ...(kept !== undefined && { keptEpoch: kept }) };
      });
      const t = ctx.clock.now();
      set = await storeFigures(ctx, key, await comparisonFigures(histories), (ctx.clock.now() - t) / 1000);
    }
    figures = set.figures;
    for (const [name, bytes] of set.files) files.set(`figures/${name}`, bytes);
  }

  const comparisons: Comparison[] = [];
  const images = options.images ?? 8;
  for (const group of groupByTestSet(experiments.map((e) => e.dataset))) {
    const members = group.members.map((i) => experiments[i]!);
    const key = comparisonKey(group, members, images);
    const stored = ctx.force ? undefined : await ctx.store.get('figures', key);
    let made: GroupResult;
    if (stored) {
      const comparison = JSON.parse(stored.get('comparison.json')!.toString('utf8')) as Comparison;
      stored.delete('comparison.json');
      made = { comparison, files: stored };
    } else {
      worked = true;
      const { compareGroup } = await import('./compare-group.ts');
      made = await compareGroup(ctx, group, members, images, groupSeed(members));
      await ctx.store.put('figures', key, new Map<string, Buffer | string>([...made.files, ['comparison.json', JSON.stringify(made.comparison, null, 2)]]));
    }
    // What changed between the models: from their test predictions only, cached on their own key.
    const pairsKey = comparisonPairsKey(group, members);
    const storedPairs = ctx.force ? undefined : await ctx.store.get('figures', pairsKey);
    let pairs: { pairs: Comparison['pairs']; figures: Comparison['figures']; files: Map<string, Buffer> };
    if (storedPairs) {
      const saved = JSON.parse(storedPairs.get('pairs.json')!.toString('utf8')) as Pick<Comparison, 'pairs' | 'figures'>;
      storedPairs.delete('pairs.json');
      pairs = { ...saved, files: storedPairs };
    } else {
      worked = true;
      const { comparePairs } = await import('./compare-pairs.ts');
      pairs = await comparePairs(group.name, members, groupSeed(members));
      await ctx.store.put('figures', pairsKey, new Map<string, Buffer | string>([...pairs.files, ['pairs.json', JSON.stringify({ pairs: pairs.pairs, figures: pairs.figures })]]));
    }
    comparisons.push({ ...made.comparison, pairs: pairs.pairs, figures: pairs.figures });
    for (const [name, bytes] of [...made.files, ...pairs.files]) files.set(`compare/${group.name}/${name}`, bytes);
  }
  return { figures, comparisons, files, seconds: worked ? (ctx.clock.now() - started) / 1000 : 0 };
}

/**
 * Publishing: assemble the report directory the site is built from.
 *
 *   <reportDir>/report.json                       (site/report.ts schema)
 *   <reportDir>/experiments/<id>/data/…           metrics.json predictions.csv history.csv manifest.json experiment.yaml
 *                                                 (+ repeats.csv for a repeated experiment)
 *   <reportDir>/experiments/<id>/model/…          model.json weights.bin
 *   <reportDir>/experiments/<id>/figures/…        <name>.svg|png|csv|json
 *   <reportDir>/experiments/<id>/images/test/…    <index>.png, the test images that have pages
 *
 * For each experiment: its files, the test images with pages (publish-tests.ts: the images behind
 * each confusion cell up to a cap, the sample predictions, the explained images, the most
 * confident mistakes) as small crisp PNGs (render/images/test-image.ts), and its notes from
 * `content/notes/<id>.md` (publish-notes.ts). The directory is assembled beside the old one and
 * swapped in with a rename, so the site is never built from a half-published report.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isImported, trained, type ExperimentSpec } from '../config/spec.ts';
import { predictionRows } from '../analysis/evaluate.ts';
import { toCsv } from '../render/csv.ts';
import { historyCsv } from '../render/figure.ts';
import { ReportSchema, type ExperimentEntry, type Report, type RunManifest } from '../site/report.ts';
import type { AnalysisArtifact } from './stages/analyze.ts';
import type { FiguresArtifact } from './stages/figures.ts';
import type { ExplainArtifact } from './stages/explain.ts';
import type { TrainArtifact } from './stages/train.ts';
import { dataDescription, objectiveText, optimizerText, plainValidationLoss, regularizationText, scheduleText } from './describe.ts';
import { configHash } from './plan.ts';
import { pickSamples } from './stages/figures.ts';
import type { CompareArtifact } from './stages/compare.ts';
import type { DivergedRun } from './stages/diverged.ts';
import { repeatsCsv, repeatsEntry, type RepeatsArtifact } from './stages/repeats.ts';
import { socialCard } from '../render/cards/card.ts';
import { cardInput } from '../render/cards/from-entry.ts';
import { sha256 } from './store.ts';
import { mapLimit, PUBLISH_CONCURRENCY, writeFiles } from './publish-files.ts';
import { testImagePng, testImageSize } from '../render/images/test-image.ts';
import { readNotes } from './publish-notes.ts';
import { DEFAULT_PER_CELL, pageIndices, selectCells, testEntry, testImagePath, type TestSelectionInput } from './publish-tests.ts';

/** Everything one successful experiment contributes to the report. */
export interface ExperimentResult {
  spec: ExperimentSpec;
  dataset: {
    source: string;
    classes: string[];
    shape: [number, number, number];
    digest: string;
    counts: { train: number; validation: number; test: number };
    /** Images of each class (index = label) per split. */
    perClass: { train: number[]; validation: number[]; test: number[] };
    testLabels: Uint8Array;
    /** Test pixels, uint8 NHWC in test-set order (the published test images are cut from them). */
    testPixels: Uint8Array;
    /** Whether validation and test came with the source or from the seeded split. */
    origin: { validation: 'source' | 'seeded'; test: 'source' | 'seeded' };
    /** Per-channel mean and standard deviation of the training split (x/255). */
    channels: { mean: number[]; std: number[] };
    /** Images left out under `onError: skip`, and notes about the source. */
    skipped: { file: string; reason: string }[];
    notes: string[];
  };
  run: TrainArtifact;
  analysis: AnalysisArtifact;
  /** The data section's figures (no model involved). */
  dataViews: FiguresArtifact;
  figures: FiguresArtifact;
  /** Interpretability figures and their summary. */
  explained: ExplainArtifact;
  /** Every run of a repeated experiment (`train.repeats`); `run`, `analysis` and the figures are its first. */
  repeats?: RepeatsArtifact;
}

export interface FailedResult {
  id: string;
  title: string;
  error: string;
  /** What a run that diverged leaves for its page. */
  partial?: { spec: ExperimentSpec; run: DivergedRun };
}

function manifestOf(r: ExperimentResult): RunManifest {
  return {
    id: r.spec.id,
    seed: r.spec.seed,
    backend: r.run.facts.backend,
    versions: { convlens: CONVLENS_VERSION, ...r.run.facts.versions },
    hashes: { config: configHash(r.spec), data: r.dataset.digest, weights: sha256(r.run.saved.weights), train: r.run.key },
    timings: timingsOf(r),
    replicas: r.run.facts.replicas,
    trainImagesPerSecond: Math.round(r.run.facts.imagesPerSecond),
    memory: r.run.facts.memory,
    cached: r.run.cached,
    ...(r.run.facts.imported && { origin: r.run.facts.imported }),
    input: {
      size: [r.dataset.shape[0], r.dataset.shape[1]],
      channels: r.dataset.shape[2],
      normalize: r.spec.data.normalize,
      ...(r.run.facts.normalization && { mean: r.run.facts.normalization.mean, std: r.run.facts.normalization.std }),
      classes: r.dataset.classes,
    },
  };
}

const round = (s: number) => Math.round(s * 100) / 100;

/**
 * Stage times, and the analysis share: evaluation + explanations + rendering over training time,
 * the number the project keeps small (issue 16). Imported models trained nowhere here: no share.
 */
function timingsOf(r: ExperimentResult): RunManifest['timings'] {
  const analysis = r.analysis.seconds + r.explained.seconds + r.figures.seconds + r.dataViews.seconds;
  const train = r.run.facts.seconds;
  return {
    trainSeconds: round(train),
    analyzeSeconds: round(r.analysis.seconds),
    explainSeconds: round(r.explained.seconds),
    renderSeconds: round(r.figures.seconds + r.dataViews.seconds),
    analysisShare: r.run.facts.imported || train <= 0 ? null : Math.round((analysis / train) * 10000) / 10000,
  };
}

/** The convlens version published in manifests. */
export const CONVLENS_VERSION = '0.1.0';

/** The Performance section's numbers, from the evaluation. */
function performance(r: ExperimentResult): ExperimentEntry['metrics'] {
  const ev = r.analysis.evaluation;
  const m = ev.metrics;
  const [k, topK] = Object.entries(m.top_k_accuracy)[0] ?? [String(r.spec.report.topK), Number.NaN];
  return {
    accuracy: m.accuracy,
    loss: m.loss,
    confusion: m.confusion_matrix,
    topK: { k: Number(k), accuracy: topK },
    report: { perClass: ev.report.perClass, macro: ev.report.macro, weighted: ev.report.weighted },
    auc: ev.roc.auc,
    averagePrecision: ev.pr.averagePrecision,
    ece: m.ece,
    confusedPairs: ev.confusedPairs.slice(0, 10),
    notes: ev.notes,
  };
}

/** One sample prediction for report.json. */
function sample(r: ExperimentResult, index: number): ExperimentEntry['samples'][number] {
  const ev = r.analysis.evaluation;
  const k = ev.metrics.classes.length;
  const predicted = ev.predicted[index]!;
  return { index, true: r.dataset.testLabels[index]!, predicted, confidence: r.analysis.probs[index * k + predicted]! };
}

/** Files of one experiment, keyed by path relative to the report directory. */
function experimentFiles(r: ExperimentResult, manifest: RunManifest): Map<string, Buffer | string> {
  const base = `experiments/${r.spec.id}`;
  const preds = predictionRows(r.analysis.probs, r.dataset.testLabels, r.dataset.classes);
  const files = new Map<string, Buffer | string>([
    [`${base}/data/metrics.json`, JSON.stringify(r.analysis.metrics, null, 2)],
    [`${base}/data/predictions.csv`, toCsv(preds.header, preds.rows)],
    [`${base}/data/history.csv`, historyCsv(r.run.facts.history).text],
    [`${base}/data/manifest.json`, JSON.stringify(manifest, null, 2)],
    [`${base}/data/experiment.yaml`, r.spec.source],
    [`${base}/model/model.json`, r.run.saved.modelJson],
    [`${base}/model/weights.bin`, r.run.saved.weights],
  ]);
  if (r.repeats) files.set(`${base}/data/repeats.csv`, repeatsCsv(r.repeats));
  for (const set of [r.dataViews, r.figures, r.explained]) for (const [name, bytes] of set.files) files.set(`${base}/figures/${name}`, bytes);
  return files;
}

/** The evaluation as the test-page selection reads it. */
function selectionInput(r: ExperimentResult): TestSelectionInput {
  return { labels: r.dataset.testLabels, predicted: r.analysis.evaluation.predicted, probs: r.analysis.probs, classes: r.dataset.classes.length };
}

/** The test images with pages, and the confusion cells that list them. */
function testPages(r: ExperimentResult, samples: number[], perCell: number, compared: readonly number[]): Pick<ExperimentEntry, 'tests' | 'confusionCells' | 'mistakes'> {
  const input = selectionInput(r);
  const confusionCells = selectCells(input, perCell);
  const mistakes = r.analysis.evaluation.mistakes.map((m) => m.index);
  // Every image a figure links to gets its page: the filters' top images and the points of the 2-D map.
  const explain = r.explained.summary;
  const linked = [...explain.filterTopImages.flatMap((t) => t.indices.flat()), ...(explain.embedding?.indices ?? [])];
  const indices = pageIndices(confusionCells, samples, explain.images.map((i) => i.index), mistakes, linked, compared);
  const size = testImageSize(r.dataset.shape);
  const figures = new Map(r.explained.summary.images.map((i) => [i.index, i.figures]));
  return { confusionCells, mistakes, tests: indices.map((index) => testEntry(input, index, size, figures.get(index))) };
}

/** The PNG of every test image with a page, keyed by path relative to the report directory. */
async function testImageFiles(r: ExperimentResult, tests: ExperimentEntry['tests']): Promise<Map<string, Buffer>> {
  const [h, w, c] = r.dataset.shape;
  const size = h * w * c;
  const pngs = await mapLimit(tests, PUBLISH_CONCURRENCY, (t) => testImagePng(r.dataset.testPixels.subarray(t.index * size, (t.index + 1) * size), r.dataset.shape));
  return new Map(tests.map((t, i) => [`experiments/${r.spec.id}/${testImagePath(t.index)}`, pngs[i]!]));
}

function entryOf(r: ExperimentResult, manifest: RunManifest, options: { perCell: number; notes: string | undefined; compared: readonly number[] }): ExperimentEntry {
  const samples = pickSamples(r.analysis.evaluation.count, r.spec.report.samples, r.spec.seeds.report);
  const spec = isImported(r.spec) ? undefined : trained(r.spec);
  const objective = spec && objectiveText(spec);
  return {
    id: r.spec.id,
    title: r.spec.title,
    description: r.spec.description,
    yaml: r.spec.source,
    dataset: {
      source: r.dataset.source,
      classes: r.dataset.classes,
      counts: r.dataset.counts,
      perClass: r.dataset.perClass,
      imageShape: r.dataset.shape,
      description: dataDescription(r.spec, r.dataset.shape, r.dataset.origin),
      channels: r.dataset.channels,
      skipped: r.dataset.skipped,
      notes: r.dataset.notes,
    },
    model: { layers: r.run.facts.summary.layers, params: r.run.facts.summary.params, chain: r.run.facts.summary.chain },
    ...(r.run.facts.imported && { imported: r.run.facts.imported }),
    ...(spec && {
      train: {
        epochs: spec.train.epochs + (spec.train.fineTune?.epochs ?? 0),
        batchSize: spec.train.batchSize,
        optimizer: optimizerText(spec),
        schedule: scheduleText(spec.train.schedule),
        settings: regularizationText(spec),
        ...(objective !== undefined && { objective }),
        plainValidationLoss: plainValidationLoss(spec),
        phases: r.run.facts.phases,
      },
    }),
    metrics: performance(r),
    samples: samples.map((index) => sample(r, index)),
    history: r.run.facts.history,
    manifest,
    figures: [...r.dataViews.figures, ...r.figures.figures, ...r.explained.figures],
    explain: r.explained.summary,
    ...(options.notes !== undefined && { notes: options.notes }),
    ...(r.run.facts.trainedAt !== undefined && { date: r.run.facts.trainedAt }),
    ...testPages(r, samples, options.perCell, options.compared),
    downloads: [
      { label: `Test metrics${r.repeats ? ' of the first run' : ''} (metrics.json)`, path: 'data/metrics.json' },
      ...(r.repeats ? [{ label: `Test metrics of each of the ${r.repeats.runs.length} runs (repeats.csv)`, path: 'data/repeats.csv' }] : []),
      { label: 'Test predictions (predictions.csv)', path: 'data/predictions.csv' },
      ...(r.run.facts.history.length > 0 ? [{ label: `${r.run.facts.imported ? 'Imported training' : 'Training'} history (history.csv)`, path: 'data/history.csv' }] : []),
      { label: 'Reproducibility manifest (manifest.json)', path: 'data/manifest.json' },
      { label: 'Experiment definition (experiment.yaml)', path: 'data/experiment.yaml' },
      { label: `${r.run.facts.imported ? 'Imported' : 'Trained'} model, TensorFlow.js layers format (model.json)`, path: 'model/model.json' },
      { label: 'Model weights (weights.bin)', path: 'model/weights.bin' },
    ],
    ...(r.repeats && { repeats: repeatsEntry(r.repeats) }),
  };
}

/** Settings of one publication. */
export interface PublishOptions {
  /** Directory `content/notes/<id>.md` is read from. Default: the working directory. */
  cwd?: string;
  /** Test images listed (and published) per confusion-matrix cell. Default DEFAULT_PER_CELL. */
  perCell?: number;
  /** The cross-experiment comparison: report-level figures, comparisons and their files. */
  comparison?: CompareArtifact;
}

/** The test images the compare page links for experiment `id` (its flips against the others): each needs its page. */
function comparedImages(comparison: CompareArtifact | undefined, id: string): number[] {
  return (comparison?.comparisons ?? []).flatMap((c) =>
    c.pairs.filter((p) => p.a === id || p.b === id).flatMap((p) => [...p.flips.shown.rightToWrong, ...p.flips.shown.wrongToRight, ...p.flips.byPair.flatMap((b) => b.indices)]),
  );
}

/** Write the report directory for these results, replacing any previous one atomically. */
export async function publishReport(reportDir: string, results: ExperimentResult[], failed: FailedResult[], options: PublishOptions = {}): Promise<Report> {
  const report: Report = ReportSchema.parse({
    convlens: CONVLENS_VERSION,
    experiments: [],
    failed: failed.map((f) => ({
      id: f.id,
      title: f.title,
      error: f.error,
      ...(f.partial && { diverged: f.partial.run.diverged, history: f.partial.run.history, figures: f.partial.run.figures, yaml: f.partial.spec.source }),
    })),
  });
  const temp = `${reportDir}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    for (const f of failed) {
      if (f.partial) await writeFiles(temp, new Map([...f.partial.run.files].map(([path, data]) => [`experiments/${f.id}/${path}`, data])));
    }
    for (const r of results) {
      const manifest = manifestOf(r);
      const entry = entryOf(r, manifest, { perCell: options.perCell ?? DEFAULT_PER_CELL, notes: await readNotes(r.spec.id, options.cwd), compared: comparedImages(options.comparison, r.spec.id) });
      // The social card is drawn from the entry itself (uncached: 20–30 ms).
      const { png } = await socialCard(cardInput(entry));
      entry.card = 'card.png';
      report.experiments.push(entry);
      await writeFiles(temp, new Map([...experimentFiles(r, manifest), ...(await testImageFiles(r, entry.tests)), [`experiments/${r.spec.id}/card.png`, png]]));
    }
    const { comparison } = options;
    if (comparison) {
      report.figures = comparison.figures;
      report.comparisons = comparison.comparisons;
      await writeFiles(temp, comparison.files);
    }
    await mkdir(temp, { recursive: true });
    await writeFile(join(temp, 'report.json'), JSON.stringify(ReportSchema.parse(report), null, 2));
    const old = `${reportDir}.old-${process.pid}-${randomBytes(4).toString('hex')}`;
    await rename(reportDir, old).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOENT') throw e;
    });
    await rename(temp, reportDir);
    await rm(old, { recursive: true, force: true });
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    throw error;
  }
  return report;
}

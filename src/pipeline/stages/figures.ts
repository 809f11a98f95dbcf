/**
 * Stage: render the experiment's figures (SVG + 2x PNG + data) from plain arrays.
 * Input: history + metrics. Output: figure files. Cached under `figures/<figures key>`, so a
 * restyled chart re-renders without retraining or re-evaluating.
 */
import type { Figure } from '../../site/report.ts';
import type { LayerRow } from '../../model/summary.ts';
import type { RenderedFigure } from '../../render/figure.ts';
import type { HistoryRow, PhaseRecord } from '../../engine/train.ts';
import type { Evaluation } from '../../analysis/evaluate.ts';
import type { ReportSpec } from '../../config/spec.ts';
import { deriveSeed, mulberry32, permutation } from '../../lib/rng.ts';
import { figuresKey } from '../plan.ts';
import type { PipelineContext } from '../context.ts';

export interface FiguresArtifact {
  key: string;
  /** Figure descriptions for report.json (paths relative to the experiment directory). */
  figures: Figure[];
  /** File name → bytes, to be published under `figures/`. */
  files: Map<string, Buffer>;
  seconds: number;
}

/** A stored set of figures (`figures/<key>`), or undefined. */
export async function storedFigures(ctx: PipelineContext, key: string): Promise<FiguresArtifact | undefined> {
  if (ctx.force) return undefined;
  const files = await ctx.store.get('figures', key);
  if (!files) return undefined;
  const stored = JSON.parse(files.get('figures.json')!.toString('utf8')) as { figures: Figure[]; seconds: number };
  files.delete('figures.json');
  return { key, figures: stored.figures, files, seconds: stored.seconds };
}

/** How report.json describes rendered figures (paths relative to the experiment directory). */
export function figureEntries(rendered: readonly RenderedFigure[]): Figure[] {
  return rendered.map((f) => ({
    name: f.name,
    title: f.title,
    alt: f.alt,
    svg: `figures/${f.name}.svg`,
    png: `figures/${f.name}.png`,
    data: `figures/${f.name}.${f.dataExt}`,
    width: f.width,
    height: f.height,
  }));
}

/** The files of rendered figures (SVG, PNG, data), named within `figures/`. */
export function figureFiles(rendered: readonly RenderedFigure[]): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const f of rendered) {
    files.set(`${f.name}.svg`, Buffer.from(f.svg));
    files.set(`${f.name}.png`, f.png);
    files.set(`${f.name}.${f.dataExt}`, Buffer.from(f.data));
  }
  return files;
}

/**
 * Store rendered figures under `figures/<key>` and describe them for report.json. `extra` files
 * are stored beside them (a stage's own summary) but not returned for publishing.
 */
export async function storeFigures(ctx: PipelineContext, key: string, rendered: RenderedFigure[], seconds: number, extra: Map<string, string> = new Map()): Promise<FiguresArtifact> {
  const files = figureFiles(rendered);
  const figures = figureEntries(rendered);
  await ctx.store.put('figures', key, new Map<string, Buffer | string>([...files, ...extra, ['figures.json', JSON.stringify({ figures, seconds }, null, 2)]]));
  return { key, figures, files, seconds };
}

/** The test images shown as sample predictions: `count` of them, seeded, in index order. */
export function pickSamples(testCount: number, count: number, seed: number): number[] {
  const order = permutation(testCount, mulberry32(deriveSeed(seed, 'samples')));
  return Array.from(order.subarray(0, Math.min(count, testCount))).sort((a, b) => a - b);
}

/** What the performance figures are drawn from. */
export interface FiguresInput {
  analysisKey: string;
  history: HistoryRow[];
  /** Where fine-tuning began, early stopping stopped and weights were restored: marked on the curves. */
  phases: readonly PhaseRecord[];
  evaluation: Evaluation;
  probs: Float32Array;
  test: { pixels: Uint8Array; labels: Uint8Array };
  shape: [number, number, number];
  report: ReportSpec;
  reportSeed: number;
  /** The model's layer table, drawn as the architecture diagram. */
  layers: readonly LayerRow[];
  /** True for a model trained elsewhere: its curves (if any) come from an imported history file. */
  imported?: boolean;
}

/** Render every figure, or return the stored set with the same key. */
export async function figuresStage(ctx: PipelineContext, input: FiguresInput): Promise<FiguresArtifact> {
  const { evaluation: ev, history } = input;
  const classes = ev.metrics.classes;
  const key = figuresKey(input.analysisKey, classes, input.report, input.reportSeed);
  const stored = await storedFigures(ctx, key);
  if (stored) return stored;
  const started = ctx.clock.now();
  const { renderFigure, svgFigure, historyCsv, confusionJson } = await import('../../render/figure.ts');
  const curves = await import('../../render/specs/training-curves.ts');
  const rate = await import('../../render/specs/learning-rate.ts');
  const { toCsv } = await import('../../render/csv.ts');
  const confusion = await import('../../render/specs/confusion-matrix.ts');
  const { curvesSpec, curvesAlt } = await import('../../render/specs/curves.ts');
  const { reliabilitySpec, reliabilityAlt } = await import('../../render/specs/reliability.ts');
  const { predictionGrid, topClasses } = await import('../../render/images/prediction-grid.ts');
  const { rocSet, prSet } = await import('./curve-sets.ts');
  const { architectureFigure } = await import('../../render/diagram/index.ts');
  const matrix = ev.confusion.counts;
  const marks = curves.trainingMarks(input.phases);

  // An imported model without a history file has no curves to draw.
  const trainingCurves =
    history.length === 0
      ? []
      : [
          await renderFigure({
            name: 'training-curves',
            title: input.imported ? 'Training curves (imported history)' : 'Training curves',
            spec: curves.trainingCurvesSpec(history, marks),
            alt: `${input.imported ? 'From the imported training history. ' : ''}${curves.trainingCurvesAlt(history, marks)}`,
            data: historyCsv(history),
          }),
        ];
  const rendered = [
    await architectureFigure(input.layers),
    ...trainingCurves,
    ...(history.length > 0 && rate.rateVaries(history)
      ? [
          await renderFigure({
            name: 'learning-rate',
            title: 'Learning-rate schedule',
            spec: rate.learningRateSpec(history, marks),
            alt: rate.learningRateAlt(history),
            data: { kind: 'csv', text: toCsv(['epoch', 'lr'], history.map((r) => [r.epoch, r.lr])) },
          }),
        ]
      : []),
    await renderFigure({
      name: 'confusion-matrix',
      title: 'Confusion matrix (counts)',
      spec: confusion.confusionMatrixSpec(classes, matrix, 'counts'),
      alt: confusion.confusionMatrixAlt(classes, matrix),
      data: confusionJson(classes, matrix),
    }),
    await renderFigure({
      name: 'confusion-matrix-normalized',
      title: 'Confusion matrix (row-normalized)',
      spec: confusion.confusionMatrixSpec(classes, matrix, 'normalized'),
      alt: confusion.confusionMatrixAlt(classes, matrix, 'normalized'),
      data: confusionJson(classes, matrix),
    }),
  ];
  const roc = rocSet(ev);
  if (roc) {
    rendered.push(await renderFigure({ name: 'roc-curves', title: 'ROC curves, one-vs-rest', spec: curvesSpec(roc.set, 'roc'), alt: curvesAlt(roc.set, 'roc'), data: { kind: 'json', text: roc.data } }));
  }
  const pr = prSet(ev);
  rendered.push(await renderFigure({ name: 'pr-curves', title: 'Precision–recall curves, one-vs-rest', spec: curvesSpec(pr.set, 'pr'), alt: curvesAlt(pr.set, 'pr'), data: { kind: 'json', text: pr.data } }));
  const bins = ev.calibration.bins;
  rendered.push(
    await renderFigure({
      name: 'calibration',
      title: 'Calibration (reliability diagram)',
      spec: reliabilitySpec(bins, ev.calibration.ece),
      alt: reliabilityAlt(bins, ev.calibration.ece),
      data: { kind: 'json', text: JSON.stringify(ev.calibration, null, 2) + '\n' },
    }),
  );

  const size = input.shape[0] * input.shape[1] * input.shape[2];
  const item = (index: number) => ({
    index,
    pixels: input.test.pixels.subarray(index * size, (index + 1) * size),
    trueClass: classes[input.test.labels[index]!]!,
    predictedClass: classes[ev.predicted[index]!]!,
    top: topClasses(input.probs, index, classes),
  });
  const samples = pickSamples(ev.count, input.report.samples, input.reportSeed);
  if (samples.length > 0) {
    const items = samples.map(item);
    const grid = await predictionGrid(items, input.shape, `${items.length} test images picked at random; bars: the three most probable classes, the true class in blue.`);
    const right = items.filter((i) => i.predictedClass === i.trueClass).length;
    rendered.push(
      svgFigure({
        name: 'predictions',
        title: 'Sample predictions',
        alt: `${items.length} test images picked at random with the model's three most probable classes; ${right} of them are predicted correctly.`,
        svg: grid.svg,
        width: grid.width,
        height: grid.height,
        data: { kind: 'json', text: JSON.stringify(items.map(({ pixels: _p, ...rest }) => rest), null, 2) + '\n' },
      }),
    );
  }
  if (ev.mistakes.length > 0) {
    const items = ev.mistakes.slice(0, Math.max(8, input.report.samples)).map((m) => item(m.index));
    const grid = await predictionGrid(items, input.shape, 'Wrong predictions made with the highest confidence, most confident first.');
    rendered.push(
      svgFigure({
        name: 'mistakes',
        title: 'Most confident mistakes',
        alt: `The ${items.length} wrong predictions made with the highest confidence, from ${items[0]!.top[0]!.probability.toFixed(2)} down to ${items.at(-1)!.top[0]!.probability.toFixed(2)}; the most frequent confusion among them is ${mostFrequent(items.map((i) => `${i.trueClass} taken for ${i.predictedClass}`))}.`,
        svg: grid.svg,
        width: grid.width,
        height: grid.height,
        data: { kind: 'json', text: JSON.stringify(items.map(({ pixels: _p, ...rest }) => rest), null, 2) + '\n' },
      }),
    );
  }
  return storeFigures(ctx, key, rendered, (ctx.clock.now() - started) / 1000);
}

function mostFrequent(values: string[]): string {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]![0];
}

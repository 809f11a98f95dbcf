/**
 * Stage: render the experiment's figures (SVG + 2x PNG + data) from plain arrays.
 * Input: history + metrics. Output: figure files. Cached under `figures/<figures key>`, so a
 * restyled chart re-renders without retraining or re-evaluating.
 */
import type { Figure } from '../../site/report.ts';
import type { RenderedFigure } from '../../render/figure.ts';
import type { HistoryRow } from '../../engine/train.ts';
import type { MetricsJson } from '../../analysis/evaluate.ts';
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

/** Store rendered figures under `figures/<key>` and describe them for report.json. */
export async function storeFigures(ctx: PipelineContext, key: string, rendered: RenderedFigure[], seconds: number): Promise<FiguresArtifact> {
  const files = new Map<string, Buffer>();
  const figures: Figure[] = [];
  for (const f of rendered) {
    files.set(`${f.name}.svg`, Buffer.from(f.svg));
    files.set(`${f.name}.png`, f.png);
    files.set(`${f.name}.${f.dataExt}`, Buffer.from(f.data));
    figures.push({
      name: f.name,
      title: f.title,
      alt: f.alt,
      svg: `figures/${f.name}.svg`,
      png: `figures/${f.name}.png`,
      data: `figures/${f.name}.${f.dataExt}`,
      width: f.width,
      height: f.height,
    });
  }
  await ctx.store.put('figures', key, new Map<string, Buffer | string>([...files, ['figures.json', JSON.stringify({ figures, seconds }, null, 2)]]));
  return { key, figures, files, seconds };
}

/** Render every figure, or return the stored set with the same key. */
export async function figuresStage(ctx: PipelineContext, analysisKey: string, history: HistoryRow[], metrics: MetricsJson): Promise<FiguresArtifact> {
  const key = figuresKey(analysisKey, metrics.classes);
  const stored = await storedFigures(ctx, key);
  if (stored) return stored;
  const started = ctx.clock.now();
  const { renderFigure, historyCsv, confusionJson } = await import('../../render/figure.ts');
  const curves = await import('../../render/specs/training-curves.ts');
  const confusion = await import('../../render/specs/confusion-matrix.ts');

  const rendered = [
    await renderFigure({
      name: 'training-curves',
      title: 'Training curves',
      spec: curves.trainingCurvesSpec(history),
      alt: curves.trainingCurvesAlt(history),
      data: historyCsv(history),
    }),
    await renderFigure({
      name: 'confusion-matrix',
      title: 'Confusion matrix (counts)',
      spec: confusion.confusionMatrixSpec(metrics.classes, metrics.confusion_matrix, 'counts'),
      alt: confusion.confusionMatrixAlt(metrics.classes, metrics.confusion_matrix),
      data: confusionJson(metrics.classes, metrics.confusion_matrix),
    }),
    await renderFigure({
      name: 'confusion-matrix-normalized',
      title: 'Confusion matrix (row-normalized)',
      spec: confusion.confusionMatrixSpec(metrics.classes, metrics.confusion_matrix, 'normalized'),
      alt: confusion.confusionMatrixAlt(metrics.classes, metrics.confusion_matrix, 'normalized'),
      data: confusionJson(metrics.classes, metrics.confusion_matrix),
    }),
  ];
  return storeFigures(ctx, key, rendered, (ctx.clock.now() - started) / 1000);
}

/**
 * Stage for a run whose loss became NaN or infinite: what the report keeps of it. The failed
 * experiment gets a page marked as failed with the error, the epochs completed before the
 * divergence as training curves and history.csv, and the definition as run — so the user sees
 * how the loss ran away, not just that it did. Never cached: there is no model to reuse.
 */
import type { ExperimentSpec } from '../../config/spec.ts';
import type { TrainingDiverged } from '../../engine/train.ts';
import type { Figure, HistoryRow } from '../../site/report.ts';
import { figureEntries, figureFiles } from './figures.ts';

/** The partial run of a diverged experiment, as published. */
export interface DivergedRun {
  diverged: { epoch: number; batch: number };
  history: HistoryRow[];
  figures: Figure[];
  /** Path relative to the experiment's directory → bytes. */
  files: Map<string, Buffer | string>;
}

export async function divergedRun(spec: ExperimentSpec, error: TrainingDiverged): Promise<DivergedRun> {
  const history = error.history;
  const files = new Map<string, Buffer | string>([['data/experiment.yaml', spec.source]]);
  let figures: Figure[] = [];
  if (history.length > 0) {
    const { renderFigure, historyCsv } = await import('../../render/figure.ts');
    const curves = await import('../../render/specs/training-curves.ts');
    const data = historyCsv(history);
    const figure = await renderFigure({
      name: 'training-curves',
      title: `Training curves up to the divergence (epoch ${error.epoch}, batch ${error.batch})`,
      spec: curves.trainingCurvesSpec(history),
      alt: `${curves.trainingCurvesAlt(history)} Training then diverged at epoch ${error.epoch}, batch ${error.batch}.`,
      data,
    });
    figures = figureEntries([figure]);
    files.set('data/history.csv', data.text);
    for (const [name, bytes] of figureFiles([figure])) files.set(`figures/${name}`, bytes);
  }
  return { diverged: { epoch: error.epoch, batch: error.batch }, history, figures, files };
}

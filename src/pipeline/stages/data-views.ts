/**
 * Stage: the data section's figures, from the dataset alone (no model): a sample grid per class,
 * the class distribution across splits, and one image through the augmentation. Cached under `figures/<data views key>`, so they
 * are drawn once per dataset and data settings, whatever is retrained.
 */
import type { ExperimentSpec } from '../../config/spec.ts';
import type { Dataset } from '../../data/index.ts';
import { deriveSeed, mulberry32 } from '../../lib/rng.ts';
import { dataViewsKey } from '../plan.ts';
import type { PipelineContext } from '../context.ts';
import { storedFigures, storeFigures, type FiguresArtifact } from './figures.ts';

/** Sample images shown per class. */
const SAMPLES_PER_CLASS = 8;

/** Images per class in each split (index = label). */
export function countPerClass(labels: ArrayLike<number>, classCount: number): number[] {
  const counts = new Array<number>(classCount).fill(0);
  for (let i = 0; i < labels.length; i++) counts[labels[i]!]! += 1;
  return counts;
}

/** Render the data views, or return the stored set with the same key. */
export async function dataViewsStage(ctx: PipelineContext, spec: ExperimentSpec, dataset: Dataset): Promise<FiguresArtifact> {
  const key = dataViewsKey(dataset.digest, spec.data, spec.seeds.split);
  const stored = await storedFigures(ctx, key);
  if (stored) return stored;
  const started = ctx.clock.now();
  const { renderFigure, svgFigure } = await import('../../render/figure.ts');
  const { toCsv } = await import('../../render/csv.ts');
  const distribution = await import('../../render/specs/class-distribution.ts');
  const samples = await import('../../render/images/sample-grid.ts');

  const k = dataset.classes.length;
  const counts = {
    train: countPerClass(dataset.train.labels, k),
    validation: countPerClass(dataset.validation.labels, k),
    test: countPerClass(dataset.test.labels, k),
  };
  const rows = distribution.distributionRows(dataset.classes, counts);
  const picks = samples.pickPerClass(dataset.train.labels, k, SAMPLES_PER_CLASS, mulberry32(deriveSeed(spec.seeds.split, 'report-samples')));
  const grid = await samples.sampleGrid({ classes: dataset.classes, shape: dataset.shape, pixels: dataset.train.pixels, picks, splitName: 'training split' });
  const rendered = [];
  if (spec.data.augment) {
    const augmented = await import('../../render/images/augment-grid.ts');
    const view = await augmented.augmentGrid({ spec: spec.data.augment, seed: spec.seeds.augment, shape: dataset.shape, pixels: dataset.train.pixels, index: picks.find((p) => p.length > 0)?.[0] ?? 0, className: dataset.classes[dataset.train.labels[picks.find((p) => p.length > 0)?.[0] ?? 0]!]! });
    rendered.push(svgFigure({ name: 'augmentations', title: 'One training image, augmented', alt: view.alt, svg: view.svg, width: view.width, height: view.height, data: { kind: 'json', text: view.data } }));
  }
  rendered.unshift(
    svgFigure({ name: 'samples', title: 'Sample images per class', alt: grid.alt, svg: grid.svg, width: grid.width, height: grid.height, data: { kind: 'json', text: grid.data } }),
    await renderFigure({
      name: 'class-distribution',
      title: 'Class distribution across splits',
      spec: distribution.classDistributionSpec(dataset.classes, counts),
      alt: distribution.classDistributionAlt(dataset.classes, counts),
      data: { kind: 'csv', text: toCsv(['class', 'split', 'count'], rows.map((r) => [r.class, r.split, r.count])) },
    }),
  );
  return storeFigures(ctx, key, rendered, (ctx.clock.now() - started) / 1000);
}

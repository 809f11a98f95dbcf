/**
 * The pure parts of the repeated-runs stage (pipeline/stages/repeats.ts): statistics against
 * hand-worked numbers, the metric names, the per-epoch bands, the events all runs share, the
 * figure swap and the published CSV.
 */
import { describe, expect, it } from 'vitest';
import type { MetricsJson } from '../../../src/analysis/evaluate.ts';
import type { HistoryRow } from '../../../src/engine/train.ts';
import type { FiguresArtifact } from '../../../src/pipeline/stages/figures.ts';
import { curveBands, meanStd, metricValues, repeatsCsv, repeatsEntry, sharedMarks, summarize, withRepeatedCurves, type RepeatsArtifact } from '../../../src/pipeline/stages/repeats.ts';

const scores = (p: number) => ({ precision: p, recall: p + 0.01, f1: p + 0.02 });
/** A run's metrics by name, from a metrics.json whose class "b,c" has the AUC `aucB`. */
const metrics = (accuracy: number, loss: number, aucB: number | null = 0.9) => metricValues(metricsJson(accuracy, loss, aucB));
function metricsJson(accuracy: number, loss: number, aucB: number | null): MetricsJson {
  return {
    accuracy,
    loss,
    top_k_accuracy: { '2': accuracy + 0.1 },
    classes: ['a', 'b,c'],
    per_class: { a: { ...scores(0.5), support: 3, auc: 0.8, average_precision: 0.7 }, 'b,c': { ...scores(0.6), support: 2, auc: aucB, average_precision: 0.75 } },
    macro_avg: scores(0.55),
    weighted_avg: scores(0.56),
    roc_auc: { macro: aucB === null ? null : 0.85, micro: 0.86 },
    confusion_matrix: [[2, 1], [0, 2]],
    ece: 0.05,
  };
}

const row = (epoch: number, loss: number, accuracy: number, val_loss: number | null = null, val_accuracy: number | null = null): HistoryRow => ({ epoch, loss, accuracy, val_loss, val_accuracy, lr: 0.001 });

describe('meanStd', () => {
  it('the mean and the sample standard deviation (n − 1), worked by hand', () => {
    // Σ(x − 5)² = 32 over 8 values: sample variance 32/7.
    const { mean, std } = meanStd([2, 4, 4, 4, 5, 5, 7, 9]);
    expect(mean).toBe(5);
    expect(std).toBeCloseTo(Math.sqrt(32 / 7), 14);
    expect(meanStd([0.5, 0.7])).toEqual({ mean: 0.6, std: expect.closeTo(Math.SQRT1_2 * 0.2, 14) });
    expect(meanStd([0.25])).toEqual({ mean: 0.25, std: 0 });
  });
});

describe('metric names and summaries', () => {
  it('every scalar of metrics.json by its path there; support, classes and the confusion matrix are not metrics', () => {
    const macro = scores(0.55);
    const weighted = scores(0.56);
    expect(metrics(0.8, 0.4)).toEqual([
      ['accuracy', 0.8], ['loss', 0.4], ['top_k_accuracy.2', 0.8 + 0.1],
      ['macro_avg.precision', macro.precision], ['macro_avg.recall', macro.recall], ['macro_avg.f1', macro.f1],
      ['weighted_avg.precision', weighted.precision], ['weighted_avg.recall', weighted.recall], ['weighted_avg.f1', weighted.f1],
      ['roc_auc.macro', 0.85], ['roc_auc.micro', 0.86], ['ece', 0.05],
      ['per_class.a.precision', 0.5], ['per_class.a.recall', 0.5 + 0.01], ['per_class.a.f1', 0.5 + 0.02], ['per_class.a.auc', 0.8], ['per_class.a.average_precision', 0.7],
      ['per_class.b,c.precision', 0.6], ['per_class.b,c.recall', 0.6 + 0.01], ['per_class.b,c.f1', 0.6 + 0.02], ['per_class.b,c.auc', 0.9], ['per_class.b,c.average_precision', 0.75],
    ]);
  });

  it('values in run order with their mean and standard deviation; a metric undefined in a run is left out', () => {
    const summary = summarize([metrics(0.8, 0.5), metrics(0.9, 0.3), metrics(0.7, 0.4, null)]);
    expect(summary['accuracy']!.values).toEqual([0.8, 0.9, 0.7]);
    expect(summary['accuracy']!.mean).toBeCloseTo(0.8, 14);
    expect(summary['accuracy']!.std).toBeCloseTo(0.1, 14);
    expect(summary['loss']).toEqual({ mean: expect.closeTo(0.4, 14), std: expect.closeTo(0.1, 14), values: [0.5, 0.3, 0.4] });
    expect(summary['ece']).toEqual({ mean: 0.05, std: 0, values: [0.05, 0.05, 0.05] });
    expect(summary['roc_auc.macro']).toBeUndefined();
    expect(summary['per_class.b,c.auc']).toBeUndefined();
    expect(summary['roc_auc.micro']).toBeDefined();
    expect(Object.keys(summary)).toHaveLength(22 - 2);
  });
});

describe('curveBands', () => {
  it('per epoch: the mean over the runs that reached it and the sample standard deviation, none under two values', () => {
    const bands = curveBands([
      [row(1, 0.5, 0.6, 0.7, 0.5), row(2, 0.3, 0.8, 0.5, 0.7)],
      [row(1, 0.7, 0.8, 0.9, 0.7), row(2, 0.5, 0.9, 0.7, 0.8), row(3, 0.4, 0.95, 0.6, 0.85)],
    ]);
    expect(bands.map((b) => [b.epoch, b.runs])).toEqual([[1, 2], [2, 2], [3, 1]]);
    expect(bands[0]!.loss).toBeCloseTo(0.6, 14);
    expect(bands[0]!.loss_std).toBeCloseTo(Math.SQRT2 * 0.1, 14);
    expect(bands[1]!.val_accuracy).toBeCloseTo(0.75, 14);
    expect(bands[2]).toEqual({ epoch: 3, runs: 1, loss: 0.4, loss_std: null, accuracy: 0.95, accuracy_std: null, val_loss: 0.6, val_loss_std: null, val_accuracy: 0.85, val_accuracy_std: null });
  });

  it('no validation split: the validation columns are null', () => {
    const [band] = curveBands([[row(1, 0.5, 0.6)], [row(1, 0.7, 0.8)]]);
    expect(band).toMatchObject({ val_loss: null, val_loss_std: null, val_accuracy: null, val_accuracy_std: null });
  });
});

describe('sharedMarks', () => {
  it('keeps only the events every run has at the same epoch', () => {
    const fineTune = { epoch: 6, kind: 'fineTune' as const };
    expect(sharedMarks([[{ epoch: 4, kind: 'stopped' }, fineTune], [fineTune], [{ epoch: 4, kind: 'stopped' }, fineTune]])).toEqual([fineTune]);
    expect(sharedMarks([[{ epoch: 4, kind: 'stopped' }], [{ epoch: 5, kind: 'stopped' }]])).toEqual([]);
  });
});

const figure = (name: string, title = name) => ({ name, title, alt: '', svg: `figures/${name}.svg`, png: `figures/${name}.png`, data: `figures/${name}.csv`, width: 1, height: 1 });
const files = (name: string, tag: string) => new Map([['svg', 'png', 'csv'].map((ext) => [`${name}.${ext}`, Buffer.from(`${tag} ${ext}`)] as [string, Buffer])].flat());

describe('withRepeatedCurves', () => {
  const run0: FiguresArtifact = {
    key: 'k',
    figures: [figure('architecture'), figure('training-curves'), figure('training-curves-extra'), figure('calibration')],
    files: new Map([...files('architecture', 'a'), ...files('training-curves', 'run 0'), ...files('training-curves-extra', 'x'), ...files('calibration', 'c')]),
    seconds: 2,
  };
  const curves: FiguresArtifact = { key: 'c', figures: [figure('training-curves', 'all runs')], files: files('training-curves', 'all runs'), seconds: 0.5 };

  it('replaces run 0’s training curves, in place, by those of all runs; other figures and files stay', () => {
    const out = withRepeatedCurves(run0, { runs: [], metrics: {}, curves });
    expect(out.figures.map((f) => f.title)).toEqual(['architecture', 'all runs', 'training-curves-extra', 'calibration']);
    expect(out.files.get('training-curves.svg')!.toString()).toBe('all runs svg');
    expect(out.files.get('training-curves-extra.csv')!.toString()).toBe('x csv');
    expect([...out.files.keys()].sort()).toEqual([...run0.files.keys()].sort());
    expect(out.seconds).toBe(2.5);
  });

  it('changes nothing without repeated runs', () => {
    expect(withRepeatedCurves(run0, undefined)).toBe(run0);
    expect(withRepeatedCurves(run0, { runs: [], metrics: {} })).toBe(run0);
  });
});

describe('what is published', () => {
  const history = [row(1, 0.5, 0.6)];
  const repeats: RepeatsArtifact = {
    runs: [
      { seed: 7, key: 'a', cached: true, history, phases: [], metrics: metrics(0.8, 0.5) },
      { seed: 99, key: 'b', cached: false, history, phases: [], metrics: metrics(0.9, 0.3) },
    ],
    metrics: summarize([metrics(0.8, 0.5), metrics(0.9, 0.3)]),
  };

  it('report.json: the seeds with run 0 first, every metric, every history; no cache flags', () => {
    const entry = repeatsEntry(repeats);
    expect(Object.keys(entry)).toEqual(['seeds', 'metrics', 'histories']);
    expect(entry.seeds).toEqual([7, 99]);
    expect(entry.metrics['accuracy']!.values).toEqual([0.8, 0.9]);
    expect(entry.histories).toEqual([history, history]);
  });

  it('repeats.csv: one row per run, its seed and every metric, named as in report.json (quoted when needed, undefined values empty)', () => {
    const withMissing: RepeatsArtifact = { ...repeats, runs: [repeats.runs[0]!, { ...repeats.runs[1]!, metrics: metrics(0.9, 0.3, null) }] };
    const lines = repeatsCsv(withMissing).trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]!.startsWith('run,seed,accuracy,loss,top_k_accuracy.2,macro_avg.precision,')).toBe(true);
    expect(lines[0]).toContain(',ece,per_class.a.precision,');
    expect(lines[0]!.endsWith(',"per_class.b,c.auc","per_class.b,c.average_precision"')).toBe(true);
    expect(lines[1]!.startsWith('1,7,0.8,0.5,0.9,')).toBe(true);
    expect(lines[2]!.startsWith('2,99,0.9,0.3,')).toBe(true);
    // roc_auc.macro (the 10th metric) and b,c's auc (the second last) are undefined in run 2.
    const cells = lines[2]!.split(',');
    expect([cells[2 + 9], cells.at(-2)]).toEqual(['', '']);
    expect(lines[0]!.split(',').length).toBe(cells.length + 5); // five quoted names hold one comma each
  });
});

/**
 * The cross-experiment figures: which epoch counts as final, the data files, alt text written
 * from the data, and what the rendered charts show (bars and colours, the "no validation values"
 * rows, overlaid lines up to seven experiments, highlighted small multiples beyond).
 */
import { describe, expect, it } from 'vitest';
import type { HistoryRow } from '../../../src/site/report.ts';
import { compareCurvesAlt, compareCurvesCsv, compareCurvesSpec, curvePoints } from '../../../src/render/specs/compare-curves.ts';
import { comparisonFigures } from '../../../src/render/specs/compare-figures.ts';
import { compareMetricsAlt, compareMetricsCsv, compareMetricsSpec, finalValidation, type ExperimentHistory } from '../../../src/render/specs/compare-metrics.ts';
import { COMPARE_PALETTE, experimentColours } from '../../../src/render/specs/compare-palette.ts';
import { renderVegaLite } from '../../../src/render/vega.ts';

const epoch = (e: number, val_loss: number | null, val_accuracy: number | null): HistoryRow => ({ epoch: e, loss: 1 / e, accuracy: 0.5, val_loss, val_accuracy, lr: 0.001 });

const cnn: ExperimentHistory = { id: 'cnn', title: 'Small CNN', history: [epoch(1, 0.9, 0.7), epoch(2, 0.6, 0.8), epoch(3, 0.7, 0.78)] };
const resnet: ExperimentHistory = { id: 'resnet', title: 'ResNet, early stopped', history: [epoch(1, 0.5, 0.85), epoch(2, 0.4, 0.9), epoch(3, 0.45, 0.89)], keptEpoch: 2 };
const noVal: ExperimentHistory = { id: 'mnist', title: 'MNIST', history: [epoch(1, null, null), epoch(2, null, null)] };

/** Text content of every <text> element in an SVG. */
const texts = (svg: string) => [...svg.matchAll(/<text\b[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!);

/** `count` experiments with distinct ids and two epochs each. */
const many = (count: number): ExperimentHistory[] => Array.from({ length: count }, (_, k) => ({ id: `e${k}`, title: `E${k}`, history: [epoch(1, 0.5 + k / 100, 0.8), epoch(2, 0.4 + k / 100, 0.85 - k / 100)] }));

describe('final validation values', () => {
  it('come from the kept epoch (early stopping restored) or the last one, null without validation', () => {
    expect(finalValidation([cnn, resnet, noVal])).toEqual([
      { id: 'cnn', title: 'Small CNN', epoch: 3, val_loss: 0.7, val_accuracy: 0.78 },
      { id: 'resnet', title: 'ResNet, early stopped', epoch: 2, val_loss: 0.4, val_accuracy: 0.9 },
      { id: 'mnist', title: 'MNIST', epoch: 2, val_loss: null, val_accuracy: null },
    ]);
    // A kept epoch the history does not have falls back to the last.
    expect(finalValidation([{ ...cnn, keptEpoch: 9 }])[0]!.epoch).toBe(3);
  });

  it('are published as CSV with empty cells for the missing values', () => {
    expect(compareMetricsCsv(finalValidation([cnn, resnet, noVal]))).toBe(
      'id,title,epoch,val_loss,val_accuracy\ncnn,Small CNN,3,0.7,0.78\nresnet,"ResNet, early stopped",2,0.4,0.9\nmnist,MNIST,2,,\n',
    );
  });

  it('alt text names the extremes and the experiments without a validation set', () => {
    expect(compareMetricsAlt(finalValidation([cnn, resnet, noVal]))).toBe(
      'Final validation accuracy of the 2 experiments with a validation set, from 0.78 (cnn) to 0.90 (resnet); validation loss from 0.40 (resnet) to 0.70 (cnn). mnist has no validation values and no bar.',
    );
    expect(compareMetricsAlt(finalValidation([cnn]))).toBe('Final validation accuracy of 1 experiment, 0.78 (cnn); validation loss 0.70 (cnn).');
  });

  it('values that round alike get the digits that tell them apart, up to four', () => {
    const a: ExperimentHistory = { id: 'a', title: 'A', history: [epoch(1, 0.2317, 0.92117)] };
    const b: ExperimentHistory = { id: 'b', title: 'B', history: [epoch(1, 0.48694, 0.91833)] };
    const c: ExperimentHistory = { id: 'c', title: 'C', history: [epoch(1, 0.48691, 0.91834)] };
    expect(compareMetricsAlt(finalValidation([a, b]))).toBe('Final validation accuracy of 2 experiments, from 0.918 (b) to 0.921 (a); validation loss from 0.23 (a) to 0.49 (b).');
    // Apart only in the fifth decimal: four digits, and they read equal, as they nearly are.
    expect(compareMetricsAlt(finalValidation([b, c]))).toBe('Final validation accuracy of 2 experiments, from 0.9183 (b) to 0.9183 (c); validation loss from 0.4869 (c) to 0.4869 (b).');
  });
});

describe('comparison-metrics chart', () => {
  it('draws a bar per experiment with validation, in its palette colour, and says "no validation values" for the others', async () => {
    const { svg } = await renderVegaLite(compareMetricsSpec(finalValidation([cnn, resnet, noVal])));
    const t = texts(svg);
    expect(t.filter((x) => x === 'no validation values')).toHaveLength(2); // one per panel
    expect(t).toEqual(expect.arrayContaining(['0.780', '0.900', '0.700', '0.400', 'Validation accuracy', 'Validation loss']));
    // Bars are paths filled with the experiment's colour: two panels × (cnn, resnet).
    const fills = [...svg.matchAll(/aria-roledescription="bar"[^>]*fill="(#[0-9A-Fa-f]{6})"/g)].map((m) => m[1]!.toUpperCase());
    expect(fills.filter((f) => f === COMPARE_PALETTE[0])).toHaveLength(2);
    expect(fills.filter((f) => f === COMPARE_PALETTE[1])).toHaveLength(2);
  });

  it('past seven experiments every bar is one colour (the rows carry the names)', () => {
    expect(experimentColours(many(7).map((e) => e.id))).toEqual([...COMPARE_PALETTE]);
    expect(experimentColours(many(8).map((e) => e.id))).toBeUndefined();
    const spec = compareMetricsSpec(finalValidation(many(8))) as unknown as { hconcat: { layer: { encoding: { color?: unknown } }[] }[] };
    expect(spec.hconcat[0]!.layer[0]!.encoding.color).toEqual({ value: COMPARE_PALETTE[0] });
  });
});

describe('comparison-curves chart', () => {
  it('publishes every epoch of the experiments that have validation values', () => {
    expect(curvePoints([cnn, noVal]).map((p) => [p.id, p.epoch])).toEqual([
      ['cnn', 1],
      ['cnn', 2],
      ['cnn', 3],
    ]);
    expect(compareCurvesCsv(curvePoints([resnet]))).toBe('id,epoch,val_loss,val_accuracy\nresnet,1,0.5,0.85\nresnet,2,0.4,0.9\nresnet,3,0.45,0.89\n');
  });

  it('overlays up to seven experiments with a legend, and notes the ones it cannot draw', async () => {
    const { svg } = await renderVegaLite(compareCurvesSpec([cnn, resnet, noVal]));
    const t = texts(svg);
    expect(t).toEqual(expect.arrayContaining(['cnn', 'resnet', 'Not drawn (no validation values): mnist']));
    expect(t).not.toContain('mnist');
    // One line per experiment and panel, stroked in its colour.
    const strokes = [...svg.matchAll(/aria-roledescription="line mark"[^>]*stroke="(#[0-9A-Fa-f]{6})"/g)].map((m) => m[1]!.toUpperCase());
    expect(strokes.filter((s) => s === COMPARE_PALETTE[0])).toHaveLength(2);
    expect(strokes.filter((s) => s === COMPARE_PALETTE[1])).toHaveLength(2);
  });

  it('beyond seven: a panel per experiment and metric, the experiment highlighted over the rest', async () => {
    const experiments = many(9);
    const { svg } = await renderVegaLite(compareCurvesSpec(experiments));
    const t = texts(svg);
    for (const e of experiments) expect(t.filter((x) => x === e.id)).toHaveLength(2);
    // Each panel: one highlighted line and eight grey ones; two metrics.
    const lines = [...svg.matchAll(/aria-roledescription="line mark"[^>]*stroke="(#[0-9A-Fa-f]{6})"/g)].map((m) => m[1]);
    expect(lines.filter((s) => s === '#0072B2')).toHaveLength(2 * 9);
    expect(lines.filter((s) => s === '#d1d5db')).toHaveLength(2 * 9 * 8);
  });

  it('alt text follows each experiment up to seven, and the extremes beyond', () => {
    expect(compareCurvesAlt([cnn, resnet, noVal])).toBe(
      "Validation accuracy per epoch of 2 experiments: cnn ends at 0.78 after 3 epochs (best 0.80 at epoch 2); resnet ends at 0.89 after 3 epochs (best 0.90 at epoch 2). The lowest final validation loss is resnet's 0.45. Not drawn, having no validation values: mnist.",
    );
    expect(compareCurvesAlt(many(9))).toBe(
      "Validation accuracy per epoch of 9 experiments, one panel each: the highest final value is e0's 0.85, the lowest e8's 0.77. The lowest final validation loss is e0's 0.40.",
    );
    expect(compareCurvesAlt([noVal])).toBe('Validation curves across experiments: no experiment recorded validation values. Not drawn, having no validation values: mnist.');
  });
});

describe('comparisonFigures', () => {
  it('renders both figures with CSV data, the same bytes twice, and nothing for no experiments', async () => {
    const a = await comparisonFigures([cnn, resnet, noVal]);
    const b = await comparisonFigures([cnn, resnet, noVal]);
    expect(a.map((f) => [f.name, f.dataExt])).toEqual([
      ['comparison-metrics', 'csv'],
      ['comparison-curves', 'csv'],
    ]);
    expect(a.map((f) => f.svg)).toEqual(b.map((f) => f.svg));
    expect(a.every((f, i) => f.png.equals(b[i]!.png))).toBe(true);
    expect(await comparisonFigures([])).toEqual([]);
  });

  it('draws nothing when no experiment has validation values (imported models without a history)', async () => {
    expect(await comparisonFigures([noVal, { ...noVal, id: 'imported', history: [] }])).toEqual([]);
  });
});

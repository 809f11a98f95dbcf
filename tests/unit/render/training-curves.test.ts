import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderVegaLite } from '../../../src/render/vega.ts';
import { repeatedCurvesAlt, repeatedCurvesSpec, trainingCurvesAlt, trainingCurvesSpec, trainingMarks, type BandRow, type HistoryRow } from '../../../src/render/specs/training-curves.ts';

const row = (epoch: number, loss: number, accuracy: number, val_loss: number | null, val_accuracy: number | null): HistoryRow => ({
  epoch, loss, accuracy, val_loss, val_accuracy, lr: 0.001,
});

const rising = [row(1, 0.62, 0.75, 0.55, 0.71), row(2, 0.4, 0.82, 0.45, 0.8), row(3, 0.3, 0.86, 0.4, 0.91), row(4, 0.21, 0.9, 0.42, 0.9)];
const falling = [row(1, 0.5, 0.8, 0.6, 0.8), row(2, 0.9, 0.7, 1.0, 0.7), row(3, 1.4, 0.6, 1.5, 0.6)];
const noValidation = [row(1, 1.2, 0.5, null, null), row(2, 0.4, 0.8, null, null)];

type Panel = { transform: { fold?: string[] }[]; encoding: Record<string, { scale?: { domain?: unknown }; axis?: Record<string, unknown> }> };
type MarkLayer = { data: { values: { epoch: number; label: string }[] }; mark: { type: string; align?: string }; encoding: { x: { scale: { domain: number[] } }; y?: { value: number } } };
/** Each panel's curves (its first layer). */
const panels = (spec: unknown) => (spec as { hconcat: { layer: Panel[] }[] }).hconcat.map((p) => p.layer[0]!);
/** Each panel's layers after the curves: the marks' rules and labels. */
const markLayersOf = (spec: unknown) => (spec as { hconcat: { layer: unknown[] }[] }).hconcat.map((p) => p.layer.slice(1) as MarkLayer[]);

describe('trainingCurvesSpec', () => {
  it('embeds the history unchanged as the data', () => {
    const spec = trainingCurvesSpec(rising) as { data: { values: unknown } };
    expect(spec.data.values).toEqual(rising);
  });

  it('draws Loss and Accuracy panels, each folding train and validation columns', () => {
    const [loss, acc] = panels(trainingCurvesSpec(rising));
    expect(loss!.transform[0]!.fold).toEqual(['loss', 'val_loss']);
    expect(acc!.transform[0]!.fold).toEqual(['accuracy', 'val_accuracy']);
    expect(loss!.encoding.color!.scale!.domain).toEqual(['Training', 'Validation']);
  });

  it('uses integer epoch ticks over the recorded epochs', () => {
    const x = panels(trainingCurvesSpec(rising))[0]!.encoding.x!;
    expect(x.axis).toMatchObject({ format: 'd', tickMinStep: 1 });
    expect(x.scale!.domain).toEqual([1, 4]);
    // One epoch: a padded domain, so the single tick is not a degenerate scale.
    expect(panels(trainingCurvesSpec([rising[0]!]))[0]!.encoding.x!.scale!.domain).toEqual([0.5, 1.5]);
  });

  it('omits the validation series when every validation value is null', () => {
    for (const p of panels(trainingCurvesSpec(noValidation))) {
      expect(p.transform[0]!.fold).toHaveLength(1);
      expect(p.encoding.color!.scale!.domain).toEqual(['Training']);
    }
  });
});

describe('training marks', () => {
  const phases = [
    { phase: 'train' as const, firstEpoch: 1, lastEpoch: 7, stoppedEpoch: 7, restoredEpoch: 5 },
    { phase: 'fineTune' as const, firstEpoch: 8, lastEpoch: 10, restoredEpoch: 9 },
  ];

  it('come from the phases in epoch order: restored, stopped, fine-tuning start, restored again', () => {
    expect(trainingMarks(phases)).toEqual([
      { epoch: 5, kind: 'restored' },
      { epoch: 7, kind: 'stopped' },
      { epoch: 8, kind: 'fineTune' },
      { epoch: 9, kind: 'restored' },
    ]);
    expect(trainingMarks([{ phase: 'train', firstEpoch: 1, lastEpoch: 4 }])).toEqual([]);
  });

  it('are drawn in both panels as one rule layer and one label per mark, stacked from the top, on the curves’ epoch scale', () => {
    for (const layers of markLayersOf(trainingCurvesSpec(rising, [{ epoch: 2, kind: 'restored' }, { epoch: 3, kind: 'stopped' }]))) {
      expect(layers.map((l) => l.mark.type)).toEqual(['rule', 'text', 'text']);
      expect(layers[0]!.data.values.map((v) => [v.epoch, v.label])).toEqual([[2, 'restored'], [3, 'stopped']]);
      expect(layers.slice(1).map((l) => [l.data.values[0]!.label, l.encoding.y!.value])).toEqual([['restored', 2], ['stopped', 14]]);
      for (const l of layers) expect(l.encoding.x.scale.domain).toEqual([1, 4]);
      // Epoch 2 of 1–4 is in the left half: label to the right of its rule; epoch 3 the other way, inside the panel.
      expect(layers.slice(1).map((l) => l.mark.align)).toEqual(['left', 'right']);
    }
    expect(markLayersOf(trainingCurvesSpec(rising)).flat()).toEqual([]);
  });

  it('are named in the alt text', () => {
    expect(trainingCurvesAlt(rising, [{ epoch: 2, kind: 'restored' }, { epoch: 3, kind: 'stopped' }, { epoch: 4, kind: 'fineTune' }])).toBe(
      'Validation accuracy rises from 0.71 to 0.90 over 4 epochs; best 0.91 at epoch 3. Training loss falls from 0.62 to 0.21; validation loss falls from 0.55 to 0.42. ' +
        'Marked: the weights of epoch 2 were restored; early stopping ended training after epoch 3; fine-tuning starts at epoch 4.',
    );
  });
});

describe('trainingCurvesAlt', () => {
  it('rising validation accuracy with an earlier best epoch', () => {
    expect(trainingCurvesAlt(rising)).toBe(
      'Validation accuracy rises from 0.71 to 0.90 over 4 epochs; best 0.91 at epoch 3. Training loss falls from 0.62 to 0.21; validation loss falls from 0.55 to 0.42.',
    );
  });

  it('falling accuracy and rising loss', () => {
    expect(trainingCurvesAlt(falling)).toBe(
      'Validation accuracy falls from 0.80 to 0.60 over 3 epochs; best 0.80 at epoch 1. Training loss rises from 0.50 to 1.40; validation loss rises from 0.60 to 1.50.',
    );
  });

  it('a single epoch', () => {
    expect(trainingCurvesAlt([rising[0]!])).toBe('Validation accuracy is 0.71 after 1 epoch. Training loss is 0.62; validation loss is 0.55.');
  });

  it('no validation set: training accuracy, and says so', () => {
    expect(trainingCurvesAlt(noValidation)).toBe(
      'Training accuracy rises from 0.50 to 0.80 over 2 epochs; best at the last epoch (2). Training loss falls from 1.20 to 0.40. No validation set was used.',
    );
  });

  it('a flat curve, compared as printed', () => {
    expect(trainingCurvesAlt([row(1, 0.5, 0.8, 0.5, 0.8001), row(2, 0.5, 0.8, 0.5, 0.7999)])).toBe(
      'Validation accuracy stays at 0.80 over 2 epochs; best 0.80 at epoch 1. Training loss stays at 0.50; validation loss stays at 0.50.',
    );
  });

  it('no epochs', () => {
    expect(trainingCurvesAlt([])).toBe('Training curves: no epochs were recorded.');
  });
});

describe('the single-run figure is unchanged by repeated runs', () => {
  it('trainingCurvesSpec gives exactly the JSON it gave before repeated runs existed (golden from that commit)', () => {
    // training-curves.golden.json was written by the code before `repeatedCurvesSpec` was added.
    const golden = readFileSync(new URL('./training-curves.golden.json', import.meta.url), 'utf8');
    const now = JSON.stringify({ rising: trainingCurvesSpec(rising, [{ epoch: 2, kind: 'restored' }, { epoch: 3, kind: 'stopped' }]), noValidation: trainingCurvesSpec(noValidation) }, null, 2);
    expect(`${now}\n`).toBe(golden);
  });
});

/** Means and sample standard deviations of three runs, worked by hand: loss (0.5, 0.6, 0.7) → 0.6 ± 0.1. */
const bands: BandRow[] = [
  { epoch: 1, runs: 3, loss: 0.6, loss_std: 0.1, accuracy: 0.8, accuracy_std: 0.05, val_loss: 0.7, val_loss_std: 0.2, val_accuracy: 0.97, val_accuracy_std: 0.04 },
  { epoch: 2, runs: 3, loss: 0.05, loss_std: 0.1, accuracy: 0.9, accuracy_std: 0.02, val_loss: 0.5, val_loss_std: 0.1, val_accuracy: 0.9, val_accuracy_std: 0.01 },
  // Early stopping ended two runs: one run, no spread.
  { epoch: 3, runs: 1, loss: 0.4, loss_std: null, accuracy: 0.92, accuracy_std: null, val_loss: 0.45, val_loss_std: null, val_accuracy: 0.91, val_accuracy_std: null },
];

/** The area items vega draws, with the values they span: [series key, epoch, lo, hi]. */
async function bandItems(spec: object): Promise<[string, number, number, number][]> {
  const vl = await import('vega-lite');
  const vega = await import('vega');
  const view = new vega.View(vega.parse(vl.compile(spec as never).spec), { renderer: 'none' });
  await view.runAsync();
  const out: [string, number, number, number][] = [];
  type Node = { marktype?: string; items?: Node[]; datum?: Record<string, unknown> };
  const walk = (node: Node) => {
    for (const item of node.items ?? []) {
      const d = item.datum;
      if (node.marktype === 'area' && d) out.push([d['key'] as string, d['epoch'] as number, d['lo'] as number, d['hi'] as number]);
      walk(item);
    }
  };
  walk((view.scenegraph() as unknown as { root: Node }).root);
  view.finalize();
  return out;
}

describe('repeatedCurvesSpec', () => {
  it('embeds the band rows unchanged as the data and keeps the panels, series and legend of the single-run figure', () => {
    const spec = repeatedCurvesSpec(bands) as unknown as { data: { values: unknown } };
    expect(spec.data.values).toEqual(bands);
    const [loss, acc] = panels(spec);
    expect(loss!.transform[0]!.fold).toEqual(['loss', 'val_loss']);
    expect(acc!.transform[0]!.fold).toEqual(['accuracy', 'val_accuracy']);
    expect(loss!.encoding.color!.scale!.domain).toEqual(['Training', 'Validation']);
  });

  it('draws under each line a band from mean − std to mean + std, a loss never below 0, an accuracy never above 1, and none where one run is left', async () => {
    const items = await bandItems(repeatedCurvesSpec(bands));
    const byKey = (key: string) => items.filter((i) => i[0] === key).map(([, epoch, lo, hi]) => [epoch, Number(lo.toFixed(10)), Number(hi.toFixed(10))]);
    expect(byKey('loss')).toEqual([[1, 0.5, 0.7], [2, 0, 0.15]]);
    expect(byKey('val_loss')).toEqual([[1, 0.5, 0.9], [2, 0.4, 0.6]]);
    expect(byKey('accuracy')).toEqual([[1, 0.75, 0.85], [2, 0.88, 0.92]]);
    expect(byKey('val_accuracy')).toEqual([[1, 0.93, 1], [2, 0.89, 0.91]]);
  });

  it('names the runs, the band and the spread at the last epoch every run reached in the alt text', () => {
    expect(repeatedCurvesAlt(bands)).toBe(
      'Mean of 3 runs, with a band of ± one standard deviation. Validation accuracy falls from 0.97 to 0.91 over 3 epochs; best 0.97 at epoch 1. ' +
        'Training loss falls from 0.60 to 0.40; validation loss falls from 0.70 to 0.45. At epoch 2, the last all 3 runs reached, validation accuracy is 0.90 ± 0.01 and loss 0.50 ± 0.10.',
    );
    expect(repeatedCurvesAlt(bands.slice(0, 2))).toMatch(/ At the last epoch \(2\), validation accuracy is 0\.90 ± 0\.01 and loss 0\.50 ± 0\.10\.$/);
    const noValidation = bands.slice(0, 2).map((b) => ({ ...b, val_loss: null, val_loss_std: null, val_accuracy: null, val_accuracy_std: null }));
    expect(repeatedCurvesAlt(noValidation)).toMatch(/No validation set was used\. At the last epoch \(2\), training accuracy is 0\.90 ± 0\.02 and loss 0\.05 ± 0\.10\.$/);
  });

  it('renders without warnings: the band drops the dashes an area cannot draw', async () => {
    const warnings: unknown[] = [];
    const original = console.warn;
    console.warn = (...args: unknown[]) => void warnings.push(args);
    try {
      const { svg } = await renderVegaLite(repeatedCurvesSpec(bands, [{ epoch: 2, kind: 'stopped' }]));
      expect(svg.match(/fill-opacity="0.2"/g)).toHaveLength(4);
    } finally {
      console.warn = original;
    }
    expect(warnings).toEqual([]);
  });
});

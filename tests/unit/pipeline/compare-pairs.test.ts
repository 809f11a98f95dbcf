/** The compare page's "what changed": the pairs a group yields, their numbers from analysis/compare, figures and links. */
import { describe, expect, it } from 'vitest';
import { pairedBootstrap } from '../../../src/analysis/compare/bootstrap.ts';
import { flips, mcnemar } from '../../../src/analysis/compare/paired.ts';
import { comparePairs } from '../../../src/pipeline/stages/compare-pairs.ts';
import type { CompareExperiment } from '../../../src/pipeline/stages/compare.ts';
import { repeatedSpread, COMPARE_METRICS } from '../../../src/site/compare.ts';

const CLASSES = ['Cat', 'Dog', 'Fox'];
const N = 60;
const labels = Uint8Array.from({ length: N }, (_, i) => i % 3);

/** Probabilities putting 0.8 on `predict(i)` for every image. */
function member(id: string, predict: (i: number) => number): CompareExperiment {
  const probs = new Float32Array(N * 3);
  for (let i = 0; i < N; i++) for (let c = 0; c < 3; c++) probs[i * 3 + c] = c === predict(i) ? 0.8 : 0.1;
  return {
    id,
    title: id,
    report: { explainLayer: { type: 'auto' }, seed: 5 },
    dataset: { source: 'synthetic', classes: CLASSES, shape: [2, 2, 1], test: { count: N, labels, pixels: new Uint8Array(N * 4) } },
    run: { key: `${id}-run`, saved: { modelJson: '{}', weights: Buffer.alloc(0) }, history: [], phases: [], normalization: undefined },
    analysis: { key: `${id}-analysis`, probs },
  } as unknown as CompareExperiment;
}

describe('comparePairs', () => {
  const a = member('base', (i) => (i < 40 ? i % 3 : (i + 1) % 3));
  const b = member('wider', (i) => (i < 10 ? (i + 2) % 3 : i % 3));
  const c = member('deeper', (i) => i % 3);

  it('pairs every two experiments in report order, with the shared statistics', async () => {
    const { pairs, figures, files } = await comparePairs('synthetic-abc', [a, b, c], 5);
    expect(pairs.map((p) => [p.a, p.b])).toEqual([['base', 'wider'], ['base', 'deeper'], ['wider', 'deeper']]);
    const predA = Int32Array.from({ length: N }, (_, i) => (i < 40 ? i % 3 : (i + 1) % 3));
    const predB = Int32Array.from({ length: N }, (_, i) => (i < 10 ? (i + 2) % 3 : i % 3));
    const f = flips(labels, predA, predB);
    const m = mcnemar(f.rightToWrong.length, f.wrongToRight.length);
    const boot = pairedBootstrap(labels, predA, predB, 3, { seed: 5 });
    const p = pairs[0]!;
    expect(p.flips).toMatchObject({ rightToWrong: 10, wrongToRight: 20, bothWrongDifferently: 0 });
    expect(p.flips.shown.rightToWrong).toEqual(f.rightToWrong.slice(0, 24));
    expect(p.flips.byPair[0]).toEqual({ true: CLASSES[f.byPair[0]!.true], a: CLASSES[f.byPair[0]!.a], b: CLASSES[f.byPair[0]!.b], count: f.byPair[0]!.count, indices: f.byPair[0]!.indices.slice(0, 6) });
    expect(p.mcnemar).toMatchObject({ b: m.b, c: m.c, statistic: m.statistic, pValue: m.pValue });
    expect(p.mcnemar.sentence).toBe(`wider gets 20 images right that base got wrong and 10 the other way; McNemar's χ² = 2.7, p = 0.1: a difference this large could well be chance (not significant at the 5% level).`);
    expect(p.accuracy).toEqual(boot.accuracy);
    expect(p.macroF1).toEqual(boot.macro.f1);
    expect(p.perClass.map((x) => x.class)).toEqual(CLASSES);
    expect(p.confusion.svg).toBe('compare/synthetic-abc/confusion-difference-base-vs-wider.svg');
    expect(figures.map((x) => x.name)).toEqual(['roc-overlaid', 'pr-overlaid', 'reliability-overlaid']);
    expect([...files.keys()].filter((k) => k.endsWith('.svg')).sort()).toEqual(
      ['confusion-difference-base-vs-deeper.svg', 'confusion-difference-base-vs-wider.svg', 'confusion-difference-wider-vs-deeper.svg', 'pr-overlaid.svg', 'reliability-overlaid.svg', 'roc-overlaid.svg'],
    );
  });
});

describe('repeated experiments on the compare page', () => {
  it('reads the runs\' mean ± sd of each metric under its repeats name', () => {
    const entry = { metrics: { topK: { k: 3 } }, repeats: { seeds: [1, 2], metrics: { accuracy: { mean: 0.9, std: 0.01, values: [0.89, 0.91] }, 'top_k_accuracy.3': { mean: 0.99, std: 0, values: [0.99, 0.99] } }, histories: [] } } as never;
    const metric = (key: string) => COMPARE_METRICS.find((m) => m.key === key)!;
    expect(repeatedSpread(entry, metric('accuracy'))).toEqual({ mean: 0.9, std: 0.01, runs: 2 });
    expect(repeatedSpread(entry, metric('top-k'))).toEqual({ mean: 0.99, std: 0, runs: 2 });
    expect(repeatedSpread(entry, metric('loss'))).toBeUndefined();
    expect(repeatedSpread(entry, metric('params'))).toBeUndefined();
  });
});

/** One pair's diff object: what it contains, checked by hand and against the statistics modules. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pairedBootstrap } from '../../../src/analysis/compare/bootstrap.ts';
import { DIFF_BOOTSTRAP } from '../../../src/diff/compute.ts';
import { computeDiffs, type Diff } from '../../../src/diff/index.ts';
import { writeReport } from '../../fixtures/compare/diff-fixture.ts';
import { LABELS, PRED_A, PRED_B, small } from './small.ts';

let work: string;
beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'convlens-diff-'));
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

const one = (dir: string, a: string, b: string) => computeDiffs([`${dir}:${a}`, `${dir}:${b}`], join(work, 'no-cache')) as Diff;

describe('buildDiff', () => {
  it('the 12-image pair by hand: metrics, flips, McNemar, per class', () => {
    const dir = writeReport(join(work, 'r'), small());
    const d = one(dir, 'pets-small', 'pets-wide');
    expect(d.version).toBe(1);
    expect(d.same_test_set).toBe(true);
    expect(d.classes).toEqual(['cat', 'dog', 'fox']);
    expect(d.a).toEqual({ id: 'pets-small', title: 'Pets: small CNN', source: dir, dataset: 'pets', test_count: 12, runs: 1 });
    // A is right on 0,1,2,4,5,8,9 (7/12), B on 0,1,3,4,5,6,8,9,10 (9/12).
    expect(d.metrics.accuracy).toMatchObject({ a: 7 / 12, b: 9 / 12, better: 'higher' });
    expect(d.metrics.accuracy!.delta).toBeCloseTo(2 / 12, 15);
    expect(d.metrics.loss).toMatchObject({ a: 0.9, b: 0.7, better: 'lower' });
    expect(d.metrics.top_k_accuracy!.label).toBe('Top-2 accuracy');
    expect(d.flips).toEqual({
      right_to_wrong: { count: 1, indices: [2] },
      wrong_to_right: { count: 3, indices: [3, 6, 10] },
      both_wrong_differently: { count: 1, indices: [11] },
      both_right: 6,
      both_wrong_same: 1,
      by_pair: [
        { true: 0, a: 0, b: 1, count: 1, indices: [2] },
        { true: 0, a: 1, b: 0, count: 1, indices: [3] },
        { true: 1, a: 0, b: 1, count: 1, indices: [6] },
        { true: 2, a: 0, b: 1, count: 1, indices: [11] },
        { true: 2, a: 1, b: 2, count: 1, indices: [10] },
      ],
    });
    // b = 1, c = 3: (|1 − 3| − 1)²/4 = 0.25; scipy chi2.sf(0.25, 1) = 0.6170750774519739.
    expect(d.mcnemar).toMatchObject({ b: 1, c: 3, statistic: 0.25, discordant: true });
    expect(d.mcnemar!.p_value).toBeCloseTo(0.6170750774519739, 15);
    expect(d.mcnemar!.sentence).toBe(
      "B gets 3 images right that A got wrong and 1 the other way; McNemar's χ² = 0.25, p = 0.62: a difference this large could well be chance (not significant at the 5% level).",
    );
    // cat: A predicts cat on 0,1,2,6,11 → precision 3/5, recall 3/4; B on 0,1,3 → 3/3, 3/4.
    expect(d.per_class[0]).toMatchObject({ index: 0, class: 'cat', a: { precision: 3 / 5, recall: 3 / 4, support: 4 }, b: { precision: 1, recall: 3 / 4, support: 4 } });
    expect(d.per_class[0]!.delta.precision).toBeCloseTo(2 / 5, 15);
    expect(d.notes).toEqual([]);
    expect(d.repeats).toBeNull();
  });

  it('the intervals are pairedBootstrap\'s with the published seed and size', () => {
    const dir = writeReport(join(work, 'r'), small());
    const d = one(dir, 'pets-small', 'pets-wide');
    const boot = pairedBootstrap(LABELS, PRED_A, PRED_B, 3, { seed: DIFF_BOOTSTRAP.seed, resamples: DIFF_BOOTSTRAP.resamples });
    expect(d.bootstrap).toEqual({ method: 'paired percentile bootstrap over test images', resamples: 2000, seed: 0, confidence: 0.95, percentiles: [2.5, 97.5] });
    expect(d.metrics.accuracy!.ci95).toEqual([boot.accuracy.low, boot.accuracy.high]);
    expect(d.metrics.macro_f1!.ci95).toEqual([boot.macro.f1.low, boot.macro.f1.high]);
    expect(d.per_class[2]!.ci95!.recall).toEqual([boot.perClass[2]!.recall.low, boot.perClass[2]!.recall.high]);
    // Only the paired metrics have intervals.
    expect(d.metrics.loss!.ci95).toBeUndefined();
    expect(d.metrics.weighted_f1!.ci95).toBeUndefined();
  });

  it('different test sets: only the metrics, and a sentence saying why', () => {
    const [a, b] = small();
    const shifted = [...LABELS.slice(1), LABELS[0]!];
    const dir = writeReport(join(work, 'r'), [a, { ...b, labels: shifted }, { ...b, id: 'other-source', source: 'pets-v2' }, { ...b, id: 'shorter', labels: LABELS.slice(0, 10), predicted: PRED_B.slice(0, 10) }]);
    const d = one(dir, 'pets-small', 'pets-wide');
    expect(d.same_test_set).toBe(false);
    expect(d.test_set).toBe(
      "The test sets differ (the true classes differ at 3 of 12 images, the first at index 3), so flips, McNemar's test and the confidence intervals, which pair the two models image by image, are left out; only the published metrics are compared.",
    );
    expect([d.flips, d.mcnemar, d.bootstrap]).toEqual([null, null, null]);
    expect(d.metrics.accuracy!.ci95).toBeUndefined();
    expect(d.metrics.accuracy!.delta).not.toBeNull();
    // Same classes by name: per-class differences stay, without intervals.
    expect(d.per_class).toHaveLength(3);
    expect(d.per_class[0]!.ci95).toBeUndefined();
    expect(one(dir, 'pets-small', 'other-source').test_set).toContain('(A was tested on pets and B on pets-v2)');
    expect(one(dir, 'pets-small', 'shorter').test_set).toContain('(A has 12 test images and B 10)');
  });

  it('a missing predictions.csv: same_test_set null and the file named', () => {
    const [a, b] = small();
    const dir = writeReport(join(work, 'r'), [a, { ...b, noPredictions: true }]);
    const d = one(dir, 'pets-small', 'pets-wide');
    expect(d.same_test_set).toBeNull();
    expect(d.test_set).toBe(
      `Whether the test sets are the same cannot be checked (B's predictions file ${join(dir, 'experiments', 'pets-wide', 'data', 'predictions.csv')} is missing), so flips, McNemar's test and the confidence intervals, which pair the two models image by image, are left out; only the published metrics are compared.`,
    );
    expect(d.flips).toBeNull();
  });

  it('renamed classes on the same test set are matched by position and noted; other classes are not compared', () => {
    const [a, b] = small();
    const dir = writeReport(join(work, 'r'), [a, { ...b, classes: ['cat', 'dog', 'vixen'] }, { ...b, id: 'digits', source: 'digits', classes: ['0', '1', '2'] }]);
    const d = one(dir, 'pets-small', 'pets-wide');
    expect(d.same_test_set).toBe(true);
    expect(d.notes).toEqual(['The class names differ (A\'s "fox" is B\'s "vixen"); classes are matched by position and shown with A\'s names.']);
    expect(d.per_class[2]!.class).toBe('fox');
    const other = one(dir, 'pets-small', 'digits');
    expect(other.per_class).toEqual([]);
    expect(other.notes).toEqual(['A and B do not have the same classes, so their per-class scores are not compared.']);
  });

  it('a predictions.csv that disagrees with report.json is used, and said so; different top-k is not differenced', () => {
    const [a, b] = small();
    const dir = writeReport(join(work, 'r'), [a, { ...b, given: { ...b.given, topK: { k: 3, accuracy: 1 } } }]);
    const d0 = one(dir, 'pets-small', 'pets-wide');
    expect(d0.metrics.top_k_accuracy).toMatchObject({ label: 'Top-k accuracy', delta: null });
    expect(d0.notes).toContain('A reports top-2 accuracy and B top-3, so their difference is not computed.');
    // Overwrite A's predictions with B's: report.json still says 7/12.
    writeReport(join(work, 's'), [{ ...a, predicted: PRED_B }, b]);
    const report = join(work, 's', 'report.json');
    const json = JSON.parse(readFileSync(report, 'utf8'));
    json.experiments[0].metrics.accuracy = 7 / 12;
    writeFileSync(report, JSON.stringify(json));
    const d1 = one(join(work, 's'), 'pets-small', 'pets-wide');
    expect(d1.notes).toContain(`A's predictions.csv gives an accuracy of 0.75 but report.json says ${7 / 12}; the paired statistics use predictions.csv.`);
    expect(d1.mcnemar).toMatchObject({ b: 0, c: 0, discordant: false });
  });

  it('repeats: mean ± sd per metric (metrics.json paths) and the difference of the means; the paired statistics stay on the first run', () => {
    const [a, b] = small({
      a: { repeats: { seeds: [1, 2, 3], histories: [[], [], []], metrics: { accuracy: { mean: 0.6, std: 0.02, values: [0.58, 0.6, 0.62] }, loss: { mean: 0.9, std: 0.1, values: [0.8, 0.9, 1] }, 'macro_avg.f1': { mean: 0.55, std: 0.03, values: [0.52, 0.55, 0.58] } } } },
      b: { repeats: { seeds: [1, 2], histories: [[], []], metrics: { accuracy: { mean: 0.74, std: 0.01, values: [0.73, 0.75] }, 'macro_avg.f1': { mean: 0.7, std: 0.01, values: [0.69, 0.71] }, 'per_class.cat.recall': { mean: 0.75, std: 0, values: [0.75, 0.75] } } } },
    });
    const d = one(writeReport(join(work, 'r'), [a, b]), 'pets-small', 'pets-wide');
    expect([d.a.runs, d.b.runs]).toEqual([3, 2]);
    expect(d.repeats!.a).toEqual({ seeds: [1, 2, 3] });
    expect(d.repeats!.metrics).toEqual([
      { key: 'accuracy', metric: 'accuracy', a: { mean: 0.6, std: 0.02, n: 3 }, b: { mean: 0.74, std: 0.01, n: 2 }, delta_mean: 0.74 - 0.6 },
      { key: 'macro_avg.f1', metric: 'macro_f1', a: { mean: 0.55, std: 0.03, n: 3 }, b: { mean: 0.7, std: 0.01, n: 2 }, delta_mean: 0.7 - 0.55 },
      { key: 'loss', metric: 'loss', a: { mean: 0.9, std: 0.1, n: 3 }, b: null, delta_mean: null },
      { key: 'per_class.cat.recall', metric: null, a: null, b: { mean: 0.75, std: 0, n: 2 }, delta_mean: null },
    ]);
    expect(d.notes).toContain("Flips, McNemar's test and the bootstrap use each experiment's first run (the one predictions.csv holds); the repeated runs give the means and standard deviations.");
    expect(d.mcnemar).toMatchObject({ b: 1, c: 3 });
  });

  it('the JSON shape: exactly the documented keys, in order', () => {
    const d = one(writeReport(join(work, 'r'), small()), 'pets-small', 'pets-wide');
    const json = JSON.parse(JSON.stringify(d));
    expect(Object.keys(json)).toEqual(['version', 'a', 'b', 'classes', 'same_test_set', 'test_set', 'metrics', 'per_class', 'flips', 'mcnemar', 'bootstrap', 'repeats', 'notes']);
    expect(Object.keys(json.a)).toEqual(['id', 'title', 'source', 'dataset', 'test_count', 'runs']);
    expect(Object.keys(json.metrics)).toEqual(['accuracy', 'macro_f1', 'macro_precision', 'macro_recall', 'weighted_f1', 'top_k_accuracy', 'loss', 'roc_auc_macro', 'average_precision_macro', 'ece']);
    expect(Object.keys(json.metrics.accuracy)).toEqual(['label', 'unit', 'better', 'a', 'b', 'delta', 'ci95']);
    expect(Object.keys(json.per_class[0])).toEqual(['index', 'class', 'a', 'b', 'delta', 'ci95']);
    expect(Object.keys(json.per_class[0].ci95)).toEqual(['precision', 'recall', 'f1']);
    expect(Object.keys(json.flips)).toEqual(['right_to_wrong', 'wrong_to_right', 'both_wrong_differently', 'both_right', 'both_wrong_same', 'by_pair']);
    expect(Object.keys(json.flips.right_to_wrong)).toEqual(['count', 'indices']);
    expect(Object.keys(json.flips.by_pair[0])).toEqual(['true', 'a', 'b', 'count', 'indices']);
    expect(Object.keys(json.mcnemar)).toEqual(['b', 'c', 'statistic', 'p_value', 'discordant', 'sentence']);
    expect(Object.keys(json.bootstrap)).toEqual(['method', 'resamples', 'seed', 'confidence', 'percentiles']);
  });
});

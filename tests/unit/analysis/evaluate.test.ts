import { describe, expect, it } from 'vitest';
import { evaluate, predictionRows, type Evaluation } from '../../../src/analysis/evaluate.ts';
import { randomCase } from '../../fixtures/analysis/random-case.ts';

// The hand-worked case of report.test.ts with probabilities. Classes cat, dog, fox; fox is never a
// label, dog is never predicted.
//   row  probs               true  predicted (argmax, first on ties)  confidence
//   0    [0.8  0.1  0.1 ]   cat   cat                                 .8
//   1    [0.6  0.3  0.1 ]   cat   cat                                 .6
//   2    [0.3  0.2  0.5 ]   cat   fox                                 .5
//   3    [0.5  0.25 0.25]   dog   cat                                 .5
//   4    [0.2  0.3  0.5 ]   dog   fox                                 .5
const classes = ['cat', 'dog', 'fox'];
const probs = [0.8, 0.1, 0.1, 0.6, 0.3, 0.1, 0.3, 0.2, 0.5, 0.5, 0.25, 0.25, 0.2, 0.3, 0.5];
const labels = [0, 0, 0, 1, 1];
const options = { topK: 2, calibrationBins: 5 };

describe('evaluate → metrics.json', () => {
  const e = evaluate(probs, labels, classes, options);
  const m = e.metrics;

  it('has exactly the keys of the EXPERIMENT.md contract, in its order', () => {
    expect(Object.keys(m)).toEqual(['accuracy', 'loss', 'top_k_accuracy', 'classes', 'per_class', 'macro_avg', 'weighted_avg', 'roc_auc', 'confusion_matrix', 'ece']);
    expect(Object.keys(m.per_class)).toEqual(classes);
    for (const c of classes) expect(Object.keys(m.per_class[c]!)).toEqual(['precision', 'recall', 'f1', 'support', 'auc', 'average_precision']);
    expect(Object.keys(m.macro_avg)).toEqual(['precision', 'recall', 'f1']);
    expect(Object.keys(m.weighted_avg)).toEqual(['precision', 'recall', 'f1']);
    expect(Object.keys(m.roc_auc)).toEqual(['macro', 'micro']);
  });

  it('values worked by hand', () => {
    expect(m.accuracy).toBeCloseTo(2 / 5, 15);
    expect(m.loss).toBeCloseTo(-(Math.log(0.8) + Math.log(0.6) + Math.log(0.3) + Math.log(0.25) + Math.log(0.3)) / 5, 12);
    // Top-2: row 3 (dog, 0.25) ties fox at 0.25; sklearn ranks the higher index (fox) first, so the
    // top two are cat, fox → a miss. Every other row has its label in the top two → 4/5.
    expect(m.top_k_accuracy).toEqual({ '2': 4 / 5 });
    expect(m.confusion_matrix).toEqual([[2, 0, 1], [1, 0, 1], [0, 0, 0]]);
    expect(m.per_class.cat!.precision).toBeCloseTo(2 / 3, 15);
    expect(m.per_class.dog).toMatchObject({ precision: 0, recall: 0, f1: 0, support: 2 });
    expect(m.per_class.fox).toMatchObject({ precision: 0, recall: 0, f1: 0, support: 0 });
    expect(m.macro_avg.f1).toBeCloseTo(2 / 9, 15);
    expect(m.weighted_avg.f1).toBeCloseTo(2 / 5, 15);
    // AUC cat: positives .8 .6 .3 vs negatives .5 .2 → 2 + 2 + 1 = 5 of 6 pairs.
    expect(m.per_class.cat!.auc).toBeCloseTo(5 / 6, 15);
    // AUC dog: positives .25 .3 vs negatives .1 .3 .2 → (.25: 2) + (.3: 2 + ½ for the tie) = 4.5/6.
    expect(m.per_class.dog!.auc).toBeCloseTo(3 / 4, 15);
    // Micro: 5 positive cells {.8 .6 .3 .3 .25} vs 10 negative {.5 .5 .5 .3 .25 .2 .2 .1 .1 .1}
    // → 10 + 10 + 6.5 + 6.5 + 5.5 = 38.5 of 50.
    expect(m.roc_auc.micro).toBeCloseTo(0.77, 15);
    // AP cat: .8 P, .6 P, .5 N, .3 P → 1/3·1 + 1/3·1 + 1/3·3/4 = 11/12.
    expect(m.per_class.cat!.average_precision).toBeCloseTo(11 / 12, 15);
    // AP dog: .3 {N, P} → R 1/2 at P 1/2; .25 P → R 1 at P 2/3 → 1/4 + 1/3 = 7/12.
    expect(m.per_class.dog!.average_precision).toBeCloseTo(7 / 12, 15);
    // 5 bins, edges 0 .2 .4 .6 .8 1: .6 .5 .5 .5 share (.4, .6] (1 right of 4), .8 is alone in (.6, .8].
    // ECE = |1/4 − .525|·4/5 + |1 − .8|·1/5 = .22 + .04 = .26.
    expect(m.ece).toBeCloseTo(0.26, 15);
  });

  it('an absent class has an undefined AUC and makes the macro AUC undefined: both null in JSON', () => {
    expect(m.per_class.fox!.auc).toBeNull();
    expect(m.roc_auc.macro).toBeNull();
    expect(m.per_class.fox!.average_precision).toBe(0);
    const json = JSON.stringify(m);
    expect(JSON.parse(json)).toEqual(m); // nothing lost: no NaN or Infinity in metrics.json
    expect(json).toContain('"auc":null');
  });

  it('everything else the report needs', () => {
    expect(e.count).toBe(5);
    expect(e.predicted).toEqual([0, 0, 2, 0, 2]);
    expect(e.confusion.normalized).toEqual([[2 / 3, 0, 1 / 3], [1 / 2, 0, 1 / 2], [0, 0, 0]]);
    expect(e.perClassAccuracy).toEqual([2 / 3, 0, 0]);
    expect(e.mistakes.map((x) => x.index)).toEqual([2, 3, 4]); // all at .5: by index
    expect(e.confusedPairs).toEqual([
      { true: 0, predicted: 2, count: 1 },
      { true: 1, predicted: 0, count: 1 },
      { true: 1, predicted: 2, count: 1 },
    ]);
    expect(e.roc.perClass[2]).toBeNull();
    expect(e.roc.perClass[0]!.thresholds[0]).toBe(Infinity);
    expect(e.pr.perClass[2]!.recall.slice(0, -1).every((r) => r === 1)).toBe(true);
    expect(e.pr.averagePrecision.macro).toBeCloseTo((11 / 12 + 7 / 12 + 0) / 3, 15);
    expect(e.calibration.bins.map((b) => b.count)).toEqual([0, 0, 4, 1, 0]);
    expect(e.notes).toHaveLength(2);
    expect(e.notes[0]).toMatch(/"dog" is never predicted/);
    expect(e.notes[1]).toMatch(/"fox" has no test images.*null in metrics\.json/);
  });

  it('the only value JSON cannot carry is each ROC curve’s first threshold, +Infinity', () => {
    const c = randomCase({ seed: 71, n: 200, k: 4, grid: 10, absent: 2 });
    const found: string[] = [];
    const walk = (v: unknown, path: string): void => {
      if (typeof v === 'number' && !Number.isFinite(v)) found.push(path);
      else if (v && typeof v === 'object') for (const [key, x] of Object.entries(v)) walk(x, path ? `${path}.${key}` : key);
    };
    walk(evaluate(c.probs, c.labels, ['a', 'b', 'c', 'd'], { topK: 3, calibrationBins: 10 }) satisfies Evaluation, '');
    expect(found).toEqual(['roc.perClass.0.thresholds.0', 'roc.perClass.1.thresholds.0', 'roc.perClass.3.thresholds.0', 'roc.micro.thresholds.0']);
  });

  it('top-k is keyed by the requested k; k ≥ classes scores 1 and says why', () => {
    const wide = evaluate(probs, labels, classes, { topK: 3, calibrationBins: 10 });
    expect(wide.metrics.top_k_accuracy).toEqual({ '3': 1 });
    expect(wide.notes[0]).toMatch(/Top-3 accuracy is 1 by definition with 3 classes/);
  });

  it('limits mistakes and confused pairs when asked', () => {
    const limited = evaluate(probs, labels, classes, { ...options, mistakes: 1 });
    expect(limited.mistakes).toHaveLength(1);
    expect(limited.confusedPairs).toHaveLength(1);
  });

  it('rejects inputs of the wrong shape with a sentence that says what to fix', () => {
    expect(() => evaluate([], [], classes, options)).toThrow(/test set is empty/);
    expect(() => evaluate(probs.slice(1), labels, classes, options)).toThrow(/14 probabilities for 5 test labels and 3 classes/);
    expect(() => evaluate(probs, [0, 0, 0, 1, 3], classes, options)).toThrow(/Test label 4 is 3, but labels must be class indices 0–2/);
    expect(() => evaluate(probs.map((p, i) => (i === 4 ? Number.NaN : p)), labels, classes, options)).toThrow(/Probability 4 .* is NaN/);
    expect(() => evaluate(probs, labels, ['cat', 'dog', 'cat'], options)).toThrow(/"cat" appears twice/);
    expect(() => evaluate(probs, labels, classes, { topK: 0, calibrationBins: 10 })).toThrow(/topK must be a positive integer/);
  });
});

describe('predictions.csv rows (contract: index,true,predicted,p_<class>…)', () => {
  it('one row per test image, class names, probabilities to 6 significant digits', () => {
    const { header, rows } = predictionRows(new Float32Array(probs), labels, classes);
    expect(header).toEqual(['index', 'true', 'predicted', 'p_cat', 'p_dog', 'p_fox']);
    expect(rows).toHaveLength(5);
    expect(rows[2]).toEqual([2, 'cat', 'fox', 0.3, 0.2, 0.5]); // float32 0.3 = 0.30000001… → 0.3
    expect(rows[3]).toEqual([3, 'dog', 'cat', 0.5, 0.25, 0.25]);
  });
});

import { describe, expect, it } from 'vitest';
import { accuracy, argmaxRows, confusionMatrix, crossEntropy, normalizeRows, topKAccuracy, EPSILON } from '../../../../src/analysis/metrics/classification.ts';
import { randomCase } from '../../../fixtures/analysis/random-case.ts';
import { referenceArgmax, referenceTopK } from './reference.ts';

// Three images, three classes; worked by hand.
const probs = new Float32Array([
  0.7, 0.2, 0.1, // true 0, predicted 0
  0.1, 0.3, 0.6, // true 1, predicted 2
  0.25, 0.25, 0.5, // true 2, predicted 2
]);
const labels = [0, 1, 2];

describe('classification metrics', () => {
  it('argmax picks the first index on ties', () => {
    expect([...argmaxRows([0.5, 0.5, 0, 0.2, 0.3, 0.5], 3)]).toEqual([0, 2]);
  });

  it('accuracy counts matching rows; NaN for no rows', () => {
    expect(accuracy(argmaxRows(probs, 3), labels)).toBeCloseTo(2 / 3, 12);
    expect(accuracy([], [])).toBeNaN();
  });

  it('cross-entropy is the mean of -log p(true)', () => {
    const expected = -(Math.log(0.7) + Math.log(0.3) + Math.log(0.5)) / 3;
    expect(crossEntropy(probs, labels, 3)).toBeCloseTo(expected, 6);
  });

  it('cross-entropy clips zero probabilities to epsilon instead of returning Infinity', () => {
    expect(crossEntropy([1, 0], [1], 2)).toBeCloseTo(-Math.log(EPSILON), 6);
  });

  it('confusion matrix has true classes as rows, predictions as columns', () => {
    expect(confusionMatrix([0, 1, 2, 1], [0, 2, 2, 1], 3)).toEqual([
      [1, 0, 0],
      [0, 1, 1],
      [0, 0, 1],
    ]);
  });

  it('row-normalized confusion: each row sums to 1, a class without true samples is a row of zeros', () => {
    // Row 0: 1 of 4 → 0.25, 3 of 4 → 0.75. Row 1 has no samples: zeros, not 0/0 = NaN.
    expect(normalizeRows([[1, 3], [0, 0]])).toEqual([[0.25, 0.75], [0, 0]]);
  });
});

describe('top-k accuracy (sklearn top_k_accuracy_score)', () => {
  it('true class among the k highest', () => {
    // row 2 (true 1): 0.3 is second highest → hit at k=2, miss at k=1.
    expect(topKAccuracy(probs, labels, 3, 1)).toBeCloseTo(2 / 3, 12);
    expect(topKAccuracy(probs, labels, 3, 2)).toBe(1);
  });

  it('among equal scores the higher class index ranks first', () => {
    // Row [0.2, 0.4, 0.4, 0.0]. sklearn's order: stable argsort ascending = [3, 0, 1, 2],
    // reversed = [2, 1, 0, 3]: class 2 before class 1 although they tie at 0.4.
    const row = [0.2, 0.4, 0.4, 0.0];
    expect(topKAccuracy(row, [1], 4, 1)).toBe(0); // top-1 is class 2, not 1
    expect(topKAccuracy(row, [2], 4, 1)).toBe(1);
    expect(topKAccuracy(row, [1], 4, 2)).toBe(1); // {2, 1}
    expect(topKAccuracy(row, [0], 4, 2)).toBe(0);
    expect(topKAccuracy(row, [0], 4, 3)).toBe(1); // {2, 1, 0}
    // A tie straddling the cut: [0.5, 0.25, 0.25], k=2 → order [0, 2, 1]; class 2 is in, class 1 is out.
    expect(topKAccuracy([0.5, 0.25, 0.25], [2], 3, 2)).toBe(1);
    expect(topKAccuracy([0.5, 0.25, 0.25], [1], 3, 2)).toBe(0);
  });

  it('k at least the number of classes is a hit for every row (sklearn: perfect, "meaningless")', () => {
    expect(topKAccuracy([0.9, 0.1, 0.8, 0.2], [1, 1], 2, 2)).toBe(1);
    expect(topKAccuracy([0.9, 0.1], [1], 2, 5)).toBe(1);
  });

  it('matches a literal port of sklearn (stable argsort, reversed) on seeded rows full of ties', () => {
    for (const [seed, grid] of [[1, 4], [2, 10], [3, 0]] as const) {
      const c = randomCase({ seed, n: 300, k: 6, grid });
      for (const topK of [1, 2, 3, 5, 6]) expect(topKAccuracy(c.probs, c.labels, 6, topK)).toBe(referenceTopK(c.probs, c.labels, 6, topK));
    }
  });

  it('argmax agrees with a sort-based argmax on the same rows', () => {
    const c = randomCase({ seed: 4, n: 200, k: 5, grid: 4 });
    const predicted = argmaxRows(c.probs, 5);
    for (let i = 0; i < 200; i++) expect(predicted[i]).toBe(referenceArgmax(Array.from(c.probs.subarray(i * 5, i * 5 + 5))));
  });
});

import { describe, expect, it } from 'vitest';
import { accuracy, argmaxRows, confusionMatrix, crossEntropy, topKAccuracy, EPSILON } from '../../../src/analysis/metrics/classification.ts';

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

  it('top-k accuracy: true class among the k highest', () => {
    // row 2 (true 1): 0.3 is second highest → hit at k=2, miss at k=1.
    expect(topKAccuracy(probs, labels, 3, 1)).toBeCloseTo(2 / 3, 12);
    expect(topKAccuracy(probs, labels, 3, 2)).toBe(1);
    // A tie at the boundary counts as a hit: only 0 classes score strictly higher than 0.5.
    expect(topKAccuracy([0.5, 0.5], [1], 2, 1)).toBe(1);
  });
});

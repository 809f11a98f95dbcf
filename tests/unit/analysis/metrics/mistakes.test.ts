import { describe, expect, it } from 'vitest';
import { mostConfidentMistakes, mostConfusedPairs } from '../../../../src/analysis/metrics/mistakes.ts';

describe('most confident mistakes and most confused pairs', () => {
  it('wrong predictions by confidence descending, then test index', () => {
    const probs = [
      0.9, 0.1, 0.0, // 0: true 0, right
      0.1, 0.7, 0.2, // 1: true 2, predicted 1 at .7
      0.2, 0.0, 0.8, // 2: true 0, predicted 2 at .8
      0.1, 0.7, 0.2, // 3: true 0, predicted 1 at .7 (ties row 1: lower index first)
      0.4, 0.4, 0.2, // 4: true 1, predicted 0 (first on ties) at .4
    ];
    expect(mostConfidentMistakes(probs, [0, 2, 0, 0, 1], 3)).toEqual([
      { index: 2, true: 0, predicted: 2, confidence: 0.8 },
      { index: 1, true: 2, predicted: 1, confidence: 0.7 },
      { index: 3, true: 0, predicted: 1, confidence: 0.7 },
      { index: 4, true: 1, predicted: 0, confidence: 0.4 },
    ]);
    expect(mostConfidentMistakes(probs, [0, 2, 0, 0, 1], 3, 2).map((m) => m.index)).toEqual([2, 1]);
  });

  it('off-diagonal cells by count descending, then true class, then predicted; zero cells left out', () => {
    const confusion = [
      [5, 2, 0],
      [3, 4, 2],
      [2, 0, 9],
    ];
    expect(mostConfusedPairs(confusion)).toEqual([
      { true: 1, predicted: 0, count: 3 },
      { true: 0, predicted: 1, count: 2 },
      { true: 1, predicted: 2, count: 2 },
      { true: 2, predicted: 0, count: 2 },
    ]);
    expect(mostConfusedPairs(confusion, 1)).toEqual([{ true: 1, predicted: 0, count: 3 }]);
    expect(mostConfusedPairs([[3, 0], [0, 2]])).toEqual([]);
  });
});

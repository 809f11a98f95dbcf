import { describe, expect, it } from 'vitest';
import { pageIndices, selectCells, testEntry, testImagePath, topClasses, type TestSelectionInput } from '../../../src/pipeline/publish-tests.ts';

// Six test images, three classes. Row-major probabilities; predicted = argmax.
//   i  true  predicted  p(predicted)
//   0   0      0          0.9
//   1   0      0          0.6
//   2   0      1          0.7
//   3   1      1          0.8
//   4   2      1          0.5   (ties with 5 on confidence; lower index first)
//   5   2      1          0.5
const input: TestSelectionInput = {
  labels: [0, 0, 0, 1, 2, 2],
  predicted: [0, 0, 1, 1, 1, 1],
  probs: [0.9, 0.05, 0.05, 0.6, 0.3, 0.1, 0.2, 0.7, 0.1, 0.1, 0.8, 0.1, 0.25, 0.5, 0.25, 0.3, 0.5, 0.2],
  classes: 3,
};

describe('selectCells', () => {
  it('lists every non-empty cell in row-major order with its count, most confident first', () => {
    expect(selectCells(input)).toEqual([
      { true: 0, predicted: 0, count: 2, shown: [0, 1] },
      { true: 0, predicted: 1, count: 1, shown: [2] },
      { true: 1, predicted: 1, count: 1, shown: [3] },
      { true: 2, predicted: 1, count: 2, shown: [4, 5] },
    ]);
  });

  it('caps the images of a cell but keeps its full count', () => {
    const cells = selectCells(input, 1);
    expect(cells.map((c) => [c.count, c.shown])).toEqual([[2, [0]], [1, [2]], [1, [3]], [2, [4]]]);
    // The counts still add up to the test set, as the confusion matrix does.
    expect(cells.reduce((s, c) => s + c.count, 0)).toBe(6);
  });
});

describe('pageIndices', () => {
  it('is the union of the cells and every group, ascending and without repeats', () => {
    expect(pageIndices(selectCells(input, 1), [5, 3], [2, 1])).toEqual([0, 1, 2, 3, 4, 5]);
    expect(pageIndices([], [])).toEqual([]);
  });
});

describe('topClasses and testEntry', () => {
  it('orders classes by probability, ties by class index, at most the limit', () => {
    expect(topClasses(input, 4)).toEqual([{ class: 1, p: 0.5 }, { class: 0, p: 0.25 }, { class: 2, p: 0.25 }]);
    expect(topClasses(input, 4, 2)).toEqual([{ class: 1, p: 0.5 }, { class: 0, p: 0.25 }]);
  });

  it('describes a test image with its page, its image path and size', () => {
    expect(testEntry(input, 2, { width: 112, height: 112 })).toEqual({
      index: 2,
      true: 0,
      predicted: 1,
      top: [{ class: 1, p: 0.7 }, { class: 0, p: 0.2 }, { class: 2, p: 0.1 }],
      image: 'images/test/2.png',
      width: 112,
      height: 112,
      featureMaps: [],
    });
    expect(testImagePath(1234)).toBe('images/test/1234.png');
  });
});

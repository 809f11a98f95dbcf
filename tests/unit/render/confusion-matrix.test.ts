import { describe, expect, it } from 'vitest';
import {
  confusionCells,
  confusionMatrixAlt,
  confusionMatrixSpec,
  normalizeRows,
} from '../../../src/render/specs/confusion-matrix.ts';

// Hand-worked: rows = true class, columns = predicted; "dog" has no test images.
const classes = ['cat', 'dog', 'bird'];
const matrix = [
  [3, 1, 0],
  [0, 0, 0],
  [2, 2, 4],
];

describe('normalizeRows', () => {
  it('divides each row by its total; an empty row stays zeros, never NaN', () => {
    expect(normalizeRows(matrix)).toEqual([
      [0.75, 0.25, 0],
      [0, 0, 0],
      [0.25, 0.25, 0.5],
    ]);
  });
});

describe('confusionMatrixSpec', () => {
  it('embeds one cell per (true, predicted) pair in row-major order with counts and row shares', () => {
    const spec = confusionMatrixSpec(classes, matrix, 'normalized') as { data: { values: unknown } };
    expect(spec.data.values).toEqual(confusionCells(classes, matrix));
    expect(confusionCells(classes, matrix)[7]).toEqual({ true: 'bird', predicted: 'dog', count: 2, fraction: 0.25 });
  });

  it('states the colour domain: 0..max count, or 0..1 for shares', () => {
    const colorDomain = (s: unknown) =>
      (s as { layer: { encoding: { color: { scale: { domain: number[] } } } }[] }).layer[0]!.encoding.color.scale.domain;
    expect(colorDomain(confusionMatrixSpec(classes, matrix, 'counts'))).toEqual([0, 4]);
    expect(colorDomain(confusionMatrixSpec(classes, matrix, 'normalized'))).toEqual([0, 1]);
  });

  it('orders both axes by the given class order and titles them Predicted / True', () => {
    const enc = (confusionMatrixSpec(classes, matrix) as unknown as { encoding: Record<string, { sort: string[]; title: string }> }).encoding;
    expect(enc.x).toMatchObject({ sort: classes, title: 'Predicted' });
    expect(enc.y).toMatchObject({ sort: classes, title: 'True' });
  });

  it('rejects a matrix that is not classes × classes', () => {
    expect(() => confusionMatrixSpec(classes, [[1, 2, 3]])).toThrow(/has 1 rows but there are 3 classes/);
    expect(() => confusionMatrixSpec(['a', 'b'], [[1, 2], [3]])).toThrow(/row 1 \(b\) has 1 columns/);
    expect(() => confusionMatrixSpec(['a'], [[-1]])).toThrow(/\[0\]\[0\] is -1/);
  });
});

describe('confusionMatrixAlt', () => {
  it('counts: total, diagonal share, first largest off-diagonal cell', () => {
    expect(confusionMatrixAlt(classes, matrix)).toBe(
      'Confusion matrix over 12 test images; 58.3% on the diagonal. Most confused: bird predicted as cat (2 images).',
    );
  });

  it('normalized: recall range over non-empty rows and the largest share of a row', () => {
    expect(confusionMatrixAlt(classes, matrix, 'normalized')).toBe(
      'Row-normalized confusion matrix over 3 classes; per-class recall ranges from 50.0% (bird) to 75.0% (cat). Most confused: cat predicted as dog (25.0% of cat images).',
    );
  });

  it('thousands separators and Fashion-MNIST names', () => {
    const names = ['T-shirt/top', 'Shirt'];
    expect(confusionMatrixAlt(names, [[4888, 112], [1000, 4000]])).toBe(
      'Confusion matrix over 10,000 test images; 88.9% on the diagonal. Most confused: Shirt predicted as T-shirt/top (1,000 images).',
    );
  });

  it('a perfect classifier, a single image, and an empty matrix', () => {
    expect(confusionMatrixAlt(['a', 'b'], [[5, 0], [0, 5]])).toBe(
      'Confusion matrix over 10 test images; 100.0% on the diagonal. No test image was misclassified.',
    );
    expect(confusionMatrixAlt(['a', 'b'], [[0, 1], [0, 0]])).toBe(
      'Confusion matrix over 1 test image; 0.0% on the diagonal. Most confused: a predicted as b (1 image).',
    );
    expect(confusionMatrixAlt(['a', 'b'], [[0, 0], [0, 0]])).toBe('Confusion matrix over 2 classes with no test images.');
  });
});

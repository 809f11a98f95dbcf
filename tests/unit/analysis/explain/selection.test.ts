/** Seeded choice of explained images (mistakes and correct predictions mixed) and of the background. */
import { describe, expect, it } from 'vitest';
import { backgroundImages, explainedImages } from '../../../../src/analysis/explain/selection.ts';

const labels = [0, 1, 2, 0, 1, 2, 0, 1, 2, 0];
const predicted = [0, 1, 2, 0, 1, 2, 1, 2, 0, 0]; // mistakes at 6, 7, 8

describe('explained images', () => {
  it('takes up to half mistakes (rounded up), the rest correct, in test-set order, reproducibly', () => {
    const chosen = explainedImages(predicted, labels, 4, 7);
    expect(chosen).toHaveLength(4);
    expect(Array.from(chosen)).toEqual([...chosen].sort((a, b) => a - b));
    expect(Array.from(chosen).filter((i) => predicted[i] !== labels[i])).toHaveLength(2);
    expect(explainedImages(predicted, labels, 4, 7)).toEqual(chosen);
    expect(Array.from(explainedImages(predicted, labels, 5, 7)).filter((i) => predicted[i] !== labels[i])).toHaveLength(3);
  });

  it('tops up from the other kind when one runs short, and never takes more than there are', () => {
    const mistakes = (p: number[], chosen: Int32Array) => Array.from(chosen).filter((i) => p[i] !== labels[i]).length;
    // 3 mistakes in all: 9 images → all 3 mistakes and 6 correct.
    expect(mistakes(predicted, explainedImages(predicted, labels, 9, 1))).toBe(3);
    // A perfect model: only correct predictions to show.
    expect(explainedImages(labels, labels, 3, 1)).toHaveLength(3);
    // 8 mistakes and 2 correct: 8 images → 6 mistakes (more than half) and both correct ones.
    const mostlyWrong = [1, 2, 0, 0, 1, 0, 1, 2, 0, 1];
    const chosen = explainedImages(mostlyWrong, labels, 8, 2);
    expect([mistakes(mostlyWrong, chosen), chosen.length]).toEqual([6, 8]);
    expect(explainedImages(predicted, labels, 50, 1)).toHaveLength(10);
  });
});

describe('background images', () => {
  it('are distinct training indices, seeded', () => {
    const b = backgroundImages(100, 10, 3);
    expect(new Set(b).size).toBe(10);
    expect(Math.max(...b)).toBeLessThan(100);
    expect(backgroundImages(100, 10, 3)).toEqual(b);
    expect(backgroundImages(100, 10, 4)).not.toEqual(b);
    expect(backgroundImages(5, 10, 3)).toEqual(Int32Array.from([0, 1, 2, 3, 4]));
  });
});

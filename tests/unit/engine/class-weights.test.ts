/**
 * Class weights against scikit-learn's compute_class_weight('balanced') worked by hand, and
 * the messages for classes that do not exist or have no training images.
 */
import { describe, expect, it } from 'vitest';
import { resolveClassWeights } from '../../../src/engine/class-weights.ts';
import { UserError } from '../../../src/lib/errors.ts';

const classes = ['cat', 'dog', 'bird'];

describe('class weights', () => {
  it('none when the experiment sets none', () => {
    expect(resolveClassWeights(undefined, classes, [0, 1], 'e.yaml')).toBeUndefined();
  });

  it('balanced: n / (classes · count_c)', () => {
    // counts 3, 1, 2 of n = 6: 6/9, 6/3, 6/6
    const w = resolveClassWeights({ type: 'balanced' }, classes, [0, 0, 0, 1, 2, 2], 'e.yaml')!;
    expect(Array.from(w)).toEqual([6 / 9, 2, 1].map(Math.fround));
  });

  it('by name; unlisted classes keep 1', () => {
    expect(Array.from(resolveClassWeights({ type: 'byName', weights: { bird: 3 } }, classes, [0], 'e.yaml')!)).toEqual([1, 1, 3]);
  });

  it('a class name that does not exist, with a suggestion', () => {
    const call = () => resolveClassWeights({ type: 'byName', weights: { brid: 3 } }, classes, [0], 'experiments/e.yaml');
    expect(call).toThrow(UserError);
    expect(call).toThrow('experiments/e.yaml: train.classWeights: the dataset has no class "brid"; did you mean "bird"? Its classes are "cat", "dog", "bird".');
  });

  it('balanced with a class absent from the training split', () => {
    expect(() => resolveClassWeights({ type: 'balanced' }, classes, [0, 1], 'e.yaml')).toThrow(
      'e.yaml: train.classWeights: balanced weights divide by each class\'s number of training images, but "bird" has none. Raise data.limit.train, or give the weights by class name.',
    );
  });
});

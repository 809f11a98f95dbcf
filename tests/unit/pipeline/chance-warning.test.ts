/** The warning for an imported model that scores near chance: when it is given, and what it says. */
import { describe, expect, it } from 'vitest';
import { chanceWarning } from '../../../src/pipeline/stages/import.ts';

describe('chanceWarning', () => {
  it('is silent from 1.5 / classes up', () => {
    expect(chanceWarning(0.15, 10, 'rescale')).toBeUndefined();
    expect(chanceWarning(0.9, 10, 'none')).toBeUndefined();
  });

  it('asks whether data.normalize matches the training, naming the setting', () => {
    expect(chanceWarning(0.1, 10, { scale: 0.0078431373, offset: -1 })).toBe(
      "the imported model's test accuracy is 10.0%, near chance for 10 classes (10.0%). " +
        'Check that data.normalize ({scale: 0.0078431373, offset: -1}) is how the model\'s training scaled pixels (none: 0..255, rescale: x/255, { scale: 0.0078431, offset: -1 } for MobileNet-style −1..1), and that model.classes gives the order of its outputs.',
    );
  });
});

import { describe, expect, it } from 'vitest';
import { globToRegExp, selectLayers } from '../../../src/model/selectors.ts';
import { UserError } from '../../../src/lib/errors.ts';

const NAMES = ['conv1', 'conv1_bn', 'conv2', 'block.a', 'blockxa', 'pool', 'dense'];
const first = { countFrom: 'first' as const, key: 'model.pretrained.freeze' };
const last = { countFrom: 'last' as const, key: 'train.fineTune.unfreeze' };

describe('selectLayers', () => {
  it('all, none, and counts from either end', () => {
    expect(selectLayers(NAMES, { type: 'all' }, first)).toEqual(NAMES);
    expect(selectLayers(NAMES, { type: 'none' }, first)).toEqual([]);
    expect(selectLayers(NAMES, { type: 'count', count: 2 }, first)).toEqual(['conv1', 'conv1_bn']);
    expect(selectLayers(NAMES, { type: 'count', count: 2 }, last)).toEqual(['pool', 'dense']);
    expect(selectLayers(NAMES, { type: 'count', count: 0 }, last)).toEqual([]);
    expect(selectLayers(NAMES, { type: 'count', count: 7 }, last)).toEqual(NAMES);
  });

  it('globs match whole names; * any run, ? one character, everything else literally', () => {
    expect(selectLayers(NAMES, { type: 'patterns', patterns: ['conv?'] }, first)).toEqual(['conv1', 'conv2']);
    expect(selectLayers(NAMES, { type: 'patterns', patterns: ['conv*'] }, first)).toEqual(['conv1', 'conv1_bn', 'conv2']);
    expect(selectLayers(NAMES, { type: 'patterns', patterns: ['block.a'] }, first)).toEqual(['block.a']);
    // Several patterns: each layer once, in base order.
    expect(selectLayers(NAMES, { type: 'patterns', patterns: ['dense', 'conv1*', '*1'] }, first)).toEqual(['conv1', 'conv1_bn', 'dense']);
    expect(globToRegExp('a+(b)[c]$^').test('a+(b)[c]$^')).toBe(true);
  });

  it('a pattern matching nothing or a count past the end is a UserError saying what to write', () => {
    expect(() => selectLayers(NAMES, { type: 'patterns', patterns: ['conv1', 'pol'] }, first)).toThrow(
      'model.pretrained.freeze: the pattern "pol" matches no layer of the pretrained base; did you mean "pool"? Patterns match whole names; * stands for any run of characters, ? for one character.',
    );
    expect(() => selectLayers(NAMES, { type: 'patterns', patterns: ['x*'] }, first)).toThrow(
      'the pattern "x*" matches no layer of the pretrained base. Its layers are "conv1", "conv1_bn", "conv2", "block.a", "blockxa", "pool", "dense".',
    );
    expect(() => selectLayers(NAMES, { type: 'count', count: 8 }, last)).toThrow(UserError);
    expect(() => selectLayers(NAMES, { type: 'count', count: 8 }, last)).toThrow('train.fineTune.unfreeze: 8 layers asked for, but the pretrained base has 7');
  });
});

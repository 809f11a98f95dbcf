import { describe, expect, it } from 'vitest';
import { LayerNames } from '../../../src/model/names.ts';

describe('LayerNames', () => {
  it('counts per kind from 1, skipping reserved and used names and names whose parts are taken', () => {
    const names = new LayerNames(['conv2d_2', 'residual_1_out'], ['dense_1']);
    expect(names.generate('conv2d')).toBe('conv2d_1');
    expect(names.generate('conv2d')).toBe('conv2d_3');
    expect(names.generate('dense')).toBe('dense_2');
    expect(names.generate('residual', ['conv_a', 'out'])).toBe('residual_2');
    // The parts are claimed: a later plain layer cannot take them.
    expect(names.generate('residual_2_conv')).toBe('residual_2_conv_1');
  });

  it('claims user names with their parts; a clash is a UserError naming both', () => {
    const names = new LayerNames(['block', 'block_out'], ['base_conv']);
    expect(() => names.claim('block', ['conv_a', 'out'])).toThrow('The layer "block" names one of its parts "block_out", but another layer already has that name. Rename one of them.');
    expect(() => names.claim('base_conv')).toThrow('The layer name "base_conv" is already used by a layer of the pretrained base.');
    expect(names.claim('block_out')).toBe('block_out');
  });
});

/**
 * Channel shift, brightness and cutout against hand-computed pixels.
 */
import { describe, expect, it } from 'vitest';
import { apply, g, GRID4, image, rows } from './helpers.ts';

describe('channel shift', () => {
  // Two pixels of three channels: values span [0.25, 0.75].
  const px = Float32Array.from([0.25, 0.5, 0.75, 0.375, 0.625, 0.5]);

  it('adds one offset to every channel and clips to the image own [min, max]', () => {
    expect([...apply(px, [1, 2, 3], { channelShift: 0.125 })]).toEqual([0.375, 0.625, 0.75, 0.5, 0.75, 0.625]);
    expect([...apply(px, [1, 2, 3], { channelShift: -0.25 })]).toEqual([0.25, 0.25, 0.5, 0.25, 0.375, 0.25]);
  });

  it('a shift beyond the range flattens the image to its min or max', () => {
    expect([...apply(px, [1, 2, 3], { channelShift: 0.9 })]).toEqual(Array(6).fill(0.75));
    expect([...apply(px, [1, 2, 3], { channelShift: -0.9 })]).toEqual(Array(6).fill(0.25));
  });

  it('uses the range after the geometry (Keras shifts after resampling)', () => {
    // Shifted left by one with a constant fill of 1, the image spans [1/16, 1] (0 = g(0, 0) has
    // left, 1 has come in), so −0.5 clips at 1/16, not at the original image's minimum 0.
    const out = rows(apply(GRID4, [4, 4, 1], { tx: 1, channelShift: -0.5 }, { fill: 'constant', fillValue: 1 }), 4);
    expect(out[0]).toEqual([1 / 16, 1 / 16, 1 / 16, 0.5]);
    expect(out[3]).toEqual([5 / 16, 6 / 16, 7 / 16, 0.5]);
  });
});

describe('brightness', () => {
  it('multiplies every value and clips to [0, 1]', () => {
    const px = Float32Array.from([0, 0.25, 0.5, 0.75, 1]);
    expect([...apply(px, [1, 5, 1], { brightness: 1.5 })]).toEqual([0, 0.375, 0.75, 1, 1]);
    expect([...apply(px, [1, 5, 1], { brightness: 0.5 })]).toEqual([0, 0.125, 0.25, 0.375, 0.5]);
  });

  it('is applied after the channel shift (Keras order)', () => {
    const px = Float32Array.from([0.25, 0.5]);
    // (0.25 + 0.125) · 2 = 0.75, (0.5 + 0.125 → clipped to 0.5) · 2 = 1.
    expect([...apply(px, [1, 2, 1], { channelShift: 0.125, brightness: 2 })]).toEqual([0.75, 1]);
  });
});

describe('cutout', () => {
  const ones = image([6, 6, 2], () => 1);
  /** The set of (row, column) pixels of a 6 × 6 × 2 image that are 0 in every channel. */
  function zeroed(px: Float32Array): string[] {
    const out: string[] = [];
    for (let r = 0; r < 6; r++) for (let x = 0; x < 6; x++) if (px[(r * 6 + x) * 2] === 0 && px[(r * 6 + x) * 2 + 1] === 0) out.push(`${r},${x}`);
    return out;
  }
  const square = (top: number, left: number, size: number) => {
    const out: string[] = [];
    for (let r = Math.max(0, top); r < Math.min(6, top + size); r++) for (let x = Math.max(0, left); x < Math.min(6, left + size); x++) out.push(`${r},${x}`);
    return out;
  };

  it('sets exactly the size × size square around the centre to fillValue, in every channel', () => {
    // size 2 centred on (3, 2): rows 2..3, columns 1..2.
    expect(zeroed(apply(ones, [6, 6, 2], { cutout: Int32Array.from([3, 2]) }, { cutout: { size: 2, count: 1 } }))).toEqual(square(2, 1, 2));
    // size 3 centred on (1, 4): rows 0..2, columns 3..5.
    expect(zeroed(apply(ones, [6, 6, 2], { cutout: Int32Array.from([1, 4]) }, { cutout: { size: 3, count: 1 } }))).toEqual(square(0, 3, 3));
  });

  it('a square over the border keeps its inside part, and several squares may overlap', () => {
    expect(zeroed(apply(ones, [6, 6, 2], { cutout: Int32Array.from([0, 5]) }, { cutout: { size: 4, count: 1 } }))).toEqual(square(-2, 3, 4));
    const two = zeroed(apply(ones, [6, 6, 2], { cutout: Int32Array.from([2, 2, 3, 3]) }, { cutout: { size: 2, count: 2 } }));
    expect(two.sort()).toEqual([...new Set([...square(1, 1, 2), ...square(2, 2, 2)])].sort());
  });

  it('writes fillValue and leaves every other pixel untouched', () => {
    const out = apply(GRID4, [4, 4, 1], { cutout: Int32Array.from([1, 1]) }, { cutout: { size: 2, count: 1 }, fillValue: 0.5 });
    expect(rows(out, 4)).toEqual([
      [0.5, 0.5, g(0, 2), g(0, 3)],
      [0.5, 0.5, g(1, 2), g(1, 3)],
      [g(2, 0), g(2, 1), g(2, 2), g(2, 3)],
      [g(3, 0), g(3, 1), g(3, 2), g(3, 3)],
    ]);
  });
});

/** Per-image and per-batch seeds: pure functions of (augment seed, epoch, position or batch). */
import { describe, expect, it } from 'vitest';
import { imageSeed, imageSeeds, mixupSeed } from '../../../../src/data/augment/seeds.ts';

describe('imageSeed', () => {
  it('is a pure function of augment seed, epoch and position', () => {
    expect(imageSeed(7, 2, 100)).toBe(imageSeed(7, 2, 100));
    expect(imageSeed(7, 2, 100)).not.toBe(imageSeed(7, 2, 101));
    expect(imageSeed(7, 2, 100)).not.toBe(imageSeed(7, 3, 100));
    expect(imageSeed(7, 2, 100)).not.toBe(imageSeed(8, 2, 100));
  });

  it('gives every position of an epoch its own seed (200,000 positions, no collision)', () => {
    const seen = new Set<number>();
    for (const s of imageSeeds(1, 0, 0, 200_000)) seen.add(s);
    expect(seen.size).toBe(200_000);
  });

  it('imageSeeds is imageSeed over a range of positions, into a reused buffer', () => {
    const out = new Uint32Array(8);
    expect(imageSeeds(5, 4, 64, 8, out)).toBe(out);
    expect([...out]).toEqual(Array.from({ length: 8 }, (_, i) => imageSeed(5, 4, 64 + i)));
    expect(() => imageSeeds(5, 4, 64, 9, out)).toThrow(RangeError);
  });

  it('spreads neighbouring positions over the whole uint32 range', () => {
    const seeds = imageSeeds(3, 0, 0, 4096);
    const high = seeds.filter((s) => s >= 2 ** 31).length;
    // Half above 2^31, within 4 binomial standard errors (32).
    expect(Math.abs(high - 2048)).toBeLessThan(128);
  });
});

describe('mixupSeed', () => {
  it('is its own family: pure, keyed by epoch and batch, apart from the image seeds', () => {
    expect(mixupSeed(7, 1, 3)).toBe(mixupSeed(7, 1, 3));
    expect(mixupSeed(7, 1, 3)).not.toBe(mixupSeed(7, 1, 4));
    expect(mixupSeed(7, 1, 3)).not.toBe(mixupSeed(7, 2, 3));
    expect(mixupSeed(7, 1, 3)).not.toBe(imageSeed(7, 1, 3));
  });
});

/**
 * The batch augmenter: an image's result depends only on its pixels and its seed; settings that
 * are off change nothing, bit for bit; draws stay in their ranges and in a fixed layout.
 */
import { describe, expect, it } from 'vitest';
import type { AugmentSpec } from '../../../../src/config/spec.ts';
import { applyParams, createScratch } from '../../../../src/data/augment/apply.ts';
import { augmentActive, augmentBatch, createAugmenter } from '../../../../src/data/augment/augmenter.ts';
import { drawParams } from '../../../../src/data/augment/params.ts';
import { imageSeeds } from '../../../../src/data/augment/seeds.ts';
import { mulberry32 } from '../../../../src/lib/rng.ts';
import { noise, spec } from './helpers.ts';

const SHAPE = [8, 8, 3] as const;
const SIZE = 8 * 8 * 3;
/** Everything on: the book chapter's settings plus brightness, crop and cutout. */
const ALL: AugmentSpec = spec({
  rotation: 15,
  widthShift: 0.1,
  heightShift: 0.1,
  horizontalFlip: true,
  verticalFlip: true,
  zoom: [0.9, 1.1],
  shear: 10,
  channelShift: 0.1,
  brightness: [0.8, 1.2],
  fill: 'reflect',
  crop: { padding: 2 },
  cutout: { size: 3, count: 2 },
});

/** `count` seeded noise images, concatenated. */
function batch(count: number, seed: number): Float32Array {
  const random = mulberry32(seed);
  const out = new Float32Array(count * SIZE);
  for (let i = 0; i < count; i++) out.set(noise(SHAPE, random), i * SIZE);
  return out;
}
const imageOf = (pixels: Float32Array, i: number) => pixels.slice(i * SIZE, (i + 1) * SIZE);

describe('augmenter', () => {
  it("image i's result depends only on its pixels and seed, not on the rest of the batch", () => {
    const a = batch(5, 1);
    const seedsA = Uint32Array.from([11, 22, 33, 44, 55]);
    const outA = augmentBatch(Float32Array.from(a), SHAPE, ALL, seedsA);
    // The same images in reverse order, with other images between, on a fresh augmenter.
    const b = new Float32Array(10 * SIZE);
    const seedsB = new Uint32Array(10);
    const others = batch(5, 2);
    for (let i = 0; i < 5; i++) {
      b.set(imageOf(a, 4 - i), 2 * i * SIZE);
      seedsB[2 * i] = seedsA[4 - i]!;
      b.set(imageOf(others, i), (2 * i + 1) * SIZE);
      seedsB[2 * i + 1] = 1000 + i;
    }
    const outB = createAugmenter(ALL, SHAPE).augment(b, seedsB);
    for (let i = 0; i < 5; i++) expect(imageOf(outB, 2 * (4 - i))).toEqual(imageOf(outA, i));
    // …and alone in a batch of one.
    expect(augmentBatch(imageOf(a, 2), SHAPE, ALL, [33])).toEqual(imageOf(outA, 2));
  });

  it('different seeds give different results; the same seed the same', () => {
    const one = batch(1, 3);
    const outs = [7, 8, 9].map((s) => augmentBatch(Float32Array.from(one), SHAPE, ALL, [s]));
    expect(outs[0]).not.toEqual(outs[1]);
    expect(outs[1]).not.toEqual(outs[2]);
    expect(augmentBatch(Float32Array.from(one), SHAPE, ALL, [8])).toEqual(outs[1]);
  });

  it('applies exactly the parameters it reports for a seed', () => {
    const augmenter = createAugmenter(ALL, SHAPE);
    const one = batch(1, 4);
    const viaParams = Float32Array.from(one);
    applyParams(viaParams, 0, ALL, augmenter.params(77), createScratch(SHAPE));
    expect(augmenter.augment(Float32Array.from(one), [77])).toEqual(viaParams);
  });

  it('touches only the first n images', () => {
    const pixels = batch(4, 5);
    const before = Float32Array.from(pixels);
    createAugmenter(ALL, SHAPE).augment(pixels, [1, 2, 3, 4], 2);
    expect(pixels.subarray(2 * SIZE)).toEqual(before.subarray(2 * SIZE));
    expect(pixels.subarray(0, SIZE)).not.toEqual(before.subarray(0, SIZE));
  });

  it('needs a seed per image and a batch that holds n images', () => {
    const augmenter = createAugmenter(ALL, SHAPE);
    expect(() => augmenter.augment(batch(3, 6), [1, 2], 3)).toThrow(RangeError);
    expect(() => augmenter.augment(batch(1, 6), [1, 2], 2)).toThrow(RangeError);
    expect(() => createAugmenter(ALL, [0, 8, 3])).toThrow(RangeError);
  });
});

describe('settings that are off', () => {
  it('a spec with every setting at 0, false, [1, 1] or absent is inactive and leaves pixels bit-identical', () => {
    const neutral = spec({ zoom: [1, 1], brightness: [1, 1], fill: 'constant', fillValue: 0.5, mixup: { alpha: 0.2 } });
    const augmenter = createAugmenter(neutral, SHAPE);
    expect(augmenter.active).toBe(false);
    const pixels = batch(3, 7);
    expect(augmenter.augment(Float32Array.from(pixels), [1, 2, 3])).toEqual(pixels);
  });

  it('each transform that is on alone makes the augmenter active', () => {
    const on: Partial<AugmentSpec>[] = [
      { rotation: 1 },
      { widthShift: 0.1 },
      { heightShift: 0.1 },
      { horizontalFlip: true },
      { verticalFlip: true },
      { zoom: [0.9, 1] },
      { shear: 1 },
      { channelShift: 0.1 },
      { brightness: [0.9, 1.1] },
      { crop: { padding: 1 } },
      { cutout: { size: 2, count: 1 } },
    ];
    for (const o of on) expect(augmentActive(spec(o))).toBe(true);
    expect(augmentActive(spec({ mixup: { alpha: 1 } }))).toBe(false);
  });

  it('switching a transform off leaves what the others do unchanged (fixed draw layout)', () => {
    const pixels = batch(4, 8);
    const seeds = [5, 6, 7, 8];
    const base = spec({ rotation: 20, horizontalFlip: true, fill: 'nearest' });
    const withZeros = { ...base, shear: 0, channelShift: 0, zoom: [1, 1] as [number, number] };
    expect(augmentBatch(Float32Array.from(pixels), SHAPE, withZeros, seeds)).toEqual(augmentBatch(Float32Array.from(pixels), SHAPE, base, seeds));
    // Adding a transform does not change the angles or flips the others draw.
    for (const seed of seeds) {
      const a = drawParams(base, SHAPE, mulberry32(seed));
      const b = drawParams(ALL, SHAPE, mulberry32(seed));
      expect(b.theta).toBeCloseTo((a.theta * 15) / 20, 12);
      expect(b.flipHorizontal).toBe(a.flipHorizontal);
    }
  });
});

describe('drawn parameters', () => {
  const draws = Array.from({ length: 4000 }, (_, s) => drawParams(ALL, SHAPE, mulberry32(s)));

  it('stay in the ranges of the spec (Keras: uniform over each range)', () => {
    const max = (f: (p: (typeof draws)[number]) => number) => Math.max(...draws.map(f));
    const min = (f: (p: (typeof draws)[number]) => number) => Math.min(...draws.map(f));
    expect(max((p) => Math.abs(p.theta))).toBeLessThanOrEqual(15);
    // Near the edges too: a draw over a narrower range would stay well inside.
    expect(max((p) => Math.abs(p.theta))).toBeGreaterThan(14.9);
    expect(max((p) => Math.abs(p.tx))).toBeLessThanOrEqual(0.1 * 8);
    expect(max((p) => Math.abs(p.ty))).toBeLessThanOrEqual(0.1 * 8);
    expect(max((p) => Math.abs(p.ty))).toBeGreaterThan(0.79);
    expect(max((p) => Math.abs(p.shear))).toBeLessThanOrEqual(10);
    expect([min((p) => p.zx), max((p) => p.zx)].map((v) => Math.abs(v - 1))).toEqual([expect.closeTo(0.1, 3), expect.closeTo(0.1, 3)]);
    expect(max((p) => Math.abs(p.channelShift ?? 0))).toBeLessThanOrEqual(0.1);
    expect(min((p) => p.brightness!)).toBeGreaterThanOrEqual(0.8);
    expect(max((p) => p.brightness!)).toBeLessThanOrEqual(1.2);
    expect(draws.every((p) => p.cutout.length === 4 && p.cutout.every((v) => v >= 0 && v < 8))).toBe(true);
  });

  it('zoom x and y are drawn independently; flips are fair coins (±4 SE)', () => {
    expect(draws.filter((p) => p.zx !== p.zy).length).toBe(draws.length);
    const se = Math.sqrt(0.25 / draws.length);
    expect(Math.abs(draws.filter((p) => p.flipHorizontal).length / draws.length - 0.5)).toBeLessThan(4 * se);
    expect(Math.abs(draws.filter((p) => p.flipVertical).length / draws.length - 0.5)).toBeLessThan(4 * se);
  });

  it('crop offsets cover 0..2·padding', () => {
    const seen = new Set(draws.map((p) => `${p.crop!.dy},${p.crop!.dx}`));
    expect(seen.size).toBe(25);
  });

  it('neutral settings draw neutral parameters (exactly 0 or 1, never −0)', () => {
    const p = drawParams(spec({ horizontalFlip: true }), SHAPE, mulberry32(1));
    expect([p.theta, p.tx, p.ty, p.shear].every((v) => Object.is(v, 0))).toBe(true);
    expect([p.zx, p.zy, p.channelShift, p.brightness, p.crop, p.cutout.length]).toEqual([1, 1, null, null, null, 0]);
  });
});

describe('with imageSeeds', () => {
  it('a batch split across two workers gives the batch augmented at once', () => {
    const pixels = batch(6, 9);
    const seeds = imageSeeds(42, 3, 120, 6);
    const whole = augmentBatch(Float32Array.from(pixels), SHAPE, ALL, seeds);
    const first = augmentBatch(pixels.slice(0, 4 * SIZE), SHAPE, ALL, imageSeeds(42, 3, 120, 4));
    const second = augmentBatch(pixels.slice(4 * SIZE), SHAPE, ALL, imageSeeds(42, 3, 124, 2));
    expect(whole).toEqual(Float32Array.from([...first, ...second]));
  });
});

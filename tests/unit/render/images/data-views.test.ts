/**
 * The data section's figures: which samples a grid shows (seeded, per class), what the grid
 * draws, and the class-distribution chart's rows and alt text, against hand-worked values.
 */
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../../src/lib/rng.ts';
import { pickPerClass, sampleGrid } from '../../../../src/render/images/sample-grid.ts';
import { imageDataUri, tileScale } from '../../../../src/render/images/tile.ts';
import { classDistributionAlt, classDistributionSpec, distributionRows } from '../../../../src/render/specs/class-distribution.ts';
import { renderVegaLite } from '../../../../src/render/vega.ts';
import sharp from 'sharp';

describe('pickPerClass', () => {
  const labels = [0, 1, 0, 2, 0, 1, 0, 0];
  it('takes up to n of each class, only from that class, without repeats, the same for the same seed', () => {
    const picks = pickPerClass(labels, 4, 3, mulberry32(9));
    expect(picks.map((p) => p.length)).toEqual([3, 2, 1, 0]);
    picks.forEach((p, k) => {
      expect(p.every((i) => labels[i] === k)).toBe(true);
      expect(new Set(p).size).toBe(p.length);
    });
    expect(pickPerClass(labels, 4, 3, mulberry32(9))).toEqual(picks);
    const others = [1, 2, 3, 4, 5].map((seed) => pickPerClass(labels, 4, 3, mulberry32(seed))[0]);
    expect(new Set(others.map((p) => p!.join())).size).toBeGreaterThan(1);
  });
});

describe('image tiles', () => {
  it('are upscaled by whole pixels: each source pixel becomes a scale×scale block', async () => {
    const uri = await imageDataUri(Uint8Array.of(0, 255, 128, 64), [2, 2, 1], 3);
    const png = Buffer.from(uri.replace('data:image/png;base64,', ''), 'base64');
    const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([6, 6]);
    const at = (x: number, y: number) => data[(y * 6 + x) * info.channels];
    expect([at(0, 0), at(2, 2), at(3, 0), at(5, 2), at(0, 3), at(5, 5)]).toEqual([0, 0, 255, 255, 128, 64]);
    expect(tileScale([28, 28, 1], 56)).toBe(2);
    expect(tileScale([224, 224, 3], 56)).toBe(1);
  });
});

describe('sample grid', () => {
  it('draws one image per pick, names every class, and publishes which images it shows', async () => {
    const shape = [4, 4, 1] as const;
    const pixels = new Uint8Array(5 * 16).map((_, i) => i * 3);
    const grid = await sampleGrid({ classes: ['cat', 'dog'], shape, pixels, picks: [[0, 2], [4]], splitName: 'training split' });
    expect((grid.svg.match(/<image /g) ?? []).length).toBe(3);
    expect(grid.alt).toBe('3 sample images from the training split, up to 2 per class, one row per class: cat, dog.');
    expect(JSON.parse(grid.data)).toEqual({ split: 'training split', classes: ['cat', 'dog'], indices: [[0, 2], [4]] });
  });
});

describe('class distribution', () => {
  const classes = ['a', 'b', 'c'];
  const counts = { train: [50, 25, 40], validation: [5, 3, 4], test: [0, 0, 0] };

  it('rows leave out an empty split', () => {
    expect(distributionRows(classes, counts)).toEqual([
      { class: 'a', split: 'Training', count: 50 },
      { class: 'a', split: 'Validation', count: 5 },
      { class: 'b', split: 'Training', count: 25 },
      { class: 'b', split: 'Validation', count: 3 },
      { class: 'c', split: 'Training', count: 40 },
      { class: 'c', split: 'Validation', count: 4 },
    ]);
  });

  it('alt text states the totals and the imbalance in training', () => {
    expect(classDistributionAlt(classes, counts)).toBe(
      'Images per class for 3 classes: 115 training and 12 validation images; in training the smallest class (b, 25) has 50.0% of the images of the largest (a, 50).',
    );
    expect(classDistributionAlt(['x', 'y'], { train: [3, 3], validation: [1, 1], test: [2, 2] })).toBe(
      'Images per class for 2 classes: 6 training, 2 validation and 4 test images; every class has the same number of training images.',
    );
  });

  it('renders one bar per class and split', async () => {
    const { svg } = await renderVegaLite(classDistributionSpec(classes, counts));
    expect((svg.match(/aria-roledescription="bar"/g) ?? []).length).toBe(6);
  });
});

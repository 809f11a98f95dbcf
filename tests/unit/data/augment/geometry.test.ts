/**
 * Geometric transforms against independent constructions: rotations by quarter turns against
 * transposes and flips, integer shifts against slices, zoom 2 against hand-computed averages,
 * crop against a slice of the explicitly padded image.
 */
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../../src/lib/rng.ts';
import { apply, g, GRID4, image, noise, rows } from './helpers.ts';

const transpose = (m: number[][]) => m[0]!.map((_, x) => m.map((row) => row[x]!));
const flipRows = (m: number[][]) => [...m].reverse();
const flipColumns = (m: number[][]) => m.map((row) => [...row].reverse());
const grid = rows(GRID4, 4);

describe('rotation', () => {
  for (const fill of ['nearest', 'constant', 'reflect', 'wrap'] as const) {
    it(`90° is a transpose then a vertical flip (numpy's rot90, counter-clockwise), fill ${fill}`, () => {
      expect(rows(apply(GRID4, [4, 4, 1], { theta: 90 }, { fill, fillValue: 0.99 }), 4)).toEqual(flipRows(transpose(grid)));
    });
  }

  it('180° flips both axes and −90° is a transpose then a horizontal flip', () => {
    expect(rows(apply(GRID4, [4, 4, 1], { theta: 180 }), 4)).toEqual(flipRows(flipColumns(grid)));
    expect(rows(apply(GRID4, [4, 4, 1], { theta: -90 }), 4)).toEqual(flipColumns(transpose(grid)));
  });

  it('turns every channel of an RGB image alike', () => {
    const rgb = image([3, 3, 3], (r, x, k) => (9 * k + 3 * r + x) / 32);
    const out = apply(rgb, [3, 3, 3], { theta: 90 });
    for (let r = 0; r < 3; r++) for (let x = 0; x < 3; x++) for (let k = 0; k < 3; k++) expect(out[(r * 3 + x) * 3 + k]).toBe(rgb[(x * 3 + (2 - r)) * 3 + k]);
  });
});

describe('shift', () => {
  it('an integer shift is a slice of the image, padded with the fill value (constant)', () => {
    // tx = 1, ty = −2: output (x, y) reads input (x + 1, y − 2); the content moves left 1, down 2.
    const out = rows(apply(GRID4, [4, 4, 1], { tx: 1, ty: -2 }, { fill: 'constant', fillValue: 0.5 }), 4);
    const k = 0.5;
    expect(out).toEqual([
      [k, k, k, k],
      [k, k, k, k],
      [g(0, 1), g(0, 2), g(0, 3), k],
      [g(1, 1), g(1, 2), g(1, 3), k],
    ]);
  });

  it('with fill nearest the vacated border repeats the last row and column', () => {
    const out = rows(apply(GRID4, [4, 4, 1], { tx: -1, ty: 1 }, { fill: 'nearest' }), 4);
    expect(out).toEqual([
      [g(1, 0), g(1, 0), g(1, 1), g(1, 2)],
      [g(2, 0), g(2, 0), g(2, 1), g(2, 2)],
      [g(3, 0), g(3, 0), g(3, 1), g(3, 2)],
      [g(3, 0), g(3, 0), g(3, 1), g(3, 2)],
    ]);
  });
});

describe('flips', () => {
  const shape = [5, 6, 3] as const;
  const pixels = noise(shape, mulberry32(3));

  it('a horizontal flip reverses every row, a vertical flip the row order', () => {
    const gray = rows(apply(GRID4, [4, 4, 1], { flipHorizontal: true }), 4);
    expect(gray).toEqual(flipColumns(grid));
    expect(rows(apply(GRID4, [4, 4, 1], { flipVertical: true }), 4)).toEqual(flipRows(grid));
  });

  it('flipping twice gives back the image bit for bit, alone and after a rotation', () => {
    for (const flip of [{ flipHorizontal: true }, { flipVertical: true }, { flipHorizontal: true, flipVertical: true }]) {
      expect(apply(apply(pixels, shape, flip), shape, flip)).toEqual(pixels);
    }
    // Flips follow the resampling (Keras's order): rotate+flip, then flip, is the plain rotation.
    const rotated = apply(pixels, shape, { theta: 17, zx: 1.1 });
    expect(apply(apply(pixels, shape, { theta: 17, zx: 1.1, flipHorizontal: true }), shape, { flipHorizontal: true })).toEqual(rotated);
  });
});

describe('zoom', () => {
  it('zoom 2 (zooming out) samples at 2·(p − 1.5) + 1.5: pixel averages inside, fill outside', () => {
    // Columns 0..3 sample at −1.5, 0.5, 2.5, 4.5; rows alike. With fill constant only the inner
    // 2×2 reads the image, each the mean of a 2×2 block.
    const k = 0.75;
    const mean = (r: number, x: number) => (g(r, x) + g(r, x + 1) + g(r + 1, x) + g(r + 1, x + 1)) / 4;
    expect(rows(apply(GRID4, [4, 4, 1], { zx: 2, zy: 2 }, { fill: 'constant', fillValue: k }), 4)).toEqual([
      [k, k, k, k],
      [k, mean(0, 0), mean(0, 2), k],
      [k, mean(2, 0), mean(2, 2), k],
      [k, k, k, k],
    ]);
  });

  it('zoom x and y act on their own axes: zx 2 alone with fill nearest', () => {
    const half = (r: number, x: number) => (g(r, x) + g(r, x + 1)) / 2;
    const out = rows(apply(GRID4, [4, 4, 1], { zx: 2 }, { fill: 'nearest' }), 4);
    for (let r = 0; r < 4; r++) expect(out[r]).toEqual([g(r, 0), half(r, 0), half(r, 2), g(r, 3)]);
  });
});

describe('crop', () => {
  it('equals the window at (dy, dx) of the image padded by p with fillValue, for every offset', () => {
    const p = 2;
    const k = 0.25;
    const padded: number[][] = Array.from({ length: 4 + 2 * p }, (_, r) =>
      Array.from({ length: 4 + 2 * p }, (_, x) => (r >= p && r < 4 + p && x >= p && x < 4 + p ? g(r - p, x - p) : k)),
    );
    for (let dy = 0; dy <= 2 * p; dy++) {
      for (let dx = 0; dx <= 2 * p; dx++) {
        const window = padded.slice(dy, dy + 4).map((row) => row.slice(dx, dx + 4));
        expect(rows(apply(GRID4, [4, 4, 1], { crop: { dy, dx } }, { crop: { padding: p }, fillValue: k }), 4)).toEqual(window);
      }
    }
  });

  it('a padding wider than the image leaves only fill', () => {
    expect(rows(apply(GRID4, [4, 4, 1], { crop: { dy: 0, dx: 10 } }, { crop: { padding: 5 }, fillValue: 0.5 }), 4)).toEqual(Array(4).fill([0.5, 0.5, 0.5, 0.5]));
  });
});

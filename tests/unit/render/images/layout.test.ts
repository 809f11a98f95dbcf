/**
 * The note under an image grid: wrapped to the figure's width, every line drawn inside the
 * padding. Checked on the rasterized picture, not on the layout's own arithmetic.
 */
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { gridSvg, h } from '../../../../src/render/images/layout.ts';
import { svgToPng } from '../../../../src/render/raster.ts';

const NOTE = 'Attribution to each pixel for the predicted class; signed maps: orange for, blue against; clipped at the 99th percentile.';

/** Rows [top, bottom) of `png` (1x) that have ink, and whether any ink lies in columns ≥ `fromX`. */
async function ink(png: Buffer, fromX: number): Promise<{ rows: number[]; beyond: boolean }> {
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const rows = new Set<number>();
  let beyond = false;
  for (let y = 0; y < info.height; y++) {
    for (let x = 0; x < info.width; x++) {
      const i = (y * info.width + x) * info.channels;
      if (data[i]! < 200) {
        rows.add(y);
        if (x >= fromX) beyond = true;
      }
    }
  }
  return { rows: [...rows].sort((a, b) => a - b), beyond };
}

describe('grid note', () => {
  it('wraps inside the padding and the figure grows to hold every line', async () => {
    const cell = h('div', { display: 'flex', width: 80, height: 80, background: '#888888' });
    const grid = (note?: string) => gridSvg([{ label: 'row', cells: [cell, cell, cell, cell] }], 80, 80, { labelWidth: 100, gap: 4, ...(note && { note }) });
    const plain = await grid();
    const noted = await grid(NOTE);
    expect(noted.width).toBe(plain.width);
    const { rows, beyond } = await ink(svgToPng(noted.svg, { scale: 1 }), noted.width - 12);
    // No glyph reaches the right padding (the last word used to run past the edge).
    expect(beyond).toBe(false);
    // Two lines of text below the cells (which end at 12 + 80): ink in two separate bands, the last above the bottom padding.
    const below = rows.filter((y) => y >= 12 + 80 + 2);
    const bands = below.filter((y, i) => i === 0 || y !== below[i - 1]! + 1).length;
    expect(bands).toBe(2);
    expect(below.at(-1)!).toBeLessThan(noted.height - 4);
  });
});

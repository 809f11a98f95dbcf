/**
 * Cutout (DeVries & Taylor, 2017): squares of the image set to a constant. A square's centre may
 * be any pixel, so near the border only part of it lies inside: the paper found that letting the
 * square leave the image matters (the network also sees images with little or nothing removed).
 *
 * A square of side s centred on (row, column) covers rows [row − ⌊s/2⌋, row − ⌊s/2⌋ + s) and the
 * same for columns, clipped to the image: exactly s × s pixels when it lies inside (the paper's
 * code covers (s − 1)² for odd s).
 */
import type { Shape3 } from './params.ts';

/**
 * Sets the squares of side `size` centred on `centres` (row, column pairs) to `value` in every
 * channel of the image at `offset`, in place.
 */
export function cutout(pixels: Float32Array, offset: number, shape: Shape3, centres: Int32Array, size: number, value: number): void {
  const [h, w, c] = shape;
  const half = Math.floor(size / 2);
  for (let k = 0; k + 1 < centres.length; k += 2) {
    const top = centres[k]! - half;
    const left = centres[k + 1]! - half;
    const y0 = Math.max(0, top);
    const y1 = Math.min(h, top + size);
    const x0 = Math.max(0, left);
    const x1 = Math.min(w, left + size);
    if (x1 <= x0) continue;
    for (let y = y0; y < y1; y++) {
      const row = offset + (y * w) * c;
      pixels.fill(value, row + x0 * c, row + x1 * c);
    }
  }
}

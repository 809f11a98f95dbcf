/**
 * Every geometric transform of one image in a single pass: the affine matrix (rotation, shift,
 * shear, zoom) resampled bilinearly with the fill mode, then the flips, then the crop. Keras flips
 * after resampling; writing the resampled pixel straight to its flipped place is the same thing
 * with no second pass. The crop (pad by p with fillValue, take the window at (dy, dx)) is an
 * integer shift of the result, so it folds in too: output (x, y) shows the flipped, resampled
 * pixel (x + dx − p, y + dy − p), or fillValue where that lies in the padding.
 *
 * Hot path: one pass over the output, source coordinates from one multiply-add each, bilinear
 * weights computed once per pixel and shared by its channels, no allocation. Points whose two
 * taps on both axes lie inside the image (almost all) skip the boundary logic of fill.ts.
 */
import type { Affine } from './affine.ts';
import { axisTaps, type FillMode } from './fill.ts';
import type { Shape3 } from './params.ts';

/** The integer part of the geometry: flips and the crop window's shift. */
export interface Placement {
  flipHorizontal: boolean;
  flipVertical: boolean;
  /** Crop window offset minus the padding (dy − p, dx − p): how far the window is shifted; 0 without crop. */
  cropRow: number;
  cropColumn: number;
}

/** Boundary handling for the resampler. */
export interface FillSpec {
  fill: FillMode;
  /** Written for `fill: constant` outside the image and in the crop's padding. */
  fillValue: number;
}

/**
 * Writes the transformed image into `dst` at `dstOffset`, reading the original from `src` at 0
 * (`src` and `dst` must not overlap). `matrix` null = no resampling (flips and crop only: exact
 * copies). `taps` is a 4-int scratch for the boundary path.
 */
export function transformGeometry(
  src: Float32Array,
  dst: Float32Array,
  dstOffset: number,
  shape: Shape3,
  matrix: Affine | null,
  place: Placement,
  fill: FillSpec,
  taps: Int32Array,
): void {
  const [h, w, c] = shape;
  const rowStride = w * c;
  const wLast = w - 1;
  const hLast = h - 1;
  const { fillValue, fill: mode } = fill;
  // The boundary path of the commonest mode is a clamp, inlined below; the others go to fill.ts.
  const nearest = mode === 'nearest' && w > 1 && h > 1;
  const { cropRow, cropColumn, flipVertical } = place;
  // Pre-flip column of output column x: xStart + xStep · x.
  const xStep = place.flipHorizontal ? -1 : 1;
  const xStart = (place.flipHorizontal ? wLast : 0) + xStep * cropColumn;
  // Output columns whose crop source lies inside the image: [xLo, xHi).
  const xLo = Math.min(w, Math.max(0, -cropColumn));
  const xHi = Math.max(xLo, Math.min(w, w - cropColumn));
  const [a, b, e, cc, d, f] = matrix ?? [0, 0, 0, 0, 0, 0];
  for (let y = 0; y < h; y++) {
    const row = dstOffset + y * rowStride;
    const yc = y + cropRow;
    if (yc < 0 || yc >= h) {
      dst.fill(fillValue, row, row + rowStride);
      continue;
    }
    const yf = flipVertical ? hLast - yc : yc;
    if (xLo > 0) dst.fill(fillValue, row, row + xLo * c);
    if (xHi < w) dst.fill(fillValue, row + xHi * c, row + rowStride);
    if (matrix === null) {
      const srcRow = yf * rowStride;
      for (let x = xLo; x < xHi; x++) {
        const s = srcRow + (xStart + xStep * x) * c;
        const o = row + x * c;
        for (let k = 0; k < c; k++) dst[o + k] = src[s + k]!;
      }
      continue;
    }
    const rowX = b! * yf + e!;
    const rowY = d! * yf + f!;
    for (let x = xLo; x < xHi; x++) {
      const xf = xStart + xStep * x;
      const sx = a! * xf + rowX;
      const sy = cc! * xf + rowY;
      const o = row + x * c;
      // Every index below is an int32 (| 0): reading a typed array with an integral double is
      // several times slower in V8, and one such path would make all of them doubles.
      let i00 = 0;
      let i01 = 0;
      let i10 = 0;
      let i11 = 0;
      let fx = 0;
      let fy = 0;
      if (sx >= 0 && sx < wLast && sy >= 0 && sy < hLast) {
        // Both taps inside on both axes: every fill mode agrees, no boundary logic.
        const x0 = sx | 0;
        const y0 = sy | 0;
        fx = sx - x0;
        fy = sy - y0;
        i00 = (y0 * w + x0) * c;
        i01 = i00 + c;
        i10 = i00 + rowStride;
        i11 = i10 + c;
      } else if (nearest) {
        // Clamp onto the image; on the last row or column, weigh the last pixel fully.
        const tx = sx < 0 ? 0 : sx > wLast ? wLast : sx;
        const ty = sy < 0 ? 0 : sy > hLast ? hLast : sy;
        const x0 = tx < wLast ? tx | 0 : wLast - 1;
        const y0 = ty < hLast ? ty | 0 : hLast - 1;
        fx = tx - x0;
        fy = ty - y0;
        i00 = (y0 * w + x0) * c;
        i01 = i00 + c;
        i10 = i00 + rowStride;
        i11 = i10 + c;
      } else {
        fx = axisTaps(sx, w, mode, taps, 0);
        fy = fx < 0 ? -1 : axisTaps(sy, h, mode, taps, 2);
        if (fy < 0) {
          for (let k = 0; k < c; k++) dst[o + k] = fillValue;
          continue;
        }
        const r0 = taps[2]! * w;
        const r1 = taps[3]! * w;
        i00 = (r0 + taps[0]!) * c;
        i01 = (r0 + taps[1]!) * c;
        i10 = (r1 + taps[0]!) * c;
        i11 = (r1 + taps[1]!) * c;
      }
      const gx = 1 - fx;
      const gy = 1 - fy;
      const w00 = gx * gy;
      const w01 = fx * gy;
      const w10 = gx * fy;
      const w11 = fx * fy;
      for (let k = 0; k < c; k++) dst[o + k] = w00 * src[i00 + k]! + w01 * src[i01 + k]! + w10 * src[i10 + k]! + w11 * src[i11 + k]!;
    }
  }
}

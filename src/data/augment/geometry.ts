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
 * copies). `taps` is a 6-float scratch for the boundary path.
 */
export function transformGeometry(
  src: Float32Array,
  dst: Float32Array,
  dstOffset: number,
  shape: Shape3,
  matrix: Affine | null,
  place: Placement,
  fill: FillSpec,
  taps: Float64Array,
): void {
  const [h, w, c] = shape;
  const rowStride = w * c;
  const fillValue = fill.fillValue;
  // Pre-flip column of output column x: xStart + xStep · (x + cropColumn).
  const xStep = place.flipHorizontal ? -1 : 1;
  const xStart = place.flipHorizontal ? w - 1 : 0;
  for (let y = 0; y < h; y++) {
    const row = dstOffset + y * rowStride;
    const yc = y + place.cropRow;
    if (yc < 0 || yc >= h) {
      dst.fill(fillValue, row, row + rowStride);
      continue;
    }
    const yf = place.flipVertical ? h - 1 - yc : yc;
    // Output columns whose crop source lies inside the image: [xLo, xHi).
    const xLo = Math.min(w, Math.max(0, -place.cropColumn));
    const xHi = Math.max(xLo, Math.min(w, w - place.cropColumn));
    if (xLo > 0) dst.fill(fillValue, row, row + xLo * c);
    if (xHi < w) dst.fill(fillValue, row + xHi * c, row + rowStride);
    if (matrix === null) {
      const srcRow = yf * rowStride;
      for (let x = xLo; x < xHi; x++) {
        const s = srcRow + (xStart + xStep * (x + place.cropColumn)) * c;
        const o = row + x * c;
        for (let k = 0; k < c; k++) dst[o + k] = src[s + k]!;
      }
      continue;
    }
    const a = matrix[0]!;
    const cc = matrix[3]!;
    const rowX = matrix[1]! * yf + matrix[2]!;
    const rowY = matrix[4]! * yf + matrix[5]!;
    for (let x = xLo; x < xHi; x++) {
      const xf = xStart + xStep * (x + place.cropColumn);
      const sx = a * xf + rowX;
      const sy = cc * xf + rowY;
      const o = row + x * c;
      let i00: number, i01: number, i10: number, i11: number, fx: number, fy: number;
      if (sx >= 0 && sx < w - 1 && sy >= 0 && sy < h - 1) {
        // Both taps inside on both axes: every fill mode agrees, no boundary logic.
        const x0 = sx | 0;
        const y0 = sy | 0;
        fx = sx - x0;
        fy = sy - y0;
        i00 = (y0 * w + x0) * c;
        i01 = i00 + c;
        i10 = i00 + rowStride;
        i11 = i10 + c;
      } else {
        if (!axisTaps(sx, w, fill.fill, taps, 0) || !axisTaps(sy, h, fill.fill, taps, 3)) {
          for (let k = 0; k < c; k++) dst[o + k] = fillValue;
          continue;
        }
        fx = taps[2]!;
        fy = taps[5]!;
        const r0 = taps[3]! * w;
        const r1 = taps[4]! * w;
        i00 = (r0 + taps[0]!) * c;
        i01 = (r0 + taps[1]!) * c;
        i10 = (r1 + taps[0]!) * c;
        i11 = (r1 + taps[1]!) * c;
      }
      const w00 = (1 - fx) * (1 - fy);
      const w01 = fx * (1 - fy);
      const w10 = (1 - fx) * fy;
      const w11 = fx * fy;
      for (let k = 0; k < c; k++) dst[o + k] = w00 * src[i00 + k]! + w01 * src[i01 + k]! + w10 * src[i10 + k]! + w11 * src[i11 + k]!;
    }
  }
}

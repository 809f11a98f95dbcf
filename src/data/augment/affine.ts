/**
 * Rotation, shift, shear and zoom folded into one 2×3 matrix about the image centre, built as
 * Keras's `apply_affine_transform` builds it: M = R(θ) · T(tx, ty) · Sh(s) · Z(zx, zy), offset so
 * that it acts about the centre. Like scipy's `affine_transform`, the matrix *pulls*: it maps an
 * output pixel to the input position it samples.
 *
 * Coordinates are (x, y) = (column, row), y pointing down, centre ((w − 1)/2, (h − 1)/2). Keras
 * means the same axes but, for channels-last images, centres the column axis on (h − 1)/2 and
 * adds the height shift to columns (keras-team/tf-keras#310); convlens centres each axis on its
 * own size and shifts each axis by its own fraction. See README.md.
 */
import type { AugmentParams } from './params.ts';

/**
 * The pull matrix [a, b, e, c, d, f]: output (x, y) samples the input at
 * (a·x + b·y + e, c·x + d·y + f).
 */
export type Affine = Float64Array;

/**
 * cos and sin of an angle in degrees, exact for multiples of 90°. Math.cos(π/2) is 6e-17, not 0;
 * that residue would put a 90° rotation's sample points a hair off the pixel grid, outside the
 * image for `fill: constant`, and blend a neighbour into every pixel.
 */
export function cosSinDegrees(degrees: number): [number, number] {
  if (degrees % 90 === 0) {
    const quarter = ((degrees / 90) % 4 + 4) % 4;
    return [[1, 0, -1, 0][quarter]!, [0, 1, 0, -1][quarter]!];
  }
  const r = (degrees * Math.PI) / 180;
  return [Math.cos(r), Math.sin(r)];
}

/** True when the parameters move no pixel (no rotation, shift, shear or zoom). */
export function isIdentity(p: AugmentParams): boolean {
  return p.theta === 0 && p.tx === 0 && p.ty === 0 && p.shear === 0 && p.zx === 1 && p.zy === 1;
}

/**
 * The pull matrix of `p`'s rotation, shift, shear and zoom for an h × w image, into `out`
 * (allocated when omitted); null when they move nothing, so callers can skip resampling.
 */
export function affineMatrix(p: AugmentParams, h: number, w: number, out: Affine = new Float64Array(6)): Affine | null {
  if (isIdentity(p)) return null;
  const [cos, sin] = cosSinDegrees(p.theta);
  const [shearCos, shearSin] = cosSinDegrees(p.shear);
  // Sh · Z = [[zx, −sin(s)·zy], [0, cos(s)·zy]].
  const s00 = p.zx;
  const s01 = -shearSin * p.zy;
  const s11 = shearCos * p.zy;
  // L = R · Sh · Z.
  const a = cos * s00;
  const b = cos * s01 - sin * s11;
  const c = sin * s00;
  const d = sin * s01 + cos * s11;
  // source = L · (p − centre) + R · t + centre.
  const cx = (w - 1) / 2;
  const cy = (h - 1) / 2;
  out[0] = a;
  out[1] = b;
  out[2] = cx - (a * cx + b * cy) + (cos * p.tx - sin * p.ty);
  out[3] = c;
  out[4] = d;
  out[5] = cy - (c * cx + d * cy) + (sin * p.tx + cos * p.ty);
  return out;
}

/** Shared builders for the augmentation tests: small images with known values, one-call apply. */
import type { AugmentSpec } from '../../../../src/config/spec.ts';
import { applyParams, createScratch } from '../../../../src/data/augment/apply.ts';
import { identityParams, noAugment, type AugmentParams, type Shape3 } from '../../../../src/data/augment/params.ts';

/** An h × w × c image whose value at (row, column, channel) is `value(r, x, k)`. */
export function image(shape: Shape3, value: (row: number, column: number, channel: number) => number): Float32Array {
  const [h, w, c] = shape;
  const out = new Float32Array(h * w * c);
  for (let r = 0; r < h; r++) for (let x = 0; x < w; x++) for (let k = 0; k < c; k++) out[(r * w + x) * c + k] = value(r, x, k);
  return out;
}

/** The 4×4 gray test image: value (4·row + column) / 16, exact in float32, all distinct. */
export const GRID4 = image([4, 4, 1], (r, x) => (4 * r + x) / 16);

/** Value of GRID4 at (row, column). */
export const g = (row: number, column: number): number => (4 * row + column) / 16;

/** A spec with everything off except `overrides`. */
export function spec(overrides: Partial<AugmentSpec> = {}): AugmentSpec {
  return { ...noAugment(), ...overrides };
}

/** A copy of `pixels` with `params` applied (spec: fill, fillValue, crop, cutout from `overrides`). */
export function apply(pixels: Float32Array, shape: Shape3, params: Partial<AugmentParams>, overrides: Partial<AugmentSpec> = {}): Float32Array {
  const out = Float32Array.from(pixels);
  applyParams(out, 0, spec(overrides), { ...identityParams(), ...params }, createScratch(shape));
  return out;
}

/** Rows of a single-channel h × w image, for readable expectations. */
export function rows(pixels: Float32Array, w: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < pixels.length; i += w) out.push([...pixels.subarray(i, i + w)]);
  return out;
}

/** A seeded image of `shape` with values in [0, 1) (no Math.random in tests either). */
export function noise(shape: Shape3, random: () => number): Float32Array {
  return image(shape, () => random());
}

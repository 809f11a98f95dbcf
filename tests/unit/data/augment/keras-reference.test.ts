/**
 * Against Keras itself: fixtures/keras-reference.json holds keras-preprocessing's
 * apply_affine_transform and apply_channel_shift outputs on random images (how they were made,
 * and why through a transpose, is in fixtures/keras-reference.py). Rotation, shift, shear and
 * zoom composed in one matrix, the centre, bilinear sampling and all four scipy fill modes are
 * checked at once, image by image.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { applyParams, createScratch } from '../../../../src/data/augment/apply.ts';
import { identityParams, noAugment } from '../../../../src/data/augment/params.ts';
import type { AugmentSpec } from '../../../../src/config/spec.ts';

interface AffineCase {
  shape: [number, number, number];
  fill: AugmentSpec['fill'];
  fillValue: number;
  params: { theta: number; tx: number; ty: number; shear: number; zx: number; zy: number };
  input: number[];
  output: number[];
}
interface ShiftCase {
  shape: [number, number, number];
  intensity: number;
  input: number[];
  output: number[];
}
const reference = JSON.parse(readFileSync(new URL('./fixtures/keras-reference.json', import.meta.url), 'utf8')) as {
  generator: string;
  affine: AffineCase[];
  channelShift: ShiftCase[];
};

/** Largest |a − b| over two equal-length arrays. */
function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d;
}

describe(`Keras reference (${reference.generator})`, () => {
  it('holds cases for every fill mode', () => {
    expect(new Set(reference.affine.map((c) => c.fill))).toEqual(new Set(['nearest', 'constant', 'reflect', 'wrap']));
  });

  for (const [i, c] of reference.affine.entries()) {
    it(`affine case ${i}: ${c.shape.join('×')}, fill ${c.fill}`, () => {
      const pixels = Float32Array.from(c.input);
      const spec = { ...noAugment(), fill: c.fill, fillValue: c.fillValue };
      applyParams(pixels, 0, spec, { ...identityParams(), ...c.params }, createScratch(c.shape));
      // Both sides weigh the four taps in float64 and round once to float32: bit for bit.
      expect(maxDiff(pixels, c.output)).toBe(0);
    });
  }

  for (const [i, c] of reference.channelShift.entries()) {
    it(`channel shift case ${i}: intensity ${c.intensity}, clipped to the image's range`, () => {
      const pixels = Float32Array.from(c.input);
      applyParams(pixels, 0, noAugment(), { ...identityParams(), channelShift: c.intensity }, createScratch(c.shape));
      // numpy adds in float32 (two roundings), convlens in float64 (one): within a float32 ulp.
      expect(maxDiff(pixels, c.output)).toBeLessThanOrEqual(2 ** -24);
    });
  }
});

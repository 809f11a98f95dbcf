/**
 * The batch entry point: augment n images in place, image i from its own seed (seeds.ts).
 *
 *   createAugmenter(spec, shape)          once per worker: scratch buffers, which steps are on
 *   augmenter.augment(batch, seeds, n)    per batch: for each image,
 *       mulberry32(seeds[i]) → drawParams (params.ts) → applyParams (apply.ts), in place
 *
 * Because each image reads only its own seed and pixels, the result of image i is the same
 * whatever else is in the batch, in whichever order, on whichever worker.
 */
import type { AugmentSpec } from '../../config/spec.ts';
import { mulberry32 } from '../../lib/rng.ts';
import { applyParams, createScratch } from './apply.ts';
import { drawParams, type AugmentParams, type Shape3 } from './params.ts';

/** Augments batches of one image shape in place, reusing its buffers. */
export interface Augmenter {
  readonly shape: Shape3;
  /** False when the spec changes no pixel (mixup aside): `augment` then returns at once. */
  readonly active: boolean;
  /**
   * Augments images 0..n−1 of `pixels` (NHWC float32 in [0, 1], after rescale and before
   * standardization) in place; image i draws from `seeds[i]`. Returns `pixels`.
   */
  augment(pixels: Float32Array, seeds: ArrayLike<number>, n?: number): Float32Array;
  /** The parameters the image with `seed` draws (for previews of one image's augmentations). */
  params(seed: number): AugmentParams;
}

/** True when `spec` changes pixels (mixup, which blends across images, is not counted). */
export function augmentActive(spec: AugmentSpec): boolean {
  return (
    spec.rotation > 0 ||
    spec.widthShift > 0 ||
    spec.heightShift > 0 ||
    spec.shear > 0 ||
    spec.zoom[0] !== 1 ||
    spec.zoom[1] !== 1 ||
    spec.horizontalFlip ||
    spec.verticalFlip ||
    spec.channelShift > 0 ||
    (spec.brightness !== undefined && (spec.brightness[0] !== 1 || spec.brightness[1] !== 1)) ||
    (spec.crop !== undefined && spec.crop.padding > 0) ||
    (spec.cutout !== undefined && spec.cutout.count > 0 && spec.cutout.size > 0)
  );
}

/** An augmenter for images of `shape` ([height, width, channels]) under `spec`. */
export function createAugmenter(spec: AugmentSpec, shape: Shape3): Augmenter {
  const scratch = createScratch(shape);
  const size = shape[0] * shape[1] * shape[2];
  const active = augmentActive(spec);
  return {
    shape,
    active,
    augment(pixels, seeds, n = seeds.length) {
      if (n * size > pixels.length) throw new RangeError(`augment was asked for ${n} images of ${size} floats, but the batch holds ${pixels.length} floats.`);
      if (seeds.length < n) throw new RangeError(`augment needs one seed per image: ${n} images, ${seeds.length} seeds.`);
      if (!active) return pixels;
      for (let i = 0; i < n; i++) applyParams(pixels, i * size, spec, drawParams(spec, shape, mulberry32(seeds[i]!)), scratch);
      return pixels;
    },
    params: (seed) => drawParams(spec, shape, mulberry32(seed)),
  };
}

/** One-off form of `createAugmenter(spec, shape).augment(pixels, seeds, n)` (allocates scratch). */
export function augmentBatch(pixels: Float32Array, shape: Shape3, spec: AugmentSpec, seeds: ArrayLike<number>, n = seeds.length): Float32Array {
  return createAugmenter(spec, shape).augment(pixels, seeds, n);
}

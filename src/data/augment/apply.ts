/**
 * One image's parameters applied to its pixels in place, in Keras's `apply_transform` order
 * (crop and cutout are convlens's additions):
 *
 *   pixels [h, w, c] in [0, 1]
 *     │ 1. geometry    rotation · shift · shear · zoom as one matrix about the centre, bilinear,
 *     │                fill mode; then flips; then the crop window       (one pass, geometry.ts)
 *     │ 2. channel shift   + one offset, clipped to the image's [min, max]        (color.ts)
 *     │ 3. brightness      × factor, clipped to [0, 1]                             (color.ts)
 *     │ 4. cutout          squares ← fillValue                                    (cutout.ts)
 *     ▼
 *   pixels, augmented
 *
 * Keras shifts channels before flipping; a flip moves values without changing them or the
 * image's min and max, so the two orders give identical pixels. Cutout comes last so its squares
 * hold exactly fillValue. A step whose parameters are neutral does no work at all.
 */
import type { AugmentSpec } from '../../config/spec.ts';
import { affineMatrix } from './affine.ts';
import { brightness, channelShift } from './color.ts';
import { cutout } from './cutout.ts';
import { transformGeometry } from './geometry.ts';
import type { AugmentParams, Shape3 } from './params.ts';

/** Reusable buffers for one image shape: allocate once per worker, reuse for every image. */
export interface AugmentScratch {
  shape: Shape3;
  /** A copy of the image being resampled (the source of the one geometric pass). */
  image: Float32Array;
  matrix: Float64Array;
  taps: Int32Array;
}

/** Scratch buffers for images of `shape`. */
export function createScratch(shape: Shape3): AugmentScratch {
  const [h, w, c] = shape;
  if (![h, w, c].every((v) => Number.isInteger(v) && v > 0)) throw new RangeError(`An image shape needs three positive integers [height, width, channels]; received [${shape.join(', ')}].`);
  return { shape, image: new Float32Array(h * w * c), matrix: new Float64Array(6), taps: new Int32Array(4) };
}

/**
 * Applies `params` to the image at `offset` of `pixels` (NHWC floats), in place. `spec` supplies
 * what is fixed per experiment: fill mode and value, crop padding, cutout size.
 */
export function applyParams(
  pixels: Float32Array,
  offset: number,
  spec: Pick<AugmentSpec, 'fill' | 'fillValue' | 'crop' | 'cutout'>,
  params: AugmentParams,
  scratch: AugmentScratch,
): Float32Array {
  const [h, w, c] = scratch.shape;
  const length = h * w * c;
  if (offset < 0 || offset + length > pixels.length) throw new RangeError(`The image at offset ${offset} (${length} floats) does not fit in a batch of ${pixels.length} floats.`);
  const matrix = affineMatrix(params, h, w, scratch.matrix);
  const padding = spec.crop?.padding ?? 0;
  const crop = params.crop && padding > 0 ? params.crop : null;
  if (matrix !== null || params.flipHorizontal || params.flipVertical || (crop !== null && (crop.dy !== padding || crop.dx !== padding))) {
    scratch.image.set(pixels.subarray(offset, offset + length));
    const place = {
      flipHorizontal: params.flipHorizontal,
      flipVertical: params.flipVertical,
      cropRow: crop ? crop.dy - padding : 0,
      cropColumn: crop ? crop.dx - padding : 0,
    };
    transformGeometry(scratch.image, pixels, offset, scratch.shape, matrix, place, spec, scratch.taps);
  }
  if (params.channelShift !== null && params.channelShift !== 0) channelShift(pixels, offset, length, params.channelShift);
  if (params.brightness !== null && params.brightness !== 1) brightness(pixels, offset, length, params.brightness);
  if (spec.cutout && params.cutout.length > 0) cutout(pixels, offset, scratch.shape, params.cutout, spec.cutout.size, spec.fillValue);
  return pixels;
}

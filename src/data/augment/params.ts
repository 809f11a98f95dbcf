/**
 * The random part of augmentation: one image's parameters drawn from its own stream, as Keras's
 * `ImageDataGenerator.get_random_transform` draws them (the same uniforms over the same ranges),
 * plus the draws for crop and cutout. Applying them is `apply.ts`'s job.
 *
 * Every image draws the same fixed sequence of uniforms whatever the spec enables, so switching
 * one transform on or off never changes the values another transform gets (the same reasoning as
 * deriving seeds by name). Drawing ~14 uniforms costs tens of nanoseconds; pixel work is what
 * disabled transforms skip.
 */
import type { AugmentSpec } from '../../config/spec.ts';

/** [height, width, channels] of one NHWC image. */
export type Shape3 = readonly [number, number, number];

/** One image's transformation, in Keras's `apply_transform` vocabulary (plus crop and cutout). */
export interface AugmentParams {
  /** Rotation in degrees; positive turns the content counter-clockwise on screen (Keras). */
  theta: number;
  /** Shift in pixels along x (columns) and y (rows): output (x, y) samples the input at (x + tx, y + ty) when alone. */
  tx: number;
  ty: number;
  /** Shear angle in degrees (Keras's matrix: x' = x − sin(s)·y, y' = cos(s)·y). */
  shear: number;
  /** Zoom factors along x and y; > 1 samples a larger area, so the content shrinks (zooms out). */
  zx: number;
  zy: number;
  flipHorizontal: boolean;
  flipVertical: boolean;
  /** Added to every channel, then clipped to the image's own [min, max]; null = none. */
  channelShift: number | null;
  /** Multiplies every value, then clips to [0, 1]; null = none. */
  brightness: number | null;
  /** Offset of the crop window in the padded image, each in [0, 2·padding]; null = no crop. */
  crop: { dy: number; dx: number } | null;
  /** Cutout square centres as (row, column) pairs; empty = none. */
  cutout: Int32Array;
}

/** A spec that changes nothing (a fresh object: spread it and switch on what a test or preview needs). */
export function noAugment(): AugmentSpec {
  return { rotation: 0, widthShift: 0, heightShift: 0, horizontalFlip: false, verticalFlip: false, zoom: [1, 1], shear: 0, channelShift: 0, fill: 'nearest', fillValue: 0 };
}

/** Parameters that change nothing (the identity transform). */
export function identityParams(): AugmentParams {
  return { theta: 0, tx: 0, ty: 0, shear: 0, zx: 1, zy: 1, flipHorizontal: false, flipVertical: false, channelShift: null, brightness: null, crop: null, cutout: new Int32Array(0) };
}

/** Uniform in [−r, r] from u ∈ [0, 1); exactly 0 when r is 0 (never −0). */
const symmetric = (r: number, u: number): number => (r > 0 ? r * (2 * u - 1) : 0);

/** Uniform in [lo, hi] from u; exactly lo when the range is empty. */
const between = (lo: number, hi: number, u: number): number => (hi > lo ? lo + (hi - lo) * u : lo);

/**
 * Draws one image's parameters from `random` (its own stream) for an image of `shape`.
 * Order of draws, fixed: rotation, height shift, width shift, shear, zoom x, zoom y (Keras's
 * order), horizontal flip, vertical flip, channel shift, brightness, crop row, crop column, then
 * two per cutout square.
 */
export function drawParams(spec: AugmentSpec, shape: Shape3, random: () => number): AugmentParams {
  const [h, w] = shape;
  const theta = symmetric(spec.rotation, random());
  // Keras scales the height fraction by the height and the width fraction by the width; unlike
  // Keras (whose matrix then adds them to the wrong axes), each moves along its own axis here.
  const ty = symmetric(spec.heightShift, random()) * h;
  const tx = symmetric(spec.widthShift, random()) * w;
  const shear = symmetric(spec.shear, random());
  const zx = between(spec.zoom[0], spec.zoom[1], random());
  const zy = between(spec.zoom[0], spec.zoom[1], random());
  const flipHorizontal = random() < 0.5 && spec.horizontalFlip;
  const flipVertical = random() < 0.5 && spec.verticalFlip;
  const shift = symmetric(spec.channelShift, random());
  const ub = random();
  const bright = spec.brightness ? between(spec.brightness[0], spec.brightness[1], ub) : 1;
  const u = random();
  const v = random();
  const pad = spec.crop?.padding ?? 0;
  const crop = pad > 0 ? { dy: Math.floor(u * (2 * pad + 1)), dx: Math.floor(v * (2 * pad + 1)) } : null;
  const count = spec.cutout ? spec.cutout.count : 0;
  const cutout = new Int32Array(2 * count);
  for (let k = 0; k < count; k++) {
    cutout[2 * k] = Math.floor(random() * h);
    cutout[2 * k + 1] = Math.floor(random() * w);
  }
  return {
    theta,
    tx,
    ty,
    shear,
    zx,
    zy,
    flipHorizontal,
    flipVertical,
    channelShift: shift !== 0 ? shift : null,
    brightness: bright !== 1 ? bright : null,
    crop,
    cutout,
  };
}

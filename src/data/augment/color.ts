/**
 * The per-value transforms that follow the geometry, as Keras applies them:
 *
 *   channel shift  `apply_channel_shift`: ONE offset added to every channel (despite the name),
 *                  then clipped to the image's own [min, max] taken before the shift, so a shift
 *                  never creates values the image did not span.
 *   brightness     `apply_brightness_shift` multiplies through PIL's ImageEnhance.Brightness
 *                  (a blend with black, clipped to the pixel range). convlens multiplies the
 *                  [0, 1] floats and clips to [0, 1]: the same operation without PIL's trip
 *                  through uint8, which on Keras's [0, 1] inputs truncates every pixel to 0 or 1.
 *
 * Both work on one image's values, [offset, offset + length), in place.
 */

/** Adds `intensity` to every value of the image, clipped to the image's [min, max]. */
export function channelShift(pixels: Float32Array, offset: number, length: number, intensity: number): void {
  const end = offset + length;
  let min = Infinity;
  let max = -Infinity;
  for (let i = offset; i < end; i++) {
    const v = pixels[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  for (let i = offset; i < end; i++) {
    const v = pixels[i]! + intensity;
    pixels[i] = v < min ? min : v > max ? max : v;
  }
}

/** Multiplies every value of the image by `factor`, clipped to [0, 1]. */
export function brightness(pixels: Float32Array, offset: number, length: number, factor: number): void {
  const end = offset + length;
  for (let i = offset; i < end; i++) {
    const v = pixels[i]! * factor;
    pixels[i] = v < 0 ? 0 : v > 1 ? 1 : v;
  }
}

/**
 * Channel-count conversions on NHWC bytes, done here rather than in sharp so the arithmetic is
 * exact and documented (sharp's own grey conversion goes through its colour pipeline):
 *
 * - gray → RGB repeats the one value into R, G and B;
 * - RGB → gray is ITU-R BT.601 luma with PIL's integer arithmetic, the conversion Keras users get
 *   from `load_img(color_mode="grayscale")`: (19595 R + 38470 G + 7471 B + 32768) >> 16, i.e.
 *   0.299 R + 0.587 G + 0.114 B rounded to nearest.
 */

/** Each gray value repeated three times: n values → 3n. */
export function grayToRgb(gray: Uint8Array, out: Uint8Array = new Uint8Array(gray.length * 3)): Uint8Array {
  for (let i = 0, o = 0; i < gray.length; i++, o += 3) {
    const v = gray[i]!;
    out[o] = v;
    out[o + 1] = v;
    out[o + 2] = v;
  }
  return out;
}

/** BT.601 luma of each RGB triple, PIL-exact: 3n values → n. */
export function rgbToGray(rgb: Uint8Array, out: Uint8Array = new Uint8Array(rgb.length / 3)): Uint8Array {
  for (let i = 0, o = 0; o < out.length; i += 3, o++) {
    out[o] = (rgb[i]! * 19595 + rgb[i + 1]! * 38470 + rgb[i + 2]! * 7471 + 0x8000) >>> 16;
  }
  return out;
}

/** `pixels` with `from` channels (1 or 3) as `to` channels; the same array when they agree. */
export function convertChannels(pixels: Uint8Array, from: number, to: number): Uint8Array {
  if (from === to) return pixels;
  if (from === 1 && to === 3) return grayToRgb(pixels);
  if (from === 3 && to === 1) return rgbToGray(pixels);
  throw new RangeError(`convertChannels: cannot convert ${from} channels to ${to}.`);
}

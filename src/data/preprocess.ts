/**
 * Pixel normalization for training and evaluation. `rescale` is the only `normalize` mode
 * (spec.data.normalize): bytes 0..255 → float32 x/255 in [0, 1].
 */

/** LUT[x] = float32(x / 255): the correctly rounded quotient, as tfjs's float32 `div(255)` gives. */
const LUT = Float32Array.from({ length: 256 }, (_, x) => x / 255);

/** x/255 for every byte, into `out` (allocated when omitted; must be at least as long). */
export function rescale(pixels: Uint8Array, out: Float32Array = new Float32Array(pixels.length)): Float32Array {
  if (out.length < pixels.length) throw new RangeError(`rescale needs an output of ${pixels.length} floats; received ${out.length}.`);
  for (let i = 0; i < pixels.length; i++) out[i] = LUT[pixels[i]!]!;
  return out;
}

/**
 * Writes images `indices[start..end)` of `pixels` (each `pixelsPerImage` bytes), rescaled, one
 * after another into the front of `out`, and returns `out`. With `out` given nothing is allocated,
 * so the training loop can reuse one buffer per batch size; the valid length is
 * (end − start) × pixelsPerImage. Without `out`, an exactly sized array is allocated.
 */
export function gatherBatch(
  pixels: Uint8Array,
  indices: ArrayLike<number>,
  start: number,
  end: number,
  pixelsPerImage: number,
  out?: Float32Array,
): Float32Array {
  const need = (end - start) * pixelsPerImage;
  const target = out ?? new Float32Array(need);
  if (target.length < need) throw new RangeError(`gatherBatch needs an output of ${need} floats; received ${target.length}.`);
  let o = 0;
  for (let b = start; b < end; b++) {
    const base = indices[b]! * pixelsPerImage;
    for (let p = 0; p < pixelsPerImage; p++) target[o++] = LUT[pixels[base + p]!]!;
  }
  return target;
}

/** Labels of `indices[start..end)` into the front of `out` (no allocation); returns `out`. */
export function gatherLabels(labels: Uint8Array, indices: ArrayLike<number>, start: number, end: number, out: Int32Array): Int32Array {
  if (out.length < end - start) throw new RangeError(`gatherLabels needs an output of ${end - start} labels; received ${out.length}.`);
  for (let b = start; b < end; b++) out[b - start] = labels[indices[b]!]!;
  return out;
}

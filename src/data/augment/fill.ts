/**
 * What a sample point outside the image reads: scipy.ndimage's boundary modes for order-1
 * (bilinear) interpolation, the modes Keras's `fill_mode` hands to `affine_transform`. Per axis
 * of n samples, a coordinate t in [0, n − 1] interpolates between its two neighbours; outside:
 *
 *   nearest   t is clamped to [0, n − 1]                     (a a a | a b c d | d d d)
 *   constant  the pixel is `fillValue` when t leaves [0, n − 1] on either axis; no blending with
 *             the constant, so the image's last half pixel is not faded (scipy's `constant`,
 *             not `grid-constant`)
 *   reflect   half-sample symmetric extension, period 2n     (c b a | a b c d | d c b)
 *   wrap      scipy's `wrap`, NOT the periodic `grid-wrap`: period n − 1, the first and last
 *             samples coincide (…c | a b c d | b c…); Keras documents abcd|abcd but calls this
 *
 * Checked against scipy 1.17.1's `map_coordinates(order=1)` on a 4-sample signal (README.md).
 */
import type { AugmentSpec } from '../../config/spec.ts';

/** How points outside the image are filled (the spec's `fill`). */
export type FillMode = AugmentSpec['fill'];

/**
 * Coordinates within this distance of the first or last sample count as on it. A rotation by 90°
 * or a zoom computes border coordinates like 3.0000000000000004; scipy would call that outside
 * (constant fill, or the other end of a `wrap`), an accident of rounding rather than geometry.
 */
const EDGE = 1e-9;

/** Index `i` of the half-sample symmetric extension of n samples: …1 0 | 0 1 … n−1 | n−1 n−2…. */
export function reflectIndex(i: number, n: number): number {
  const period = 2 * n;
  const m = ((i % period) + period) % period;
  return m < n ? m : period - 1 - m;
}

/**
 * The two interpolation taps for coordinate `t` on an axis of `n` samples under `mode`: their
 * indices go to `taps[at]` and `taps[at + 1]`, and the weight of the second, in [0, 1), is
 * returned; −1 means the point is outside and `mode` is constant (the caller writes fillValue).
 * Indices are int32 on purpose: the resampler reads pixels with them, and V8 indexes a typed
 * array far faster with an int32 than with an integral double.
 */
export function axisTaps(t: number, n: number, mode: FillMode, taps: Int32Array, at = 0): number {
  const last = n - 1;
  if (t < 0) {
    if (t >= -EDGE) t = 0;
    else if (mode === 'constant') return -1;
    else if (mode === 'nearest' || n === 1) t = 0;
    // scipy's wrap: shift by whole periods of n − 1 into (0, n − 1].
    else if (mode === 'wrap') t += last * (Math.trunc(-t / last) + 1);
  } else if (t > last) {
    if (t <= last + EDGE) t = last;
    else if (mode === 'constant') return -1;
    else if (mode === 'nearest' || n === 1) t = last;
    // …and from above into [0, n − 1).
    else if (mode === 'wrap') t -= last * Math.trunc(t / last);
  }
  const k = Math.floor(t);
  if (mode === 'reflect') {
    taps[at] = reflectIndex(k, n);
    taps[at + 1] = reflectIndex(k + 1, n);
  } else {
    // In range here; at t = n − 1 exactly the second tap has weight 0 and only needs to exist.
    taps[at] = k;
    taps[at + 1] = k < last ? k + 1 : last;
  }
  return t - k;
}

/**
 * The value an order-1 scipy `map_coordinates` gives at `t` on a 1-D signal under `mode`
 * (`fillValue` for constant): the 1-D form of the rule the resampler applies per axis.
 */
export function sampleLine(signal: ArrayLike<number>, t: number, mode: FillMode, fillValue: number): number {
  const taps = new Int32Array(2);
  const f = axisTaps(t, signal.length, mode, taps);
  return f < 0 ? fillValue : (1 - f) * signal[taps[0]!]! + f * signal[taps[1]!]!;
}

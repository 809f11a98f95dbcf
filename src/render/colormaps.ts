/**
 * Colour maps for heatmaps, and the scales that put values on them.
 *
 * Sequential maps (viridis, cividis) are perceptually uniform and readable with every common
 * colour-vision deficiency and in greyscale; signed attributions use blue–orange, a diverging
 * map through a near-white zero that avoids the red–green axis. The ramps come from vega's own
 * schemes, sampled into 256-entry tables, so charts and heatmaps share exactly the same colours.
 */
import { scheme } from 'vega';

export type ColormapName = 'viridis' | 'cividis' | 'blueorange';

const luts = new Map<ColormapName, Uint8Array>();

/** 256 RGB triples sampled evenly along the map (index 0 = the low end). */
export function colormapLut(name: ColormapName): Uint8Array {
  let lut = luts.get(name);
  if (!lut) {
    const ramp = scheme(name) as ((t: number) => string) | undefined;
    if (!ramp) throw new Error(`colormapLut: vega has no scheme "${name}".`);
    lut = new Uint8Array(256 * 3);
    for (let i = 0; i < 256; i++) {
      const [r, g, b] = (ramp(i / 255).match(/\d+/g) ?? []).map(Number);
      lut.set([r!, g!, b!], i * 3);
    }
    luts.set(name, lut);
  }
  return lut;
}

/**
 * Where values sit on a colour map. `sequential`: [min, max] → low … high. `diverging`:
 * [−limit, limit] with 0 at the centre. `clipped` says the limits come from a percentile, so a
 * legend can state that values beyond them share the end colours.
 */
export interface ColorScale {
  kind: 'sequential' | 'diverging';
  colormap: ColormapName;
  min: number;
  max: number;
  /** The percentile the limits were taken at, when not the full range. */
  clipped?: number;
}

/** The p-th percentile (0–100) of |v| (or v) over all maps, by nearest rank. */
function percentile(maps: readonly Float32Array[], p: number, absolute: boolean): number {
  const all = new Float32Array(maps.reduce((s, m) => s + m.length, 0));
  let o = 0;
  for (const m of maps) for (let i = 0; i < m.length; i++) all[o++] = absolute ? Math.abs(m[i]!) : m[i]!;
  all.sort();
  if (all.length === 0) return 0;
  return all[Math.min(all.length - 1, Math.max(0, Math.ceil((p / 100) * all.length) - 1))]!;
}

/**
 * One scale shared by every map of a comparison (a method across images, or images across
 * methods), so equal colours mean equal values. `clip` (a percentile, e.g. 99) keeps a few
 * extreme gradients from washing out the rest; omitted, the full range is used.
 */
export function sharedScale(maps: readonly Float32Array[], kind: 'sequential' | 'diverging', clip?: number): ColorScale {
  if (kind === 'diverging') {
    const limit = clip !== undefined ? percentile(maps, clip, true) : Math.max(0, ...maps.map((m) => m.reduce((a, v) => Math.max(a, Math.abs(v)), 0)));
    return { kind, colormap: 'blueorange', min: -limit, max: limit, ...(clip !== undefined && { clipped: clip }) };
  }
  let min = Infinity;
  let max = -Infinity;
  for (const m of maps) for (let i = 0; i < m.length; i++) {
    if (m[i]! < min) min = m[i]!;
    if (m[i]! > max) max = m[i]!;
  }
  if (clip !== undefined) max = percentile(maps, clip, false);
  if (!Number.isFinite(min)) [min, max] = [0, 0];
  return { kind, colormap: 'viridis', min, max, ...(clip !== undefined && { clipped: clip }) };
}

/** The LUT index (0–255) of `v` on `scale`; a flat scale maps everything to the middle. */
export function lutIndex(v: number, scale: ColorScale): number {
  const span = scale.max - scale.min;
  if (!(span > 0)) return 128;
  const t = (v - scale.min) / span;
  return Math.min(255, Math.max(0, Math.round(t * 255)));
}

/** RGB bytes (h·w·3) for a map of h·w values on `scale`. */
export function colorize(values: Float32Array, scale: ColorScale): Uint8Array {
  const lut = colormapLut(scale.colormap);
  const out = new Uint8Array(values.length * 3);
  for (let i = 0; i < values.length; i++) {
    const j = lutIndex(values[i]!, scale) * 3;
    out[i * 3] = lut[j]!;
    out[i * 3 + 1] = lut[j + 1]!;
    out[i * 3 + 2] = lut[j + 2]!;
  }
  return out;
}

/** `image` (h·w·c bytes, c = 1 or 3) shown in grey under `heat` (h·w·3) at `alpha`: RGB bytes. */
export function overlay(image: Uint8Array, channels: number, heat: Uint8Array, alpha: number): Uint8Array {
  const n = heat.length / 3;
  const out = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) {
    // The picture underneath goes grey, so the only colour in the overlay is the map's.
    const grey = channels === 1 ? image[i]! : 0.299 * image[i * 3]! + 0.587 * image[i * 3 + 1]! + 0.114 * image[i * 3 + 2]!;
    for (let k = 0; k < 3; k++) out[i * 3 + k] = Math.round((1 - alpha) * grey + alpha * heat[i * 3 + k]!);
  }
  return out;
}

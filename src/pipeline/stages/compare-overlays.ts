/**
 * The comparison's pictures: each test image as a PNG, and each model's Grad-CAM over it. All
 * models' maps of one image share one colour scale (viridis from 0 to the largest value any of
 * them reaches on that image), so a brighter region means more activation whichever model drew
 * it; the image underneath is greyed so the only colour is the map's, as in the Grad-CAM figure.
 * The PNGs are encoded like the published test images (testImagePng in render/images/test-image.ts).
 */
import { colorize, overlay, type ColorScale } from '../../render/colormaps.ts';

/** Opacity of the map over the greyed image (the Grad-CAM figure's). */
export const OVERLAY_ALPHA = 0.55;

/** One scale for every model's map of one image: viridis from 0 to the largest value (1 when all are 0). */
export function imageScale(maps: readonly (Float32Array | undefined)[]): ColorScale {
  let max = 0;
  for (const m of maps) if (m) for (let i = 0; i < m.length; i++) if (m[i]! > max) max = m[i]!;
  // Grad-CAM is a ReLU: 0 is "no evidence", so the scale starts there rather than at the minimum.
  return { kind: 'sequential', colormap: 'viridis', min: 0, max: max > 0 ? max : 1 };
}

/** RGB bytes of `map` on `scale` over the greyed `image` (h·w·c bytes). */
export function overlayPixels(image: Uint8Array, channels: number, map: Float32Array, scale: ColorScale): Uint8Array {
  return overlay(image, channels, colorize(map, scale), OVERLAY_ALPHA);
}

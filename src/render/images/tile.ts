/**
 * Small images for figures: uint8 pixels → PNG data URIs, upscaled by an integer factor with
 * nearest-neighbour sampling so a 28×28 digit stays crisp pixels instead of a blur.
 */
import sharp from 'sharp';

/** [height, width, channels], channels 1 (gray) or 3 (RGB). */
export type TileShape = readonly [number, number, number];

/** The integer factor that brings the longer side closest to `target` CSS pixels (at least 1). */
export function tileScale(shape: TileShape, target: number): number {
  return Math.max(1, Math.round(target / Math.max(shape[0], shape[1])));
}

/** One image (h·w·c bytes, NHWC) as a PNG data URI at `scale`× its size. */
export async function imageDataUri(pixels: Uint8Array, shape: TileShape, scale: number): Promise<string> {
  const [h, w, c] = shape;
  if (pixels.length !== h * w * c) throw new Error(`imageDataUri: ${pixels.length} bytes do not make a ${h}×${w}×${c} image.`);
  const png = await sharp(Buffer.from(pixels.buffer, pixels.byteOffset, pixels.byteLength), { raw: { width: w, height: h, channels: c as 1 | 3 } })
    .resize(w * scale, h * scale, { kernel: 'nearest' })
    .png({ compressionLevel: 9 })
    .toBuffer();
  return `data:image/png;base64,${png.toString('base64')}`;
}

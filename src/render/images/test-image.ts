/**
 * Test images as small PNG files for the sample and confusion-cell pages and the compare page's
 * overlays: the stored pixels, upscaled by a whole factor with sharp's nearest kernel so each
 * source pixel stays a crisp square (a 28×28 digit becomes 112×112, not a blur), written losslessly.
 */
import sharp from 'sharp';
import { tileScale } from './tile.ts';

/** [height, width, channels] of the test images; channels 1 (gray) or 3 (RGB). */
export type ImageShape = readonly [number, number, number];

/** The longer side a published test image is scaled up to, at least (CSS pixels at 1×). */
export const TEST_IMAGE_TARGET = 112;

/** The whole factor that brings the longer side closest to TEST_IMAGE_TARGET (1 for images already that large). */
export function testImageScale(shape: ImageShape): number {
  return tileScale(shape, TEST_IMAGE_TARGET);
}

/** The published size of a test image of `shape`. */
export function testImageSize(shape: ImageShape): { width: number; height: number } {
  const scale = testImageScale(shape);
  return { width: shape[1] * scale, height: shape[0] * scale };
}

/** One test image (h·w·c uint8 bytes, channels last) as PNG bytes at its published size. */
export async function testImagePng(pixels: Uint8Array, shape: ImageShape): Promise<Buffer> {
  const [h, w, c] = shape;
  if (pixels.length !== h * w * c) throw new Error(`testImagePng: ${pixels.length} bytes do not make a ${h}×${w}×${c} image.`);
  if (c !== 1 && c !== 3) throw new Error(`testImagePng: ${c} channels; test images have 1 (gray) or 3 (RGB).`);
  const { width, height } = testImageSize(shape);
  return sharp(Buffer.from(pixels.buffer, pixels.byteOffset, pixels.byteLength), { raw: { width: w, height: h, channels: c } })
    .resize(width, height, { kernel: 'nearest' })
    .png({ compressionLevel: 9, palette: false })
    .toBuffer();
}

/**
 * The one place that talks to sharp. Everything that decodes or resizes goes through the
 * `ImageCodec` interface, so tests can count calls (proving, for instance, that an image over the
 * pixel limit is rejected from its header and never decoded) and the rest of `data/` stays pure.
 *
 * Decoding, in sharp's terms: EXIF orientation applied (`autoOrient`, as a viewer shows the photo),
 * the first frame of an animation, alpha dropped (as PIL's `convert("RGB")` does, without
 * compositing), resized only when the size differs, and delivered as 8-bit gray (1 channel) for
 * grayscale sources or 8-bit sRGB (3 channels) for everything else. Converting between 1 and 3
 * channels is left to channels.ts, where the arithmetic is exact.
 */
import sharp, { type KernelEnum, type ResizeOptions, type Sharp } from 'sharp';
import type { ImageSpec, Interpolation } from '../../config/spec.ts';
import type { ImageShape } from '../types.ts';
import type { ImageFormat } from './sniff.ts';

/**
 * Bumped whenever convlens's own decoding changes what reaches the pixels or the skip reasons
 * (orientation, alpha, channel rules, messages stored with skipped files): part of `version`, so
 * dataset caches built by older code are rebuilt rather than trusted.
 */
export const DECODE_VERSION = 1;

/** What an image's header says, before any pixel is decoded. */
export interface ImageHeader {
  format: ImageFormat;
  /** Size after EXIF orientation, in pixels. */
  width: number;
  height: number;
  /** Grayscale (with or without alpha): decoded to 1 channel, else to 3. */
  gray: boolean;
}

/** How a resize is done: `data.image` minus the size itself. */
export type ResizeSettings = Pick<ImageSpec, 'fit' | 'interpolation' | 'padValue'>;

/** Decoding and resizing, injected so tests can observe and fake it. */
export interface ImageCodec {
  /** Versions of the code that turns bytes into pixels; part of cache keys (a new libvips may decode differently). */
  readonly version: string;
  /** Reads the header only; rejects when the bytes are not a readable image. */
  probe(bytes: Uint8Array): Promise<Omit<ImageHeader, 'format'>>;
  /**
   * Decodes to `target` [height, width] with `header.gray ? 1 : 3` channels, NHWC bytes.
   * `maxPixels` is passed on to sharp as a second line of defence behind the header check.
   */
  decode(bytes: Uint8Array, header: ImageHeader, target: [number, number], settings: ResizeSettings, maxPixels: number): Promise<Uint8Array>;
  /** Resizes one raw NHWC image (1 or 3 channels) to `target`, keeping its channel count. */
  resize(pixels: Uint8Array, shape: ImageShape, target: [number, number], settings: ResizeSettings): Promise<Uint8Array>;
}

/** sharp's names for the interpolation vocabulary (`bilinear` is sharp's `linear`). */
const KERNELS: Record<Interpolation, keyof KernelEnum> = {
  nearest: 'nearest',
  bilinear: 'linear',
  bicubic: 'cubic',
  lanczos3: 'lanczos3',
};

/** `fit` in sharp's words: stretch = fill, pad = contain (centred, padValue around), crop = cover (centre kept). */
const FITS = { stretch: 'fill', pad: 'contain', crop: 'cover' } as const;

function resizeOptions(settings: ResizeSettings): ResizeOptions {
  const v = settings.padValue;
  return {
    fit: FITS[settings.fit],
    kernel: KERNELS[settings.interpolation],
    position: 'centre',
    background: { r: v, g: v, b: v, alpha: 1 },
  };
}

async function finish(image: Sharp, gray: boolean, target: [number, number]): Promise<Uint8Array> {
  const { data, info } = await image
    .toColourspace(gray ? 'b-w' : 'srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  const channels = gray ? 1 : 3;
  if (info.width !== target[1] || info.height !== target[0] || info.channels !== channels) {
    // sharp honours these options; a mismatch would be a defect here, not bad input.
    throw new Error(`sharp returned ${info.height}×${info.width}×${info.channels}, expected ${target[0]}×${target[1]}×${channels}.`);
  }
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** The real codec: sharp (libvips). */
export const sharpCodec: ImageCodec = {
  version: `convlens-decode-${DECODE_VERSION} sharp ${sharp.versions.sharp} libvips ${sharp.versions.vips}`,

  async probe(bytes) {
    // No pixel limit here: the caller compares the declared size with data.image.maxPixels itself,
    // so the message can name the limit the user set.
    const meta = await sharp(bytes, { limitInputPixels: false }).metadata();
    const width = meta.autoOrient?.width ?? meta.width;
    const height = meta.autoOrient?.height ?? meta.height;
    if (!width || !height) throw new Error('the header gives no size');
    return { width, height, gray: meta.space === 'b-w' || meta.space === 'grey16' };
  },

  async decode(bytes, header, target, settings, maxPixels) {
    // failOn 'error': a truncated or corrupt file is an error, not a silently grey-filled image.
    let image = sharp(bytes, { failOn: 'error', limitInputPixels: maxPixels, autoOrient: true }).removeAlpha();
    if (header.width !== target[1] || header.height !== target[0]) image = image.resize(target[1], target[0], resizeOptions(settings));
    return finish(image, header.gray, target);
  },

  async resize(pixels, shape, target, settings) {
    const [height, width, channels] = shape;
    if (channels !== 1 && channels !== 3) throw new RangeError(`resize: ${channels} channels; expected 1 or 3.`);
    const image = sharp(pixels, { raw: { width, height, channels } }).resize(target[1], target[0], resizeOptions(settings));
    return finish(image, channels === 1, target);
  },
};

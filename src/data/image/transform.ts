/**
 * `data.image` for sources that arrive as pixel arrays (the npm packages, CIFAR-10): each image
 * resized through the codec when the size differs, then converted between 1 and 3 channels. So
 * Fashion-MNIST can feed a base trained on 32×32 colour images: `image: { size: 32, channels: 3 }`.
 *
 * `withImageSettings` wraps a source so that the transformed data gets its own cache file, built
 * from the native one (itself cached): changing the size later costs a resize, not a re-parse.
 */
import { createHash } from 'node:crypto';
import type { ImageSpec } from '../../config/spec.ts';
import { type CacheFs, loadSource } from '../cache.ts';
import type { ImageShape, SourceData, SourceDef } from '../types.ts';
import { convertChannels } from './channels.ts';
import type { ImageCodec } from './codec.ts';
import { forEachPooled } from './pool.ts';

/** The shape `image` asks for, given the source's own. */
export function targetShape(native: ImageShape, image: ImageSpec): ImageShape {
  const [h, w] = image.size ?? [native[0], native[1]];
  return [h, w, image.channels ?? native[2]];
}

/** True when `image` changes nothing for a source of shape `native`. */
export function isNative(native: ImageShape, image: ImageSpec): boolean {
  const t = targetShape(native, image);
  return t[0] === native[0] && t[1] === native[1] && t[2] === native[2];
}

/** Short hex key of the settings that change pixels and the codec doing it; filesystem-safe, for cache file names. */
export function settingsKey(image: ImageSpec, codec: ImageCodec): string {
  const { size, channels, fit, interpolation, padValue } = image;
  return createHash('sha256').update(JSON.stringify({ size, channels, fit, interpolation, padValue, codec: codec.version })).digest('hex').slice(0, 12);
}

/** `data` with every image at `image`'s size and channel count (a new SourceData; `data` untouched). */
export async function applyImageSettings(data: SourceData, image: ImageSpec, codec: ImageCodec, concurrency: number): Promise<SourceData> {
  const native = data.shape;
  const target = targetShape(native, image);
  if (isNative(native, image)) return data;
  const count = data.labels.length;
  const inSize = native[0] * native[1] * native[2];
  const outSize = target[0] * target[1] * target[2];
  const resize = target[0] !== native[0] || target[1] !== native[1];
  const pixels = new Uint8Array(count * outSize);
  await forEachPooled(count, concurrency, async (i) => {
    let img = data.pixels.subarray(i * inSize, (i + 1) * inSize);
    if (resize) img = await codec.resize(img, native, [target[0], target[1]], image);
    pixels.set(convertChannels(img, native[2], target[2]), i * outSize);
  });
  return { ...data, shape: target, pixels };
}

/**
 * `def` with `image` applied. Unchanged (same cache file) when `image` keeps the native shape;
 * otherwise a source whose version adds the settings key and whose parse loads `def` through the
 * cache, then transforms. Warnings of that inner load are appended to the returned def's `warnings`.
 */
export function withImageSettings(
  def: SourceDef,
  image: ImageSpec,
  io: { cacheDir: string; fs?: CacheFs | undefined; codec: ImageCodec; concurrency: number },
): SourceDef {
  if (def.nativeShape && isNative(def.nativeShape, image)) return def;
  if (!def.nativeShape && image.size === undefined && image.channels === undefined) return def;
  const warnings = [...(def.warnings ?? [])];
  return {
    name: def.name,
    version: `${def.version}-${settingsKey(image, io.codec)}`,
    ...(def.nativeShape && { nativeShape: targetShape(def.nativeShape, image) }),
    warnings,
    parse: async () => {
      const inner = await loadSource(def, io.cacheDir, io.fs);
      warnings.push(...inner.warnings);
      return applyImageSettings(inner.data, image, io.codec, io.concurrency);
    },
  };
}

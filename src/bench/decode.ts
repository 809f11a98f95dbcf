/**
 * Decode throughput for `convlens bench`: images per second through the same path a folder
 * source takes (read → sniff → header → sharp decode + resize → channels, on the bounded pool),
 * for JPEG and for PNG files the benchmark writes itself.
 *
 *   images   `images` photos-like pictures (smooth gradients plus seeded noise, so JPEG and PNG
 *            compress as they do on real photos), `source` pixels, written once to a temp dir
 *   timing   one untimed warm-up pass, then the best of 3 passes over all files, per format
 *   result   images/s at `size` × `channels`, with the settings used, so figures compare
 *
 * Speed is reported, never asserted: the tests check the arithmetic with a scripted clock.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import type { ImageSpec } from '../config/spec.ts';
import { type ImageCodec, sharpCodec } from '../data/image/codec.ts';
import { decodeFiles, type ImageFile } from '../data/image/decode-files.ts';
import { defaultConcurrency } from '../data/image/pool.ts';
import type { Clock } from '../lib/clock.ts';
import { mulberry32 } from '../lib/rng.ts';
import { bestTime, perSecond } from './timing.ts';

/** What `measureDecode` reports (rates rounded to 0.1 image/s). */
export interface DecodeBenchReport {
  jpeg_img_s: number;
  png_img_s: number;
  images: number;
  /** [height, width] of the files. */
  source: [number, number];
  /** [height, width, channels] decoded to. */
  target: [number, number, number];
  concurrency: number;
}

/** Options of `measureDecode`; everything but the clock has a default. */
export interface DecodeBenchOptions {
  clock: Clock;
  /** Files per format (default 64). */
  images?: number;
  /** [height, width] of the generated files (default 375 × 500, a typical small photo). */
  source?: [number, number];
  /** [height, width] to decode to (default 224 × 224). */
  size?: [number, number];
  channels?: 1 | 3;
  interpolation?: ImageSpec['interpolation'];
  /** Files decoded at once (default: as `loadDataset` uses). */
  concurrency?: number;
  codec?: ImageCodec;
}

/** One seeded RGB picture: a diagonal gradient with a per-image tint and ±16 of noise. */
function picture(height: number, width: number, seed: number): Buffer {
  const random = mulberry32(seed);
  const tint = [random() * 255, random() * 255, random() * 255];
  const out = Buffer.alloc(height * width * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const g = ((x + y) / (width + height)) * 255;
      for (let c = 0; c < 3; c++) {
        const v = (g + tint[c]!) / 2 + (random() - 0.5) * 32;
        out[(y * width + x) * 3 + c] = Math.max(0, Math.min(255, Math.round(v)));
      }
    }
  }
  return out;
}

/** Best images/s of 3 timed passes after one warm-up. */
async function bestRate(clock: Clock, images: number, pass: () => Promise<unknown>): Promise<number> {
  return perSecond(images, await bestTime(clock, 3, pass));
}

/** Writes the benchmark files, measures decode + resize for JPEG and PNG, removes the files. */
export async function measureDecode(options: DecodeBenchOptions): Promise<DecodeBenchReport> {
  const images = options.images ?? 64;
  const [height, width] = options.source ?? [375, 500];
  const size = options.size ?? [224, 224];
  const channels = options.channels ?? 3;
  const concurrency = options.concurrency ?? defaultConcurrency(availableParallelism());
  const image: ImageSpec = { size, channels, fit: 'stretch', interpolation: options.interpolation ?? 'bilinear', padValue: 0, maxPixels: 40_000_000 };
  const dir = await mkdtemp(join(tmpdir(), 'convlens-bench-decode-'));
  try {
    const files: Record<'jpeg' | 'png', ImageFile[]> = { jpeg: [], png: [] };
    for (let i = 0; i < images; i++) {
      const raw = sharp(picture(height, width, i + 1), { raw: { width, height, channels: 3 } });
      for (const format of ['jpeg', 'png'] as const) {
        const name = `${i}.${format}`;
        await writeFile(join(dir, name), await (format === 'jpeg' ? raw.clone().jpeg({ quality: 90 }) : raw.clone().png()).toBuffer());
        files[format].push({ path: join(dir, name), name });
      }
    }
    const decode = (list: ImageFile[]) =>
      decodeFiles(list, { image, onError: 'fail', codec: options.codec ?? sharpCodec, concurrency, readFile: (p) => readFile(p), where: dir });
    return {
      jpeg_img_s: await bestRate(options.clock, images, () => decode(files.jpeg)),
      png_img_s: await bestRate(options.clock, images, () => decode(files.png)),
      images,
      source: [height, width],
      target: [size[0], size[1], channels],
      concurrency,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

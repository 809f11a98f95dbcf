/**
 * Augmentation throughput for `convlens bench`: images per second through `createAugmenter` on
 * one thread, for the two benchmark shapes, batches of 64.
 *
 *   default settings  the book chapter's ImageDataGenerator (rotation 15, shifts 0.1, horizontal
 *                     flip, zoom 0.1, shear 0.1, channel shift 0.1, fill nearest)
 *   measured          per-image seeds (`imageSeeds`), parameter draws, the geometric pass and the
 *                     value transforms; each batch is first refilled from the source images
 *                     (a memcpy, as `gatherBatch` would), so every pass augments fresh pixels
 *   timing            best of `reps` passes after one untimed warm-up pass
 *
 * Random pixels are fine: the work per image does not depend on the values.
 */
import type { AugmentSpec } from '../config/spec.ts';
import { createAugmenter } from '../data/augment/augmenter.ts';
import type { Shape3 } from '../data/augment/params.ts';
import { imageSeeds } from '../data/augment/seeds.ts';
import type { Clock } from '../lib/clock.ts';
import { mulberry32 } from '../lib/rng.ts';
import { bestTimeSync } from './timing.ts';

/** The book chapter's generator (seeds/001): the settings `measureAugment` uses by default. */
export const BOOK_AUGMENT: Readonly<AugmentSpec> = Object.freeze<AugmentSpec>({
  rotation: 15,
  widthShift: 0.1,
  heightShift: 0.1,
  horizontalFlip: true,
  verticalFlip: false,
  zoom: [0.9, 1.1],
  // Keras's shear_range is in degrees: the chapter's 0.1 is a tenth of a degree.
  shear: 0.1,
  channelShift: 0.1,
  fill: 'nearest',
  fillValue: 0,
});

/** The shapes measured, named as the benchmark models' inputs. */
export const AUGMENT_BENCH_SHAPES: Readonly<Record<string, Shape3>> = Object.freeze({ '28x28x1': [28, 28, 1], '32x32x3': [32, 32, 3] });

export interface AugmentBenchOptions {
  clock: Clock;
  /** Default: BOOK_AUGMENT. */
  spec?: AugmentSpec;
  /** Images per timed pass (rounded up to whole batches); default 8192. */
  images?: number;
  /** Timed passes; the best counts. Default 3. */
  reps?: number;
  batchSize?: number;
}

/** Images per second (one thread) for each of AUGMENT_BENCH_SHAPES, rounded to whole images. */
export function measureAugment(options: AugmentBenchOptions): Record<string, number> {
  const spec = options.spec ?? BOOK_AUGMENT;
  const batchSize = options.batchSize ?? 64;
  const batches = Math.max(1, Math.ceil((options.images ?? 8192) / batchSize));
  const reps = options.reps ?? 3;
  const result: Record<string, number> = {};
  for (const [name, shape] of Object.entries(AUGMENT_BENCH_SHAPES)) {
    const size = shape[0] * shape[1] * shape[2];
    const random = mulberry32(1);
    const source = Float32Array.from({ length: batchSize * size }, () => random());
    const batch = new Float32Array(batchSize * size);
    const seeds = new Uint32Array(batchSize);
    const augmenter = createAugmenter(spec, shape);
    let epoch = 0;
    const pass = () => {
      for (let b = 0; b < batches; b++) {
        batch.set(source);
        augmenter.augment(batch, imageSeeds(7, epoch, b * batchSize, batchSize, seeds));
      }
      epoch++;
    };
    const best = bestTimeSync(options.clock, reps, pass);
    result[name] = Math.round((batches * batchSize) / (Math.max(best, 1e-3) / 1000));
  }
  return result;
}

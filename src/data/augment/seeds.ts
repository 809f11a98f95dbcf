/**
 * Where each image's augmentation stream comes from. An image's parameters depend only on the
 * experiment's augment seed, the epoch, and the image's position in that epoch's order, never on
 * which batch, process or replica handles it, or on whether the run was resumed: the seed is a
 * pure function of those three numbers.
 *
 *   seeds.augment ──deriveSeed('image')──▶ base ──mixSeed(epoch)──▶ epoch seed ──mixSeed(position)──▶ image seed
 *
 * `mixSeed` is a bijection in its index, so within an epoch no two positions share a seed.
 * Mixup plans, one per batch, come from a separate family ('mixup'), keyed by the batch index.
 */
import { deriveSeed, mixSeed } from '../../lib/rng.ts';

/** The seed of the image at `position` (0-based, in the epoch's order) of `epoch` (0-based); uint32. */
export function imageSeed(augmentSeed: number, epoch: number, position: number): number {
  return mixSeed(mixSeed(deriveSeed(augmentSeed, 'image'), epoch), position);
}

/**
 * Seeds of positions `start..start + count − 1` of `epoch` into `out` (allocated when omitted),
 * e.g. one batch's images: `imageSeeds(seeds.augment, epoch, batch * batchSize, n)`.
 */
export function imageSeeds(augmentSeed: number, epoch: number, start: number, count: number, out: Uint32Array = new Uint32Array(count)): Uint32Array {
  if (out.length < count) throw new RangeError(`imageSeeds needs room for ${count} seeds; received ${out.length}.`);
  const epochSeed = mixSeed(deriveSeed(augmentSeed, 'image'), epoch);
  for (let i = 0; i < count; i++) out[i] = mixSeed(epochSeed, start + i);
  return out;
}

/** The seed of the mixup plan of batch `batch` (0-based) of `epoch`; uint32. */
export function mixupSeed(augmentSeed: number, epoch: number, batch: number): number {
  return mixSeed(mixSeed(deriveSeed(augmentSeed, 'mixup'), epoch), batch);
}

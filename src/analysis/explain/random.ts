/**
 * Seeded randomness for explanations (noise, background draws, jitter), from lib/rng.ts.
 *
 * Each image draws from its own stream, named by the method and the image's id (the caller's
 * index of the image, e.g. its test-set index): an image gets the same noise whether it is
 * explained alone or in a batch, and the same test image gets the same noise under every
 * model of a comparison.
 */
import { deriveSeed, mulberry32 } from '../../lib/rng.ts';

/** The uniform [0, 1) stream of `purpose` (e.g. "smoothgrad") for image `id`. */
export function streamFor(seed: number, purpose: string, id: number): () => number {
  return mulberry32(deriveSeed(seed, `${purpose}:${id}`));
}

/** Standard normal samples into `out` (Box–Muller on `random`); returns `out`. */
export function fillNormal(random: () => number, out: Float32Array, start = 0, end = out.length): Float32Array {
  for (let i = start; i < end; i += 2) {
    // 1 − u keeps the logarithm finite (u may be 0, never 1).
    const r = Math.sqrt(-2 * Math.log(1 - random()));
    const theta = 2 * Math.PI * random();
    out[i] = r * Math.cos(theta);
    if (i + 1 < end) out[i + 1] = r * Math.sin(theta);
  }
  return out;
}

/** Image ids for a batch: the given ones, or 0..count−1. */
export function idsFor(count: number, ids?: ArrayLike<number>): number[] {
  if (ids && ids.length !== count) throw new Error(`${ids.length} image ids for ${count} images.`);
  return Array.from({ length: count }, (_, i) => (ids ? ids[i]! : i));
}

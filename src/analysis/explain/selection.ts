/**
 * Which images the report explains, and which training images serve as Expected Gradients'
 * background: seeded choices on plain arrays, so the pipeline can pick them before any tensor
 * work. Pure.
 *
 * - Explained images (`report.explain.images`): a mix of mistakes and correct predictions —
 *   up to half mistakes (rounded up) when the model makes that many, the rest correct ones,
 *   topped up from the other kind when one runs short. Returned in test-set order.
 * - Background: `count` training indices without repetition (all of them when fewer).
 */
import { deriveSeed, mulberry32, permutation } from '../../lib/rng.ts';

/** Test-set indices of `count` images to explain: mistakes and correct predictions mixed (see above). */
export function explainedImages(predicted: ArrayLike<number>, labels: ArrayLike<number>, count: number, seed: number): Int32Array {
  const wrong: number[] = [];
  const right: number[] = [];
  for (let i = 0; i < labels.length; i++) (predicted[i] === labels[i] ? right : wrong).push(i);
  const random = mulberry32(deriveSeed(seed, 'explain/images'));
  const shuffled = (list: number[]) => Array.from(permutation(list.length, random), (k) => list[k]!);
  const w = shuffled(wrong);
  const r = shuffled(right);
  const total = Math.min(count, labels.length);
  const wrongTaken = Math.min(w.length, Math.max(Math.ceil(total / 2), total - r.length));
  const chosen = [...w.slice(0, wrongTaken), ...r.slice(0, total - wrongTaken)];
  return Int32Array.from(chosen.sort((a, b) => a - b));
}

/** `count` training-set indices (of `trainCount`) for Expected Gradients' background, seeded. */
export function backgroundImages(trainCount: number, count: number, seed: number): Int32Array {
  const order = permutation(trainCount, mulberry32(deriveSeed(seed, 'explain/background')));
  return order.slice(0, Math.min(count, trainCount)).sort();
}

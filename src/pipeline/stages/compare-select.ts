/**
 * Which test images the comparison shows: a seeded mix of images where the models disagree (the
 * interesting ones: at least one model predicts a different class) and images where they all
 * agree (so the page also shows what agreement looks like), half and half when there are enough
 * of each, topped up from the other kind when one runs short. Returned in test-set order. Pure.
 */
import { deriveSeed, mulberry32, permutation } from '../../lib/rng.ts';

/** Test indices where not every model predicts the same class, and where all do. */
export function agreement(predicted: readonly ArrayLike<number>[], count: number): { disagree: number[]; agree: number[] } {
  const disagree: number[] = [];
  const agree: number[] = [];
  for (let i = 0; i < count; i++) {
    const first = predicted[0]![i];
    (predicted.every((p) => p[i] === first) ? agree : disagree).push(i);
  }
  return { disagree, agree };
}

/**
 * `count` test indices: up to half (rounded up) where the models disagree, the rest where they
 * agree, each kind drawn in a seeded order (`seed` → "compare/images").
 */
export function comparedImages(predicted: readonly ArrayLike<number>[], testCount: number, count: number, seed: number): number[] {
  const { disagree, agree } = agreement(predicted, testCount);
  const random = mulberry32(deriveSeed(seed, 'compare/images'));
  const shuffled = (list: number[]) => Array.from(permutation(list.length, random), (k) => list[k]!);
  const d = shuffled(disagree);
  const a = shuffled(agree);
  const total = Math.min(count, testCount);
  const fromDisagree = Math.min(d.length, Math.max(Math.ceil(total / 2), total - a.length));
  return [...d.slice(0, fromDisagree), ...a.slice(0, total - fromDisagree)].sort((x, y) => x - y);
}

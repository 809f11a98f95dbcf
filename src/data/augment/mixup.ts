/**
 * Mixup (Zhang et al., 2018) for one batch: every image is blended with a partner from the same
 * batch, and its target with the partner's target by the same weight:
 *
 *   x̃_i = λ_i · x_i + (1 − λ_i) · x_partner(i)      ỹ_i = λ_i · y_i + (1 − λ_i) · y_partner(i)
 *
 * Partners come from one seeded permutation of the batch (an image may draw itself and stay
 * unchanged); λ_i ~ Beta(α, α), drawn per image rather than once per batch as in the paper's code:
 * the same marginal distribution, with less batch-to-batch variance in how much mixing a step sees.
 *
 * The plan is data, not an action, so the training step can blend pixels and targets from the
 * same plan, and a report can show which images were mixed. It runs on the whole batch, after
 * per-image augmentation and before standardization (which is affine per channel, so it would
 * commute anyway). Label smoothing commutes with the target blend (both are affine), so it may
 * come before or after.
 */
import { mulberry32, permutation, sampleBeta } from '../../lib/rng.ts';

/** Who is blended with whom, and by how much. */
export interface MixupPlan {
  /** partner[i]: the batch index image i is blended with (a permutation of 0..n−1). */
  partner: Int32Array;
  /** lambda[i] in [0, 1]: the weight of image i itself; its partner gets 1 − lambda[i]. */
  lambda: Float64Array;
}

/**
 * The plan for a batch of `n` images: a permutation of the batch, then n draws of Beta(α, α),
 * from `mulberry32(seed)` (seed: `mixupSeed(seeds.augment, epoch, batch)`).
 */
export function mixupPlan(n: number, alpha: number, seed: number): MixupPlan {
  if (!(alpha > 0)) throw new RangeError(`mixup needs an alpha above 0; received ${alpha}.`);
  const random = mulberry32(seed);
  const partner = permutation(n, random);
  const lambda = new Float64Array(n);
  for (let i = 0; i < n; i++) lambda[i] = sampleBeta(random, alpha, alpha);
  return { partner, lambda };
}

/**
 * Blends rows of `values` (n rows of `rowLength` floats: images, or targets) by `plan`, in place.
 * `scratch` (at least n × rowLength floats; allocated when omitted) holds the unblended rows,
 * since a row is read as a partner after it has been overwritten.
 */
export function mixRows(values: Float32Array, plan: MixupPlan, rowLength: number, scratch?: Float32Array): Float32Array {
  const n = plan.partner.length;
  const length = n * rowLength;
  if (values.length < length) throw new RangeError(`mixup needs ${n} rows of ${rowLength} values; received ${values.length} values.`);
  const copy = scratch ?? new Float32Array(length);
  if (copy.length < length) throw new RangeError(`mixup needs a scratch of ${length} floats; received ${copy.length}.`);
  copy.set(values.subarray(0, length));
  for (let i = 0; i < n; i++) {
    const j = plan.partner[i]!;
    if (j === i) continue;
    const l = plan.lambda[i]!;
    const m = 1 - l;
    const a = i * rowLength;
    const b = j * rowLength;
    for (let k = 0; k < rowLength; k++) values[a + k] = l * copy[a + k]! + m * copy[b + k]!;
  }
  return values;
}

/**
 * Blended one-hot targets for integer `labels` (the first n = plan size), into `out`
 * (n × classes floats, allocated when omitted): λ_i at y_i plus 1 − λ_i at y_partner(i).
 */
export function mixLabels(labels: ArrayLike<number>, plan: MixupPlan, classes: number, out?: Float32Array): Float32Array {
  const n = plan.partner.length;
  const target = out ?? new Float32Array(n * classes);
  if (target.length < n * classes) throw new RangeError(`mixLabels needs ${n * classes} floats; received ${target.length}.`);
  if (labels.length < n) throw new RangeError(`mixLabels needs ${n} labels; received ${labels.length}.`);
  target.fill(0, 0, n * classes);
  for (let i = 0; i < n; i++) {
    const l = plan.lambda[i]!;
    const own = labels[i]!;
    const other = labels[plan.partner[i]!]!;
    if (own === other) {
      target[i * classes + own] = 1;
    } else {
      target[i * classes + own] = l;
      target[i * classes + other] = 1 - l;
    }
  }
  return target;
}

/**
 * Integrated Gradients (Sundararajan et al. 2017): for image x, baseline x' and class score F,
 *
 *   IG_i(x) = (x_i − x'_i) · ∫₀¹ ∂F(x' + α (x − x')) / ∂x_i dα
 *
 * with the integral taken by a quadrature (quadrature.ts) whose point count adapts per image:
 * `steps` points first, then, for the images whose completeness error — how far Σ_i IG_i is
 * from F(x) − F(x') — is still above `tolerance`, twice as many, up to `maxSteps`. Completeness
 * is the one check of the integral's accuracy available without a reference, and a ReLU
 * network's path integrand (piecewise constant gradients, one jump per ReLU that switches along
 * the path) converges only as 1/steps, so a fixed count that is enough for one image is far off
 * for another (README: "IG completeness and ReLU kinks").
 *
 * F is the class probability by default, as in the paper's experiments and SHAP: attributions
 * then add up to the change in probability from the baseline, a number readers can interpret.
 * The per-pixel map is the sum over channels (it keeps completeness); it is signed.
 *
 * Batched: the (image, point) pairs of all images still refining are rows, `rowsPerPass` per
 * pass; the interpolated inputs are built in tensor code and summed back per image with the
 * quadrature weights as a matrix product. The same path machinery serves Expected Gradients.
 */
import * as tf from '@tensorflow/tfjs';
import { inputGradient, targetTensor } from './gradients.ts';
import { resolveScore, scores, type ScoreKind } from './graph.ts';
import { checkInputs, imageOf, imageSize, imagesTensor, passes, type ImageBatch } from './images.ts';
import { attributionMaps, reducePixels, weightedRowSum, type AttributionMaps } from './maps.ts';
import { quadraturePoints, quadratureRound, type QuadratureRule } from './quadrature.ts';

export interface IntegratedGradientsOptions {
  /** The first point count: trapezoid intervals (steps + 1 gradients) or Gauss–Legendre nodes. */
  steps: number;
  /** The largest count an image may reach by doubling (default `steps`: one fixed count); the trapezoid stops at the largest steps·2^k within it. */
  maxSteps?: number;
  /** Relative completeness error an image stops at (default 0.05; see `completenessError`). */
  tolerance?: number;
  /** The quadrature (default Gauss–Legendre). */
  rule?: QuadratureRule;
  /** One image (h × w × c, model units), e.g. `baselineImage('black', space, shape)`. */
  baseline: Float32Array;
  /** Name of the baseline, for the caption (e.g. "black"). */
  baselineName?: string;
  /** Class score (default: the probability). */
  score?: ScoreKind;
  /** Rows (interpolation points) per pass (default 64). */
  rowsPerPass?: number;
}

/**
 * The smallest |F(x) − F(x')| a completeness error is relative to. When an image's score barely
 * moves between baseline and image (a confident prediction whose baseline is already that
 * class), |Σ − Δ| / |Δ| divides by almost nothing: float32 rounding of the scores alone
 * (~1e-7 of a probability) and of thousands of summed attributions would read as a large error
 * and spend the whole cap on a difference no figure can show. Below 1e-3 (a tenth of a
 * percentage point of probability) the tolerance therefore becomes absolute: |Σ − Δ| ≤ tol · 1e-3.
 */
export const COMPLETENESS_FLOOR = 1e-3;

/** |sum − delta| / max(|delta|, COMPLETENESS_FLOOR): how far attributions are from adding up to `delta`. */
export const completenessError = (sum: number, delta: number): number => Math.abs(sum - delta) / Math.max(Math.abs(delta), COMPLETENESS_FLOOR);

/** score[i, target_i] for each row of x. */
export function targetScores(model: tf.LayersModel, x: tf.Tensor4D, targets: ArrayLike<number>, kind: ScoreKind): Float32Array {
  return tf.tidy(() => {
    const s = scores(model, x, kind);
    return tf.sum(tf.mul(s, tf.oneHot(targetTensor(targets), s.shape[1])), 1).dataSync() as Float32Array;
  });
}

/** Every class score of every image, row-major [count × classes], `batchSize` images per pass. */
export function scoreMatrix(model: tf.LayersModel, batch: ImageBatch, kind: ScoreKind, batchSize = 64): Float32Array {
  const classes = model.outputs[0]!.shape[1] as number;
  const out = new Float32Array(batch.count * classes);
  for (const [start, end] of passes(batch.count, batchSize)) {
    out.set(tf.tidy(() => scores(model, imagesTensor(batch, start, end), kind).dataSync() as Float32Array), start * classes);
  }
  return out;
}

/** Points on the straight paths from reference images to explained images, one row each, image-major. */
export interface PathRows {
  /** The explained image of each row (non-decreasing). */
  image: Int32Array;
  /** The reference (start of the path) of each row: an index into the references batch. */
  reference: Int32Array;
  /** Where on the path: x′ + α (x − x′). */
  alpha: Float64Array;
  /** The row's quadrature weight (IG) or averaging weight (EG). */
  weight: Float64Array;
}

/**
 * Add Σ_r weight_r · (x − x′_r) ⊙ ∇F(x′_r + α_r (x − x′_r)) over the rows of each image into
 * `into[image]` (float64, so hundreds of rounds of float32 pass sums do not drift).
 */
export function addPathGradients(
  model: tf.LayersModel,
  images: ImageBatch,
  targets: ArrayLike<number>,
  score: ScoreKind,
  references: ImageBatch,
  rows: PathRows,
  into: Float64Array[],
  rowsPerPass: number,
): void {
  const [h, w, c] = images.shape;
  const size = imageSize(images.shape);
  for (const [r0, r1] of passes(rows.image.length, rowsPerPass)) {
    const count = r1 - r0;
    // The images of this pass (rows are image-major, so each image is one run) and each row's index among them.
    const distinct: number[] = [];
    const local = new Int32Array(count);
    const base = new Float32Array(count * size);
    for (let r = 0; r < count; r++) {
      const i = rows.image[r0 + r]!;
      if (distinct[distinct.length - 1] !== i) distinct.push(i);
      local[r] = distinct.length - 1;
      base.set(imageOf(references, rows.reference[r0 + r]!), r * size);
    }
    const x = new Float32Array(distinct.length * size);
    distinct.forEach((i, k) => x.set(imageOf(images, i), k * size));
    const sums = tf.tidy(() => {
      const picked = tf.gather(tf.tensor4d(x, [distinct.length, h, w, c]), tf.tensor1d(local, 'int32'));
      const start = tf.tensor4d(base, [count, h, w, c]);
      const difference = tf.sub(picked, start);
      const point = tf.add(start, tf.mul(tf.tensor4d(Float32Array.from(rows.alpha.subarray(r0, r1)), [count, 1, 1, 1]), difference)) as tf.Tensor4D;
      const g = inputGradient(model, point, Array.from(local, (k) => targets[distinct[k]!]!), score);
      return weightedRowSum(tf.mul(difference, g), local, rows.weight.subarray(r0, r1), 0, distinct.length).dataSync() as Float32Array;
    });
    distinct.forEach((i, k) => {
      const target = into[i]!;
      for (let j = 0; j < size; j++) target[j]! += sums[k * size + j]!;
    });
  }
}

/** What an adaptive loop did for each image. */
export interface Refinement {
  /** The point count (steps, samples) each image stopped at. */
  counts: Int32Array;
  /** Gradient evaluations each image cost, over all its rounds (Gauss–Legendre: more than its final count). */
  evaluations: Int32Array;
  /** 1 where the last allowed count still missed the tolerance. */
  capped: Uint8Array;
}

/**
 * Refine every image from `first` points while its error is above `tolerance`: `round(active,
 * from, to)` moves the listed images (all at `from`, 0 in the first round) to `to` points and
 * returns the gradient evaluations that cost each; `next(n)` is the following count, or
 * undefined when the cap forbids one. The images that still refine move in lockstep, so a round
 * is one batch of rows for all of them.
 */
export function refine(
  count: number,
  first: number,
  tolerance: number,
  next: (n: number) => number | undefined,
  round: (active: number[], from: number, to: number) => number,
  error: (image: number) => number,
): Refinement {
  const counts = new Int32Array(count);
  const evaluations = new Int32Array(count);
  const capped = new Uint8Array(count);
  let active = Array.from({ length: count }, (_, i) => i);
  let from = 0;
  let to: number | undefined = first;
  while (active.length > 0 && to !== undefined) {
    const cost = round(active, from, to);
    for (const i of active) {
      counts[i] = to;
      evaluations[i]! += cost;
    }
    active = active.filter((i) => !(error(i) <= tolerance));
    [from, to] = [to, next(to)];
  }
  for (const i of active) capped[i] = 1;
  return { counts, evaluations, capped };
}

/** "16" when every image used the same count, else "16–256", for a caption. */
export function countRange(counts: Int32Array): number | string {
  if (counts.length === 0) return 0;
  const [lo, hi] = [Math.min(...counts), Math.max(...counts)];
  return lo === hi ? lo : `${lo}–${hi}`;
}

/** Integrated Gradients of `targets` for each image; `channels` holds the per-channel attributions. */
export function integratedGradients(model: tf.LayersModel, images: ImageBatch, targets: ArrayLike<number>, options: IntegratedGradientsOptions): AttributionMaps {
  checkInputs(model, images, targets);
  const score = resolveScore(model, options.score ?? 'probability');
  const [h, w, c] = images.shape;
  const size = imageSize(images.shape);
  if (options.baseline.length !== size) throw new Error(`The baseline has ${options.baseline.length} floats; one ${images.shape.join('×')} image has ${size}.`);
  const rule = options.rule ?? 'gaussLegendre';
  const maxSteps = options.maxSteps ?? options.steps;
  const tolerance = options.tolerance ?? 0.05;
  const rowsPerPass = options.rowsPerPass ?? 64;
  const baseline = { data: options.baseline, count: 1, shape: images.shape } satisfies ImageBatch;

  // Completeness's target per image: F(x) − F(x').
  const classes = model.outputs[0]!.shape[1] as number;
  const fx = scoreMatrix(model, images, score, rowsPerPass);
  const fBase = scoreMatrix(model, baseline, score);
  const delta = Float64Array.from({ length: images.count }, (_, i) => fx[i * classes + targets[i]!]! - fBase[targets[i]!]!);

  const sums = Array.from({ length: images.count }, () => new Float64Array(size));
  const total = (i: number) => sums[i]!.reduce((s, v) => s + v, 0);
  const round = (active: number[], from: number, to: number): number => {
    const { nodes, weights, keep } = quadratureRound(rule, from, to);
    for (const i of active) sums[i]!.forEach((v, j, a) => (a[j] = keep * v));
    const n = nodes.length;
    const rows: PathRows = {
      image: Int32Array.from({ length: active.length * n }, (_, r) => active[Math.floor(r / n)]!),
      reference: new Int32Array(active.length * n),
      alpha: Float64Array.from({ length: active.length * n }, (_, r) => nodes[r % n]!),
      weight: Float64Array.from({ length: active.length * n }, (_, r) => weights[r % n]!),
    };
    addPathGradients(model, images, targets, score, baseline, rows, sums, rowsPerPass);
    return n;
  };
  // The trapezoid refines only by exact doubling (its new points are the midpoints); Gauss–Legendre may end on the cap itself.
  const next = (n: number) => (rule === 'trapezoid' ? (2 * n <= maxSteps ? 2 * n : undefined) : n < maxSteps ? Math.min(2 * n, maxSteps) : undefined);
  const done = refine(images.count, Math.min(options.steps, maxSteps), tolerance, next, round, (i) => completenessError(total(i), delta[i]!));

  const channels = sums.map((a) => Float32Array.from(a));
  return attributionMaps({
    method: 'integratedGradients',
    height: h,
    width: w,
    maps: channels.map((a) => reducePixels(a, c, 'sum')),
    channels,
    targets,
    score,
    signed: true,
    completeness: {
      delta: Float32Array.from(delta),
      sum: Float32Array.from(sums, (_, i) => total(i)),
      // The points of the rule each image ended with; Gauss–Legendre's earlier rounds cost more (`gradients`).
      evaluations: done.counts.map((n) => quadraturePoints(rule, n)),
      capped: done.capped,
      tolerance,
    },
    settings: { steps: countRange(done.counts), rule, tolerance, maxSteps, gradients: done.evaluations.reduce((a, b) => a + b, 0), baseline: options.baselineName ?? 'custom', score },
  });
}

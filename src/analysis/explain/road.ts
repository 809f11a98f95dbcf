/**
 * ROAD, RemOve And Debias (Rong, Leemann et al. 2022, "A Consistent and Efficient Evaluation
 * Strategy for Attribution Methods", ICML): remove a fraction p of the pixels (all channels) in
 * the order a map ranks them and fill them by **noisy linear imputation**, so that the filling
 * itself does not tell the model where the removed pixels were (the "class information leakage"
 * that a constant fill has: the mask's shape alone can reveal the class).
 *
 *   MoRF  most relevant first: a faithful map makes the class probability fall fast;
 *   LeRF  least relevant first: a faithful map keeps it high.
 *
 * Noisy linear imputation, as in the authors' code (github tleemann/road_evaluation,
 * `NoisyLinearImputer`): every removed pixel is the weighted mean of its in-image 8-neighbours,
 * weight 1/6 for the 4 direct ones and 1/12 for the diagonal ones, renormalized by the weight
 * that lies inside the image (border and corner pixels). Removed neighbours are unknowns too, so
 * the values solve one sparse linear system per image, the same matrix for every channel:
 *
 *   W_i x_i − Σ_{j removed} w_ij x_j = Σ_{j kept} w_ij v_j,   W_i = Σ_{j in the image} w_ij.
 *
 * The matrix is symmetric and diagonally dominant, strictly so in the rows next to a kept pixel;
 * every group of removed pixels touches a kept one while at least one pixel is kept, so it is
 * positive definite: conjugate gradients solve it in float64, preconditioned by an aggregation
 * multigrid V-cycle (2 × 2 blocks, symmetric Gauss–Seidel), which keeps the iterations near 20
 * even for a 224 × 224 image with one large hole (Jacobi-preconditioned: up to ~900). Then each
 * removed value gets Gaussian noise: σ = 0.01 in raw [0, 1] pixel units as in the authors' code
 * (`NoisyLinearImputer(noise=0.01)`, applied before the dataset's normalization), which is
 * 0.01 · scale_c in model units (PixelSpace); the imputation itself commutes with the per-channel
 * affine map, since every imputed value is a weighted mean.
 *
 * Order: the map's values, largest first (signed: evidence for the class first); exactly equal
 * values in a random order from the image's stream (the authors add 1e-4 · N(0, 1) to the
 * min–max normalized map "for attribution maps with many equal values", which also reorders
 * near-ties; here only exact ties move). p·N rounded pixels are removed (the authors truncate),
 * at most N − 1. Both orders are measured at the same fractions removed (the authors' LeRF at
 * `th_p` keeps the top th_p and so removes 1 − th_p; the same points for symmetric fractions).
 *
 * Measured per image and fraction: the probability of the explained class and whether the
 * predicted class equals the label (the paper's accuracy curves). A curve's area is its mean over
 * the fractions (as pytorch-grad-cam's ROAD averagers).
 *
 * Cost per image and method: 2 · fractions imputations (each a preconditioned conjugate-gradient
 * solve over the removed pixels, linear in their number) and 2 · fractions model rows,
 * `rowsPerPass` rows per forward pass.
 */
import * as tf from '@tensorflow/tfjs';
import { scores } from './graph.ts';
import { checkInputs, imageOf, imageSize, passes, type ImageBatch, type PixelSpace } from './images.ts';
import { fillNormal, idsFor, streamFor } from './random.ts';

/** Noisy linear imputation's neighbours: [dy, dx, weight], 1/6 direct, 1/12 diagonal (sum 1). */
export const IMPUTATION_NEIGHBOURS: readonly (readonly [number, number, number])[] = [
  [-1, -1, 1 / 12], [-1, 0, 1 / 6], [-1, 1, 1 / 12],
  [0, -1, 1 / 6], [0, 1, 1 / 6],
  [1, -1, 1 / 12], [1, 0, 1 / 6], [1, 1, 1 / 12],
];

/** The noise-free imputation: removed pixels (row-major) and their values, unknown-major × channels, float64. */
export interface LinearImputation {
  pixels: Int32Array;
  values: Float64Array;
  /** Preconditioned conjugate-gradient iterations used. */
  iterations: number;
}

/**
 * One level of the solver's hierarchy. While it is built, the off-diagonal entries sit in one
 * slot per neighbour direction (IMPUTATION_NEIGHBOURS' order); `compress` then lists each row's
 * entries (start/col/val) for the loops.
 */
interface Level {
  n: number;
  h: number;
  w: number;
  /** Grid cell of each unknown (row-major in h × w). */
  cell: Int32Array;
  diag: Float64Array;
  /** n × 8: the neighbour unknown in each direction, or −1; and its entry. */
  nbr: Int32Array;
  coef: Float64Array;
  start: Int32Array;
  col: Int32Array;
  val: Float64Array;
  /** The unknown of the next coarser level each unknown belongs to. */
  parent?: Int32Array;
  /** Work arrays, n × channels: right-hand side and solution (coarse levels), residual. */
  r: Float64Array;
  z: Float64Array;
  residual: Float64Array;
}

/** Slot of direction (dy, dx), −1 for (0, 0). */
const SLOT = Int8Array.from({ length: 9 }, (_, i) => IMPUTATION_NEIGHBOURS.findIndex(([dy, dx]) => (dy + 1) * 3 + dx + 1 === i));

/** A level of n unknowns on an h × w grid, no entries yet. */
function emptyLevel(n: number, h: number, w: number, c: number): Level {
  const none = new Int32Array(0);
  return { n, h, w, cell: new Int32Array(n), diag: new Float64Array(n), nbr: new Int32Array(n * 8).fill(-1), coef: new Float64Array(n * 8), start: none, col: none, val: new Float64Array(0), r: new Float64Array(n * c), z: new Float64Array(n * c), residual: new Float64Array(n * c) };
}

/** List each row's off-diagonal entries compactly. */
function compress(level: Level): Level {
  const start = new Int32Array(level.n + 1);
  for (let k = 0; k < level.n; k++) {
    start[k + 1] = start[k]!;
    for (let m = 0; m < 8; m++) if (level.nbr[k * 8 + m]! >= 0) start[k + 1]!++;
  }
  const col = new Int32Array(start[level.n]!);
  const val = new Float64Array(start[level.n]!);
  for (let k = 0, e = 0; k < level.n; k++) {
    for (let m = 0; m < 8; m++) {
      if (level.nbr[k * 8 + m]! < 0) continue;
      col[e] = level.nbr[k * 8 + m]!;
      val[e++] = level.coef[k * 8 + m]!;
    }
  }
  return Object.assign(level, { start, col, val });
}

/**
 * Solve the imputation system for the pixels where `removed` is 1 ([h × w]) of one image
 * (h × w × c, NHWC); stops when every channel's residual is within `tolerance` of its
 * right-hand side's norm (relative, 2-norm).
 */
export function linearImputation(image: ArrayLike<number>, shape: readonly [number, number, number], removed: ArrayLike<number>, tolerance = 1e-8): LinearImputation {
  const [h, w, c] = shape;
  const unknown = new Int32Array(h * w).fill(-1);
  let n = 0;
  for (let p = 0; p < h * w; p++) if (removed[p]) unknown[p] = n++;
  if (n === h * w && n > 0) throw new Error('Linear imputation needs at least one kept pixel.');
  const top = emptyLevel(n, h, w, c);
  const b = new Float64Array(n * c);
  for (let p = 0; p < h * w; p++) {
    const k = unknown[p]!;
    if (k < 0) continue;
    top.cell[k] = p;
    const y = Math.floor(p / w);
    const x = p % w;
    for (let m = 0; m < 8; m++) {
      const [dy, dx, wt] = IMPUTATION_NEIGHBOURS[m]!;
      const yy = y + dy;
      const xx = x + dx;
      if (yy < 0 || yy >= h || xx < 0 || xx >= w) continue;
      top.diag[k]! += wt;
      const q = yy * w + xx;
      if (unknown[q]! >= 0) {
        top.nbr[k * 8 + m] = unknown[q]!;
        top.coef[k * 8 + m] = -wt;
      } else {
        for (let ch = 0; ch < c; ch++) b[k * c + ch]! += wt * image[q * c + ch]!;
      }
    }
  }
  const levels = [compress(top)];
  while (levels.at(-1)!.n > 1) levels.push(compress(coarsen(levels.at(-1)!, c)));
  const { x, iterations } = preconditionedCg(levels, c, b, tolerance);
  return { pixels: top.cell, values: x, iterations };
}

/**
 * The next level: 2 × 2 blocks of cells, an unknown per block holding any; the Galerkin matrix
 * Pᵀ A P of piecewise-constant interpolation P (a block's unknowns share its value), which keeps
 * the 8-neighbour structure and the symmetry.
 */
function coarsen(fine: Level, c: number): Level {
  const h = Math.ceil(fine.h / 2);
  const w = Math.ceil(fine.w / 2);
  const id = new Int32Array(h * w).fill(-1);
  const blockOf = (cell: number) => Math.floor(Math.floor(cell / fine.w) / 2) * w + Math.floor((cell % fine.w) / 2);
  for (let k = 0; k < fine.n; k++) id[blockOf(fine.cell[k]!)] = 0;
  let n = 0;
  for (let q = 0; q < h * w; q++) if (id[q] === 0) id[q] = n++;
  const level = emptyLevel(n, h, w, c);
  const parent = new Int32Array(fine.n);
  for (let k = 0; k < fine.n; k++) {
    const block = blockOf(fine.cell[k]!);
    parent[k] = id[block]!;
    level.cell[id[block]!] = block;
  }
  for (let k = 0; k < fine.n; k++) {
    const i = parent[k]!;
    level.diag[i]! += fine.diag[k]!;
    for (let e = fine.start[k]!; e < fine.start[k + 1]!; e++) {
      const to = parent[fine.col[e]!]!;
      if (to === i) {
        level.diag[i]! += fine.val[e]!;
        continue;
      }
      const dy = Math.floor(level.cell[to]! / w) - Math.floor(level.cell[i]! / w);
      const dx = (level.cell[to]! % w) - (level.cell[i]! % w);
      const slot = SLOT[(dy + 1) * 3 + dx + 1]!;
      level.nbr[i * 8 + slot] = to;
      level.coef[i * 8 + slot]! += fine.val[e]!;
    }
  }
  fine.parent = parent;
  return level;
}

/** q = A p on one level (c right-hand sides, unknown-major). */
function multiply(level: Level, c: number, p: Float64Array, q: Float64Array): void {
  const { n, diag, start, col, val } = level;
  for (let k = 0; k < n; k++) {
    for (let ch = 0; ch < c; ch++) {
      let s = diag[k]! * p[k * c + ch]!;
      for (let e = start[k]!; e < start[k + 1]!; e++) s += val[e]! * p[col[e]! * c + ch]!;
      q[k * c + ch] = s;
    }
  }
}

/** One Gauss–Seidel sweep on A z = r, forward or backward (the pair keeps the V-cycle symmetric). */
function gaussSeidel(level: Level, c: number, z: Float64Array, r: Float64Array, forward: boolean): void {
  const { n, diag, start, col, val } = level;
  for (let t = 0; t < n; t++) {
    const k = forward ? t : n - 1 - t;
    for (let ch = 0; ch < c; ch++) {
      let s = r[k * c + ch]!;
      for (let e = start[k]!; e < start[k + 1]!; e++) s -= val[e]! * z[col[e]! * c + ch]!;
      z[k * c + ch] = s / diag[k]!;
    }
  }
}

/**
 * Piecewise-constant interpolation makes the coarse matrices too stiff (a smooth error is seen
 * as a staircase), so the coarse correction comes out too small; scaling it up is the usual fix
 * for aggregation multigrid (Braess 1995). 1.5 halved the iterations at 224 × 224
 * (42 → 20 for a smooth map at 10–90 %) and stays well below 2, where the preconditioner would
 * stop being positive definite.
 */
const OVER_CORRECTION = 1.5;

/** z ≈ A⁻¹ r by one V-cycle from level l: smooth, restrict the residual, recurse, interpolate, smooth. */
function vCycle(levels: Level[], l: number, c: number, r: Float64Array, z: Float64Array): void {
  const level = levels[l]!;
  z.fill(0);
  if (l === levels.length - 1) {
    for (let k = 0; k < level.n; k++) for (let ch = 0; ch < c; ch++) z[k * c + ch] = r[k * c + ch]! / level.diag[k]!;
    return;
  }
  gaussSeidel(level, c, z, r, true);
  const residual = level.residual;
  multiply(level, c, z, residual);
  for (let i = 0; i < residual.length; i++) residual[i] = r[i]! - residual[i]!;
  const coarse = levels[l + 1]!;
  const parent = level.parent!;
  coarse.r.fill(0);
  for (let k = 0; k < level.n; k++) for (let ch = 0; ch < c; ch++) coarse.r[parent[k]! * c + ch]! += residual[k * c + ch]!;
  vCycle(levels, l + 1, c, coarse.r, coarse.z);
  for (let k = 0; k < level.n; k++) for (let ch = 0; ch < c; ch++) z[k * c + ch]! += OVER_CORRECTION * coarse.z[parent[k]! * c + ch]!;
  gaussSeidel(level, c, z, r, false);
}

/** Conjugate gradients on the top level, preconditioned by a multigrid V-cycle, c right-hand sides at once. */
function preconditionedCg(levels: Level[], c: number, b: Float64Array, tolerance: number) {
  const top = levels[0]!;
  const n = top.n;
  const x = new Float64Array(n * c);
  const r = Float64Array.from(b);
  const z = new Float64Array(n * c);
  const p = new Float64Array(n * c);
  const q = new Float64Array(n * c);
  const rz = new Float64Array(c);
  const goal = new Float64Array(c);
  const active = new Uint8Array(c);
  const dot = (u: Float64Array, v: Float64Array, ch: number) => {
    let s = 0;
    for (let k = 0; k < n; k++) s += u[k * c + ch]! * v[k * c + ch]!;
    return s;
  };
  if (n === 0) return { x, iterations: 0 };
  vCycle(levels, 0, c, r, z);
  p.set(z);
  for (let ch = 0; ch < c; ch++) {
    goal[ch] = tolerance * Math.sqrt(dot(b, b, ch));
    rz[ch] = dot(r, z, ch);
    active[ch] = goal[ch]! > 0 ? 1 : 0;
  }
  const maxIterations = n + 100;
  let iterations = 0;
  while (active.some((a) => a === 1) && iterations < maxIterations) {
    iterations++;
    multiply(top, c, p, q);
    let done = true;
    for (let ch = 0; ch < c; ch++) {
      if (!active[ch]) continue;
      const alpha = rz[ch]! / dot(p, q, ch);
      let rr = 0;
      for (let k = 0; k < n; k++) {
        const i = k * c + ch;
        x[i]! += alpha * p[i]!;
        r[i]! -= alpha * q[i]!;
        rr += r[i]! * r[i]!;
      }
      if (Math.sqrt(rr) <= goal[ch]!) active[ch] = 0;
      else done = false;
    }
    if (done) break;
    vCycle(levels, 0, c, r, z);
    for (let ch = 0; ch < c; ch++) {
      if (!active[ch]) continue;
      const next = dot(r, z, ch);
      const beta = next / rz[ch]!;
      rz[ch] = next;
      for (let k = 0; k < n; k++) p[k * c + ch] = z[k * c + ch]! + beta * p[k * c + ch]!;
    }
  }
  return { x, iterations };
}

/**
 * One image with the `removed` pixels replaced by noisy linear imputation: the system's solution
 * plus N(0, sigma[ch]²) per value (sigma in model units per channel; drawn from `random` in
 * pixel-major, channel-minor order; no draws when every sigma is 0).
 */
export function noisyLinearImputation(image: Float32Array, shape: readonly [number, number, number], removed: ArrayLike<number>, sigma: readonly number[], random?: () => number): Float32Array {
  const c = shape[2];
  const { pixels, values } = linearImputation(image, shape, removed);
  const out = Float32Array.from(image);
  const noisy = sigma.some((s) => s !== 0);
  if (noisy && !random) throw new Error('Noisy linear imputation needs a random stream when the noise is not 0.');
  const noise = noisy ? fillNormal(random!, new Float32Array(values.length)) : undefined;
  for (let k = 0; k < pixels.length; k++) {
    for (let ch = 0; ch < c; ch++) out[pixels[k]! * c + ch] = values[k * c + ch]! + (noise ? sigma[ch]! * noise[k * c + ch]! : 0);
  }
  return out;
}

/** Rank of each pixel by value, largest first; exactly equal values in the order of seeded random keys. */
export function roadRanks(map: Float32Array, random: () => number): Int32Array {
  const keys = Float64Array.from(map, () => random());
  const order = Array.from({ length: map.length }, (_, i) => i);
  order.sort((a, b) => map[b]! - map[a]! || keys[a]! - keys[b]! || a - b);
  const ranks = new Int32Array(map.length);
  order.forEach((p, r) => (ranks[p] = r));
  return ranks;
}

/** Pixels removed at fraction p of `pixels`: round(p · pixels), at least 0, at most pixels − 1. */
export const removedCount = (p: number, pixels: number) => Math.max(0, Math.min(pixels - 1, Math.round(p * pixels)));

export interface RoadOptions {
  /** Fractions of pixels removed, each in (0, 1) (`report.explain.faithfulness.road.fractions`). */
  fractions: readonly number[];
  /** How raw [0, 1] pixels map to model units: the noise σ is `noise` raw units, noise · scale_c in the model's. */
  space: PixelSpace;
  /** Noise σ in raw [0, 1] pixel units (default 0.01, the authors'; 0: plain linear imputation). */
  noise?: number;
  /** The report seed; with `ids`, names each image's stream (tie order, noise). */
  seed: number;
  /** Per image, a stable id (e.g. its test-set index); default its position in the batch. */
  ids?: ArrayLike<number>;
  /** True class per image for the accuracy curves (default the targets: whether the prediction stays the explained class). */
  labels?: ArrayLike<number>;
  /** Rows (imputed images) per forward pass (default 64). */
  rowsPerPass?: number;
}

/** ROAD curves of one method. */
export interface RoadCurves {
  fractions: Float32Array;
  /** Per image: probability of the explained class after removing each fraction, most / least relevant first. */
  morf: Float32Array[];
  lerf: Float32Array[];
  /** Per image and fraction: 1 when the predicted class equals the label. */
  morfCorrect: Uint8Array[];
  lerfCorrect: Uint8Array[];
  /** Per image: mean of its curve over the fractions. */
  morfArea: Float32Array;
  lerfArea: Float32Array;
  /** Over images: mean probability and accuracy per fraction, mean areas. */
  mean: { morf: Float32Array; lerf: Float32Array; morfAccuracy: Float32Array; lerfAccuracy: Float32Array; morfArea: number; lerfArea: number };
  /** σ in raw pixel units. */
  noise: number;
}

/** ROAD MoRF and LeRF curves of `maps` (one per image, h × w) for the images' `targets`. */
export function road(model: tf.LayersModel, images: ImageBatch, targets: ArrayLike<number>, maps: readonly Float32Array[], options: RoadOptions): RoadCurves {
  checkInputs(model, images, targets);
  const labels = options.labels ?? targets;
  if (labels.length !== images.count) throw new Error(`${labels.length} labels for ${images.count} images.`);
  const [h, w, c] = images.shape;
  const pixels = h * w;
  const size = imageSize(images.shape);
  if (maps.length !== images.count || maps.some((m) => m.length !== pixels)) throw new Error(`ROAD needs one ${h}×${w} map per image.`);
  const fractions = Float32Array.from(options.fractions);
  if (fractions.some((p) => !(p > 0 && p < 1))) throw new Error(`ROAD fractions must lie strictly between 0 and 1; got ${options.fractions.join(', ')}.`);
  const noise = options.noise ?? 0.01;
  const sigma = options.space.scale.map((s) => noise * s);
  if (sigma.length !== c) throw new Error(`The pixel space has ${sigma.length} channels; the images have ${c}.`);
  const ids = idsFor(images.count, options.ids);
  const f = fractions.length;
  const counts = options.fractions.map((p) => removedCount(p, pixels));
  // Rows: image-major, then MoRF fractions, then LeRF fractions; each image's stream draws its tie
  // keys first, then each row's noise in row order, so passes never change a result.
  const perImage = 2 * f;
  const probability = Array.from({ length: images.count }, () => new Float32Array(perImage));
  const correct = Array.from({ length: images.count }, () => new Uint8Array(perImage));
  let state: { image: number; ranks: Int32Array; random: () => number } | undefined;
  for (const [r0, r1] of passes(images.count * perImage, options.rowsPerPass ?? 64)) {
    const rows = r1 - r0;
    const x = new Float32Array(rows * size);
    const rowImage = new Int32Array(rows);
    for (let r = 0; r < rows; r++) {
      const i = Math.floor((r0 + r) / perImage);
      const j = (r0 + r) % perImage;
      rowImage[r] = i;
      if (state?.image !== i) {
        const random = streamFor(options.seed, 'road', ids[i]!);
        state = { image: i, ranks: roadRanks(maps[i]!, random), random };
      }
      const count = counts[j % f]!;
      const morf = j < f;
      const removed = Uint8Array.from(state.ranks, (rank) => (morf ? rank < count : rank >= pixels - count) ? 1 : 0);
      x.set(noisyLinearImputation(imageOf(images, i), images.shape, removed, sigma, state.random), r * size);
    }
    const probs = tf.tidy(() => scores(model, tf.tensor4d(x, [rows, h, w, c]), 'probability').dataSync() as Float32Array);
    const classes = probs.length / rows;
    for (let r = 0; r < rows; r++) {
      const i = rowImage[r]!;
      const j = (r0 + r) % perImage;
      let best = 0;
      for (let k = 1; k < classes; k++) if (probs[r * classes + k]! > probs[r * classes + best]!) best = k;
      probability[i]![j] = probs[r * classes + targets[i]!]!;
      correct[i]![j] = best === labels[i] ? 1 : 0;
    }
  }
  const morf = probability.map((v) => v.slice(0, f));
  const lerf = probability.map((v) => v.slice(f));
  const meanOf = (v: ArrayLike<number>) => {
    let s = 0;
    for (let k = 0; k < v.length; k++) s += v[k]!;
    return v.length === 0 ? NaN : s / v.length;
  };
  const average = (list: ArrayLike<number>[]) => Float32Array.from({ length: f }, (_, k) => meanOf(list.map((v) => v[k]!)));
  const morfArea = Float32Array.from(morf, meanOf);
  const lerfArea = Float32Array.from(lerf, meanOf);
  const morfCorrect = correct.map((v) => v.slice(0, f));
  const lerfCorrect = correct.map((v) => v.slice(f));
  return {
    fractions,
    morf,
    lerf,
    morfCorrect,
    lerfCorrect,
    morfArea,
    lerfArea,
    mean: { morf: average(morf), lerf: average(lerf), morfAccuracy: average(morfCorrect), lerfAccuracy: average(lerfCorrect), morfArea: meanOf(morfArea), lerfArea: meanOf(lerfArea) },
    noise,
  };
}

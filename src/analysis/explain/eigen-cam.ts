/**
 * Eigen-CAM (Muhammad & Yeasin 2020): the layer's activations projected on their first principal
 * direction. With A the layer's output as an m × K matrix (m = h'·w' positions, K channels) and
 * v₁ its first right singular vector (the top eigenvector of AᵀA),
 *
 *   map = relu(s · A v₁), s = ±1 so that the projection sums to a positive value,
 *
 * upsampled like Grad-CAM's. A v₁ = Σ_k v₁[k] A^k: a CAM whose channel weights are the dominant
 * direction of the activations themselves, without gradients or a class score. The map is
 * therefore **class-agnostic**: every target gets the same map (targets are still recorded so
 * the result lines up with the other methods').
 *
 * Centring. The paper factorizes the activations as they are; pytorch-grad-cam (get_2d_projection,
 * since its first version) subtracts each channel's mean over positions first. We follow the
 * paper by default: A v₁ is then the spatial factor of the best rank-1 approximation of A
 * (Eckart–Young), i.e. where the dominant activation pattern is strong. For activations after a
 * ReLU (non-negative) v₁ can be taken non-negative (Perron–Frobenius on AᵀA ≥ 0), so with the
 * sum-positive sign the projection is ≥ 0 and the final relu removes nothing. A centred
 * projection sums to exactly zero over positions, so it shows where activations deviate from
 * their average, the relu drops about half the positions, and "make the sum positive" cannot fix
 * the sign of the singular vector (which SVD leaves arbitrary). `center: true` reproduces
 * pytorch-grad-cam's projection, with the sign chosen so that the value of largest magnitude is
 * positive (its sign-corrected variant, after Seg-Eigen-CAM).
 *
 * The first component comes from the smaller Gram matrix (AAᵀ, m × m, or AᵀA, K × K; 49 × 49 for a
 * 7 × 7 × 64 layer) diagonalized by cyclic Jacobi rotations in float64: exact to rounding, no
 * convergence rate to depend on (power iteration slows to a crawl when the top two eigenvalues are
 * close), and the same on every backend. Cost per image: one forward pass to the layer; no
 * backward pass.
 */
import * as tf from '@tensorflow/tfjs';
import { upsampleCam } from './grad-cam.ts';
import { Evaluation } from './graph.ts';
import { checkInputs, imagesTensor, passes, type ImageBatch } from './images.ts';
import { gradCamLayer, type ExplainLayer } from './layers.ts';
import { attributionMaps, splitImages, type AttributionMaps } from './maps.ts';

export interface EigenCamOptions {
  /** The layer (default: `gradCamLayer(model)`). */
  layer?: ExplainLayer;
  /** Subtract each channel's mean over positions before the decomposition, as pytorch-grad-cam does (default false: the paper). */
  center?: boolean;
  /** Images per pass (default 32). */
  batchSize?: number;
}

/** The largest eigenvalue of a symmetric n × n matrix (row-major) and a unit eigenvector for it, by cyclic Jacobi rotations. */
export function topEigenvector(matrix: ArrayLike<number>, n: number): { value: number; vector: Float64Array } {
  const a = Float64Array.from(matrix);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  let scale = 0;
  for (let i = 0; i < n * n; i++) scale += a[i]! * a[i]!;
  for (let sweep = 0; sweep < 100 && scale > 0; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p * n + q]! * a[p * n + q]!;
    if (off <= 1e-30 * scale) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q]!;
        if (apq === 0) continue;
        // The rotation in the (p, q) plane that zeroes a[p][q]: t = tan θ, the smaller root of t² + 2ζt − 1 = 0.
        const zeta = (a[q * n + q]! - a[p * n + p]!) / (2 * apq);
        const t = (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.sqrt(zeta * zeta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let r = 0; r < n; r++) {
          const arp = a[r * n + p]!;
          const arq = a[r * n + q]!;
          a[r * n + p] = c * arp - s * arq;
          a[r * n + q] = s * arp + c * arq;
        }
        for (let r = 0; r < n; r++) {
          const apr = a[p * n + r]!;
          const aqr = a[q * n + r]!;
          a[p * n + r] = c * apr - s * aqr;
          a[q * n + r] = s * apr + c * aqr;
        }
        for (let r = 0; r < n; r++) {
          const vrp = v[r * n + p]!;
          const vrq = v[r * n + q]!;
          v[r * n + p] = c * vrp - s * vrq;
          v[r * n + q] = s * vrp + c * vrq;
        }
      }
    }
  }
  let top = 0;
  for (let i = 1; i < n; i++) if (a[i * n + i]! > a[top * n + top]!) top = i;
  return { value: n > 0 ? a[top * n + top]! : 0, vector: Float64Array.from({ length: n }, (_, r) => v[r * n + top]!) };
}

/** Y Yᵀ (n × n) for the n × t matrix Y stored with element (i, j) at i·rowStride + j·columnStride. */
function gram(y: Float64Array, n: number, t: number, rowStride: number, columnStride: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      let dot = 0;
      for (let l = 0; l < t; l++) dot += y[i * rowStride + l * columnStride]! * y[j * rowStride + l * columnStride]!;
      out[i * n + j] = out[j * n + i] = dot;
    }
  }
  return out;
}

/**
 * The projection A v₁ of one image's activations (`positions` × `channels`, channels last) on
 * their first principal direction, signed so that it sums to a positive value (centred: so that
 * its value of largest magnitude is positive). Float64, before the relu.
 */
export function firstComponentMap(activations: ArrayLike<number>, positions: number, channels: number, center = false): Float64Array {
  const m = positions;
  const k = channels;
  const x = Float64Array.from({ length: m * k }, (_, i) => activations[i]!);
  if (center) {
    for (let c = 0; c < k; c++) {
      let mean = 0;
      for (let p = 0; p < m; p++) mean += x[p * k + c]!;
      mean /= m;
      for (let p = 0; p < m; p++) x[p * k + c]! -= mean;
    }
  }
  const projection = new Float64Array(m);
  if (m <= k) {
    // A v₁ = σ₁ u₁, u₁ the top eigenvector of AAᵀ and σ₁² its eigenvalue.
    const { value, vector } = topEigenvector(gram(x, m, k, k, 1), m);
    const sigma = Math.sqrt(Math.max(0, value));
    for (let p = 0; p < m; p++) projection[p] = sigma * vector[p]!;
  } else {
    const { vector } = topEigenvector(gram(x, k, m, 1, k), k);
    for (let p = 0; p < m; p++) {
      let dot = 0;
      for (let c = 0; c < k; c++) dot += x[p * k + c]! * vector[c]!;
      projection[p] = dot;
    }
  }
  let flip: boolean;
  if (center) {
    let lo = 0;
    let hi = 0;
    for (const value of projection) [lo, hi] = [Math.min(lo, value), Math.max(hi, value)];
    flip = -lo > hi;
  } else {
    flip = projection.reduce((sum, value) => sum + value, 0) < 0;
  }
  if (flip) for (let p = 0; p < m; p++) projection[p] = -projection[p]!;
  return projection;
}

/** Eigen-CAM maps for each image, at the input's height × width; the same for every target (class-agnostic). */
export function eigenCam(model: tf.LayersModel, images: ImageBatch, targets: ArrayLike<number>, options: EigenCamOptions = {}): AttributionMaps {
  checkInputs(model, images, targets);
  const layer = options.layer ?? gradCamLayer(model);
  const center = options.center ?? false;
  const [H, W] = images.shape;
  const out = new Float32Array(images.count * H * W);
  for (const [start, end] of passes(images.count, options.batchSize ?? 32)) {
    const a = tf.tidy(() => new Evaluation(model, [imagesTensor(images, start, end)]).layerOutput(layer.path) as tf.Tensor4D);
    const [n, h, w, k] = a.shape;
    const data = a.dataSync() as Float32Array;
    a.dispose();
    const low = new Float32Array(n * h * w);
    for (let i = 0; i < n; i++) {
      const projection = firstComponentMap(data.subarray(i * h * w * k, (i + 1) * h * w * k), h * w, k, center);
      for (let p = 0; p < h * w; p++) low[i * h * w + p] = Math.max(0, projection[p]!);
    }
    const maps = tf.tidy(() => upsampleCam(tf.tensor4d(low, [n, h, w, 1]), [H, W]));
    out.set(maps.dataSync() as Float32Array, start * H * W);
    maps.dispose();
  }
  return attributionMaps({
    method: 'eigenCam',
    height: H,
    width: W,
    maps: splitImages(out, images.count),
    targets,
    // No class score is read (class-agnostic); the field is required, and `settings.target` says so.
    score: 'logit',
    signed: false,
    layer: layer.name,
    settings: { layer: layer.name, target: 'none (class-agnostic)', centred: center ? 'yes' : 'no' },
  });
}

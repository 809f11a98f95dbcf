/**
 * A 2-D map of what the network has learned: the features the classifier reads (the input of
 * the final Dense layer) for a seeded, stratified subset of the test set, flattened to two
 * dimensions by PCA or UMAP, with how well the true classes separate there.
 *
 *   features   one forward pass per batch up to the penultimate tensor (graph.ts evaluates only
 *              its ancestors); [images × D] floats
 *   PCA        mean-centred, the top two principal axes of the covariance; each axis's sign is
 *              fixed so that its largest-|value| loading is positive (ties: the lower feature;
 *              scikit-learn's svd_flip on V), so the picture does not depend on the solver's
 *              sign. ml-pca (mljs, pure JS) with its covariance method: a D × D symmetric
 *              eigenproblem in float64 (Householder + QL), cheaper than the SVD of the images ×
 *              D data when images ≫ D; its ml-matrix comes with umap-js anyway, so it adds ~55 kB
 *              where a hand-written Jacobi solver would add code to maintain. Checked against
 *              numpy's SVD (scripts/fixtures/pca_reference.py).
 *   UMAP       umap-js (PAIR-code), 2 components, `neighbors` neighbours, min_dist 0.1, its
 *              random stream from lib/rng.ts derived from the report seed, so a seed gives one
 *              map (umap-js draws every random number from that stream: nearest-neighbour
 *              descent, the initial layout, negative sampling)
 *   agreement  the fraction of points whose nearest other point (Euclidean, ties to the lower
 *              position) has the same true class: ~1 when classes form clean clusters, about
 *              Σ p_k² (the chance level) when they are mixed. O(n² D): 2,000 points of 128
 *              features take well under a second
 */
import * as tf from '@tensorflow/tfjs';
import { PCA } from 'ml-pca';
import { UMAP } from 'umap-js';
import { deriveSeed, mulberry32 } from '../../lib/rng.ts';
import { limitStratified } from '../../data/split.ts';
import { Evaluation } from './graph.ts';
import { checkInputs, passes, type ImageBatch } from './images.ts';
import { asSource, type ImageSource } from './top-images.ts';

const ACTIVATIONS = new Set(['Activation', 'Softmax']);

/**
 * The tensor the model's final layer reads: walk back from the output over activation layers to a
 * Dense and take its input. A model that ends in pooling → softmax (no Dense, e.g. an all-
 * convolutional net) has no such layer: then the tensor the final softmax reads (the class
 * scores) is what it maps.
 */
function penultimateTensor(model: tf.LayersModel): { sym: tf.SymbolicTensor; layer: string } {
  let sym = model.outputs[0]!;
  let reader: string | undefined;
  while (ACTIVATIONS.has(sym.sourceLayer.getClassName()) && sym.inputs.length === 1) {
    reader = sym.sourceLayer.name;
    sym = sym.inputs[0]!;
  }
  const last = sym.sourceLayer;
  if (last.getClassName() === 'Dense' && sym.inputs[0]) return { sym: sym.inputs[0], layer: last.name };
  if (reader !== undefined) return { sym, layer: reader };
  throw new Error(`The model ends in ${last.getClassName()} "${last.name}", neither a Dense layer nor an activation: the embedding reads the input of the final layer.`);
}

/** Penultimate-layer features of a set of images. */
export interface PenultimateFeatures {
  /** The final Dense layer whose input these are. */
  layer: string;
  count: number;
  /** Features per image (the Dense layer's input size). */
  dims: number;
  /** count × dims, row-major. */
  features: Float32Array;
}

/** The input of the model's final Dense layer for every image, in `batchSize` passes (default 256). */
export function penultimateFeatures(model: tf.LayersModel, images: ImageBatch | ImageSource, options: { batchSize?: number } = {}): PenultimateFeatures {
  const source = asSource(images);
  checkInputs(model, { data: new Float32Array(0), count: 0, shape: source.shape });
  const { sym, layer } = penultimateTensor(model);
  const dims = sym.shape.slice(1).reduce<number>((a, d) => a * (d ?? 1), 1);
  const features = new Float32Array(source.count * dims);
  for (const [start, end] of passes(source.count, options.batchSize ?? 256)) {
    const x = tf.tensor4d(source.read(start, end), [end - start, ...source.shape]);
    const values = tf.tidy(() => new Evaluation(model, [x]).value(sym).reshape([end - start, dims]));
    features.set(values.dataSync() as Float32Array, start * dims);
    tf.dispose([x, values]);
  }
  return { layer, count: source.count, dims, features };
}

/** Test-set positions of the images the map shows: all when `count` ≥ the set, else a stratified subset seeded by name from the report seed; ascending. */
export function embeddingImages(labels: ArrayLike<number>, count: number, seed: number): Int32Array {
  const all = Int32Array.from({ length: labels.length }, (_, i) => i);
  return limitStratified(Uint8Array.from(labels), all, Math.min(Math.max(0, Math.floor(count)), labels.length), mulberry32(deriveSeed(seed, 'embedding/images')));
}

export type EmbeddingMethod = 'pca' | 'umap';

/** Points in the plane, with what a caption needs. */
export interface Embedding2d {
  method: EmbeddingMethod;
  x: Float64Array;
  y: Float64Array;
  /** PCA: the share of the total variance each of the two axes carries. */
  explainedVariance?: [number, number];
  /** UMAP: neighbours, minimum distance, epochs. */
  settings: Record<string, number>;
}

export interface Embed2dOptions {
  /** The report seed (UMAP's random stream is derived from it). */
  seed: number;
  /** UMAP's neighbourhood size (default 15, at most points − 1). */
  neighbors?: number;
  /** UMAP's minimum distance between embedded points (default 0.1). */
  minDist?: number;
  /** UMAP's optimization epochs (default: umap-js's own, 500 up to 2,500 points). */
  epochs?: number;
}

/** Rows of a row-major matrix as number arrays (what both libraries take). */
function rows(features: Float32Array, count: number, dims: number): number[][] {
  return Array.from({ length: count }, (_, i) => Array.from(features.subarray(i * dims, (i + 1) * dims)));
}

/** The two principal axes (unit vectors, sign fixed as in the file comment), their variances and the total. */
export function principalAxes(features: Float32Array, count: number, dims: number): { axes: [Float64Array, Float64Array]; variance: [number, number]; total: number } {
  if (count < 2) return { axes: [unitAxis(dims, 0), unitAxis(dims, 1)], variance: [0, 0], total: 0 };
  // Covariance (D × D) then a symmetric eigen-decomposition: for count ≫ D far cheaper than the SVD of the data.
  const pca = new PCA(rows(features, count, dims), { method: 'covarianceMatrix', center: true });
  const vectors = pca.getEigenvectors();
  const values = pca.getEigenvalues();
  const axis = (k: number): Float64Array => {
    if (k >= vectors.columns) return unitAxis(dims, k);
    const v = Float64Array.from(vectors.getColumn(k));
    let big = 0;
    for (let j = 1; j < dims; j++) if (Math.abs(v[j]!) > Math.abs(v[big]!)) big = j;
    if (v[big]! < 0) for (let j = 0; j < dims; j++) v[j] = -v[j]!;
    return v;
  };
  const total = values.reduce((a, b) => a + Math.max(0, b), 0);
  return { axes: [axis(0), axis(1)], variance: [Math.max(0, values[0] ?? 0), Math.max(0, values[1] ?? 0)], total };
}

function unitAxis(dims: number, k: number): Float64Array {
  const v = new Float64Array(dims);
  if (k < dims) v[k] = 1;
  return v;
}

/** Mean-centred features projected on the two principal axes. */
function pca2d(features: Float32Array, count: number, dims: number): Embedding2d {
  const { axes, variance, total } = principalAxes(features, count, dims);
  const mean = new Float64Array(dims);
  for (let i = 0; i < count; i++) for (let j = 0; j < dims; j++) mean[j]! += features[i * dims + j]! / count;
  const x = new Float64Array(count);
  const y = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    let a = 0;
    let b = 0;
    for (let j = 0; j < dims; j++) {
      const c = features[i * dims + j]! - mean[j]!;
      a += c * axes[0][j]!;
      b += c * axes[1][j]!;
    }
    x[i] = a;
    y[i] = b;
  }
  const share = (v: number) => (total > 0 ? v / total : 0);
  return { method: 'pca', x, y, explainedVariance: [share(variance[0]), share(variance[1])], settings: { dims } };
}

function umap2d(features: Float32Array, count: number, dims: number, options: Embed2dOptions): Embedding2d {
  const neighbors = Math.max(1, Math.min(options.neighbors ?? 15, count - 1));
  const minDist = options.minDist ?? 0.1;
  // umap-js needs a few points to build a neighbour graph; tiny sets fall back to a line.
  if (count < 3) return { method: 'umap', x: Float64Array.from({ length: count }, (_, i) => i), y: new Float64Array(count), settings: { neighbors, minDist, epochs: 0 } };
  const umap = new UMAP({ nComponents: 2, nNeighbors: neighbors, minDist, random: mulberry32(deriveSeed(options.seed, 'embedding/umap')), ...(options.epochs && { nEpochs: options.epochs }) });
  const epochs = umap.initializeFit(rows(features, count, dims));
  for (let e = 0; e < epochs; e++) umap.step();
  const points = umap.getEmbedding();
  return { method: 'umap', x: Float64Array.from(points, (p) => p[0]!), y: Float64Array.from(points, (p) => p[1]!), settings: { neighbors, minDist, epochs } };
}

/** Features (count × dims, row-major, as `penultimateFeatures` returns them) → 2-D coordinates by `method`. */
export function embed2d({ features, dims }: Pick<PenultimateFeatures, 'features' | 'dims'>, method: EmbeddingMethod, options: Embed2dOptions): Embedding2d {
  const count = dims > 0 ? Math.floor(features.length / dims) : 0;
  if (count * dims !== features.length) throw new Error(`${features.length} floats are not a whole number of ${dims}-feature rows.`);
  return method === 'pca' ? pca2d(features, count, dims) : umap2d(features, count, dims, options);
}

/** For each of `count` points (count × dims, row-major) the position of its nearest other point (Euclidean; ties to the lower position; −1 when alone). */
export function nearestNeighbours(points: ArrayLike<number>, dims: number, count: number): Int32Array {
  const nearest = new Int32Array(count).fill(-1);
  for (let i = 0; i < count; i++) {
    let bestD = Infinity;
    for (let j = 0; j < count; j++) {
      if (j === i) continue;
      let d = 0;
      for (let k = 0; k < dims; k++) {
        const t = points[i * dims + k]! - points[j * dims + k]!;
        d += t * t;
      }
      if (d < bestD) {
        bestD = d;
        nearest[i] = j;
      }
    }
  }
  return nearest;
}

/**
 * The fraction of points whose nearest other point has the same label; `points` is count × dims
 * row-major (the 2-D map, or the features themselves). Ties go to the lower position; 0 points: 0.
 */
export function neighbourAgreement(points: ArrayLike<number>, dims: number, labels: ArrayLike<number>): number {
  const count = labels.length;
  if (count < 2) return count === 1 ? 1 : 0;
  const nearest = nearestNeighbours(points, dims, count);
  let same = 0;
  for (let i = 0; i < count; i++) if (labels[nearest[i]!] === labels[i]) same++;
  return same / count;
}

/** The agreement expected by chance when labels are unrelated to position: Σ over classes of (share of points)². */
export function chanceAgreement(labels: ArrayLike<number>): number {
  const counts = new Map<number, number>();
  for (let i = 0; i < labels.length; i++) counts.set(labels[i]!, (counts.get(labels[i]!) ?? 0) + 1);
  let s = 0;
  for (const c of counts.values()) s += (c / labels.length) ** 2;
  return s;
}

/** One image on the map. */
export interface EmbeddingPoint {
  /** Test-set index. */
  index: number;
  x: number;
  y: number;
  /** True and predicted class indices. */
  true: number;
  predicted: number;
  correct: boolean;
}

/** The map's points: coordinates with the images' test indices and classes (all in the same order). */
export function embeddingPoints(map: Embedding2d, indices: ArrayLike<number>, truth: ArrayLike<number>, predicted: ArrayLike<number>): EmbeddingPoint[] {
  return Array.from({ length: map.x.length }, (_, i) => ({ index: indices[i]!, x: map.x[i]!, y: map.y[i]!, true: truth[i]!, predicted: predicted[i]!, correct: truth[i] === predicted[i] }));
}

/** Points (x, y) interleaved, for the neighbour functions. */
export function planeOf(points: readonly EmbeddingPoint[]): Float64Array {
  const xy = new Float64Array(points.length * 2);
  points.forEach((p, i) => xy.set([p.x, p.y], i * 2));
  return xy;
}

/** The 2-D agreement of a map's points: the share whose nearest point on the map has the same true class. */
export function mapAgreement(points: readonly EmbeddingPoint[]): number {
  return neighbourAgreement(planeOf(points), 2, points.map((p) => p.true));
}

/** The final Dense layer whose input the map would show, or undefined when the model does not end in one (the map is then left out). */
export function penultimateSource(model: tf.LayersModel): string | undefined {
  try {
    return penultimateTensor(model).layer;
  } catch {
    return undefined;
  }
}

/**
 * What attribution methods return (plain arrays, one map per image, plus what a figure needs),
 * and the row bookkeeping batched methods share: many rows per image (samples, steps, masked
 * copies) run through the model together, then are summed back per image with weights.
 */
import * as tf from '@tensorflow/tfjs';
import type { ExplainMethod } from '../../config/spec.ts';
import type { ScoreKind } from './graph.ts';

/** Smallest and largest value. */
export interface Range {
  min: number;
  max: number;
}

/** Min and max of `values` (0, 0 when empty; NaN is ignored). */
export function rangeOf(values: ArrayLike<number>): Range {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return min <= max ? { min, max } : { min: 0, max: 0 };
}

/** Range over several arrays. */
export function rangeOfAll(ranges: readonly Range[]): Range {
  return ranges.length === 0 ? { min: 0, max: 0 } : { min: Math.min(...ranges.map((r) => r.min)), max: Math.max(...ranges.map((r) => r.max)) };
}

/** One explanation method's maps for a batch of images. */
export interface AttributionMaps {
  method: ExplainMethod;
  /** Map size: the input image's height and width. */
  height: number;
  width: number;
  /** One map per image, height × width, row-major. */
  maps: Float32Array[];
  /** Per map. */
  ranges: Range[];
  /** Over all maps (for one colour scale across images). */
  range: Range;
  /** The class each image's map explains. */
  targets: Int32Array;
  /** What the class score was: the pre-softmax logit, or the probability. */
  score: ScoreKind;
  /** Whether negative values mean something (evidence against the class): draw with a diverging colour map. */
  signed: boolean;
  /** Per image, height × width × channels values before they were reduced to one per pixel (gradient methods). */
  channels?: Float32Array[];
  /**
   * Additive methods (Integrated / Expected Gradients): per image, the score difference the
   * attributions should add up to, F(x) − F(baseline) (Expected Gradients: minus the mean over the
   * background), and what they do add up to.
   */
  completeness?: {
    delta: Float32Array;
    sum: Float32Array;
    /** Per image: the gradient evaluations its attributions used (IG: quadrature points; EG: samples). */
    evaluations?: Int32Array;
    /** Per image: 1 when the cap (`maxSteps`/`maxSamples`) was reached before the error fell within the tolerance. */
    capped?: Uint8Array;
    /** The relative error the adaptive loop aimed for. */
    tolerance?: number;
  };
  /** Grad-CAM's layer (report name). */
  layer?: string;
  /** The settings used (steps, samples, σ, …), for the figure caption. */
  settings: Record<string, number | string>;
}

/** Assemble an AttributionMaps from per-image maps. */
export function attributionMaps(fields: Omit<AttributionMaps, 'ranges' | 'range' | 'targets'> & { targets: ArrayLike<number> }): AttributionMaps {
  const ranges = fields.maps.map(rangeOf);
  return { ...fields, targets: Int32Array.from(fields.targets), ranges, range: rangeOfAll(ranges) };
}

/**
 * Σ over rows of weight[r] · values[r], per image: `rowImage[r]` is the image of row r (an index
 * from `first`), `count` images. A matrix product with a [count, rows] weight matrix, so it runs
 * on every backend (wasm has no segment sums). Returns [count, ...values.shape[1:]].
 */
export function weightedRowSum(values: tf.Tensor, rowImage: ArrayLike<number>, rowWeight: ArrayLike<number>, first: number, count: number): tf.Tensor {
  const rows = values.shape[0]!;
  const w = new Float32Array(count * rows);
  for (let r = 0; r < rows; r++) w[(rowImage[r]! - first) * rows + r] = rowWeight[r]!;
  const flat = tf.reshape(values, [rows, -1]) as tf.Tensor2D;
  return tf.reshape(tf.matMul(tf.tensor2d(w, [count, rows]), flat), [count, ...values.shape.slice(1)]);
}

/** Add `chunk` (images first..first+k, `size` floats each) into per-image accumulators. */
export function accumulate(into: Float32Array[], first: number, chunk: Float32Array, size: number): void {
  for (let k = 0; k * size < chunk.length; k++) {
    const target = into[first + k]!;
    for (let j = 0; j < size; j++) target[j]! += chunk[k * size + j]!;
  }
}

/** Split [count × size] floats into `count` arrays. */
export function splitImages(data: Float32Array, count: number): Float32Array[] {
  const size = data.length / count;
  return Array.from({ length: count }, (_, i) => data.slice(i * size, (i + 1) * size));
}

/** Per pixel over channels (NHWC): the largest |value| (Simonyan et al.'s saliency) or the sum (additive attributions). */
export function reducePixels(values: Float32Array, channels: number, how: 'maxAbs' | 'sum'): Float32Array {
  const pixels = values.length / channels;
  const out = new Float32Array(pixels);
  for (let p = 0; p < pixels; p++) {
    let acc = how === 'sum' ? 0 : -Infinity;
    for (let c = 0; c < channels; c++) {
      const v = values[p * channels + c]!;
      acc = how === 'sum' ? acc + v : Math.max(acc, Math.abs(v));
    }
    out[p] = acc;
  }
  return out;
}

/**
 * The images explanations take, and how raw pixels map to the model's input units.
 *
 * Images cross in as one Float32Array, NHWC row-major, already normalized as the model expects
 * (the same values `predict` sees). Baselines and fills are written in raw pixel terms (black,
 * white, the training mean) and mapped to model units through a `PixelSpace`.
 */
import * as tf from '@tensorflow/tfjs';

/** Images in the model's input units: `count` × height × width × channels floats, NHWC row-major. */
export interface ImageBatch {
  data: Float32Array;
  count: number;
  /** [height, width, channels] of one image. */
  shape: [number, number, number];
}

/** Floats per image. */
export const imageSize = (shape: readonly [number, number, number]) => shape[0] * shape[1] * shape[2];

/** A batch over `data` (its length must be a whole number of images). */
export function imageBatch(data: Float32Array, shape: [number, number, number]): ImageBatch {
  const size = imageSize(shape);
  if (data.length % size !== 0) throw new Error(`${data.length} floats are not a whole number of ${shape.join('×')} images.`);
  return { data, count: data.length / size, shape };
}

/** Images `start..end` of a batch as a tensor [end − start, h, w, c]. */
export function imagesTensor(batch: ImageBatch, start = 0, end = batch.count): tf.Tensor4D {
  const size = imageSize(batch.shape);
  return tf.tensor4d(batch.data.subarray(start * size, end * size), [end - start, ...batch.shape]);
}

/** One image of a batch (a view, not a copy). */
export const imageOf = (batch: ImageBatch, i: number): Float32Array => batch.data.subarray(i * imageSize(batch.shape), (i + 1) * imageSize(batch.shape));

/** Checks that the batch fits the model's input and that there is one target per image. */
export function checkInputs(model: tf.LayersModel, batch: ImageBatch, targets?: ArrayLike<number>): void {
  const [, h, w, c] = model.inputs[0]!.shape;
  const fits = [h, w, c].every((d, i) => d === null || d === batch.shape[i]);
  if (!fits) throw new Error(`Images of shape ${batch.shape.join('×')} do not fit the model input ${[h, w, c].join('×')}.`);
  if (batch.data.length !== batch.count * imageSize(batch.shape)) throw new Error(`The batch holds ${batch.data.length} floats, not ${batch.count} images of ${batch.shape.join('×')}.`);
  if (targets && targets.length !== batch.count) throw new Error(`${targets.length} targets for ${batch.count} images.`);
  const classes = model.outputs[0]!.shape[1] as number;
  if (targets) for (let i = 0; i < targets.length; i++) if (!(targets[i]! >= 0 && targets[i]! < classes && Number.isInteger(targets[i]))) throw new Error(`Target ${targets[i]} of image ${i} is not a class index below ${classes}.`);
}

/**
 * How raw pixel values in [0, 1] (black 0, white 1) become model inputs, per channel:
 * model = offset + scale · raw. `rescale` is offset 0, scale 1; standardizing with mean m and
 * standard deviation s (both in [0, 1] units) is offset −m/s, scale 1/s.
 */
export interface PixelSpace {
  offset: number[];
  scale: number[];
  /** The training split's mean per channel in raw [0, 1] units (the `mean` baseline). */
  mean: number[];
}

/** The space of `rescale` (x/255): model units are raw units. `mean` defaults to mid-grey. */
export function rescaleSpace(channels: number, mean: number[] = Array<number>(channels).fill(0.5)): PixelSpace {
  return { offset: Array<number>(channels).fill(0), scale: Array<number>(channels).fill(1), mean };
}

/** The space of standardization with per-channel mean and standard deviation (raw [0, 1] units). */
export function standardizeSpace(mean: number[], std: number[]): PixelSpace {
  return { offset: mean.map((m, c) => -m / std[c]!), scale: std.map((s) => 1 / s), mean };
}

/** Reference images: all black, all white, or the training mean colour. */
export type BaselineKind = 'black' | 'white' | 'mean';

/** One image (h × w × c, model units) filled with the baseline colour. */
export function baselineImage(kind: BaselineKind, space: PixelSpace, shape: [number, number, number]): Float32Array {
  const [h, w, c] = shape;
  const raw = (ch: number) => (kind === 'black' ? 0 : kind === 'white' ? 1 : space.mean[ch]!);
  const colour = Array.from({ length: c }, (_, ch) => space.offset[ch]! + space.scale[ch]! * raw(ch));
  const out = new Float32Array(h * w * c);
  for (let p = 0; p < h * w; p++) for (let ch = 0; ch < c; ch++) out[p * c + ch] = colour[ch]!;
  return out;
}

/** Start indices of passes of at most `size` over `total` items: [start, end) pairs. */
export function* passes(total: number, size: number): Generator<[number, number]> {
  const step = Math.max(1, Math.floor(size));
  for (let start = 0; start < total; start += step) yield [start, Math.min(total, start + step)];
}

/**
 * The test images that excite a filter most: for the filters whose gradient-ascent patterns the
 * report draws (filter-patterns.ts), the `top` images of a set whose mean activation of the
 * filter is largest. The score is the patterns' objective exactly — the filter's mean over the
 * map's interior (a 2-pixel border left out when the map is large enough), read **before the
 * layer's activation** (a layer without one: its output) — so a pattern's final objective and its
 * top images' values sit on one scale and can be compared.
 *
 * One forward pass per batch serves every requested layer: graph.ts evaluates only the
 * ancestors of what is asked for, so the model runs up to the deepest requested layer and no
 * further. Per batch only an [images × filters] matrix of means leaves the backend; the top
 * lists are kept in plain arrays, so memory is one batch of activations whatever the set's size.
 * A layer with a built-in activation is recomputed without it for the scanned filters only
 * (`preActivationReader`), so the scan costs about one forward pass: 10,000 28×28 test images
 * through small-cnn's three convolutions in ~2 s on wasm (2 shared cores).
 *
 * Ranking: larger mean first; equal means in ascending image order (the lower index wins a
 * tie). The scan visits images in order and a later image only displaces a kept one when it is
 * strictly larger, so batch boundaries never change a result. NaN means are never ranked.
 */
import * as tf from '@tensorflow/tfjs';
import { Evaluation, unfusedCall } from './graph.ts';
import { checkInputs, imageSize, passes, type ImageBatch } from './images.ts';
import type { ExplainLayer } from './layers.ts';

/** Images read one pass at a time in model units, so a whole test set need not sit in memory as floats. */
export interface ImageSource {
  count: number;
  /** [height, width, channels] of one image. */
  shape: [number, number, number];
  /** Images start..end (exclusive) as NHWC floats in model units. */
  read(start: number, end: number): Float32Array;
}

/** A batch or a source, as a source. */
export function asSource(images: ImageBatch | ImageSource): ImageSource {
  if ('read' in images) return images;
  const size = imageSize(images.shape);
  return { count: images.count, shape: images.shape, read: (start, end) => images.data.subarray(start * size, end * size) };
}

/** One layer's top-activating images. */
export interface FilterTopImages {
  layer: string;
  /** Channel indices of the filters (the first `count`, as the patterns). */
  filters: number[];
  /** Whether the means were read before the layer's activation function (as the patterns' objective). */
  preActivation: boolean;
  /** Images scanned. */
  images: number;
  /** Per filter: positions in the scanned set (test indices when the whole test set is passed), largest mean first. */
  indices: Int32Array[];
  /** Per filter: the means of those images, same order. */
  values: Float32Array[];
  /** Per filter: the mean over every scanned image (what a typical image gives). */
  mean: Float32Array;
}

export interface TopImagesOptions {
  /** Filters per layer: the first `count` (fewer when the layer has fewer channels). */
  count: number;
  /** Images kept per filter. */
  top: number;
  /** Images per forward pass (default 64: on wasm larger passes were slower, not faster). */
  batchSize?: number;
}

const ACTIVATION_LAYERS = new Set(['Activation', 'ReLU', 'LeakyReLU', 'ELU', 'PReLU', 'ThresholdedReLU', 'Softmax']);

/**
 * The tensor a filter objective reads for `layer`, channels 0..count−1: its output before its
 * activation function. An activation layer's input, a linear layer's output; a convolution with
 * a built-in activation is recomputed with a linear one from its input, and for Conv2D and
 * SeparableConv2D only for the first `count` filters (the kernel's and bias's last axis cut), so
 * scanning a deep layer's first 8 of 128 filters costs 1/16 of a second pass through that layer.
 * `dispose` frees the copy's weights.
 */
export function preActivationReader(layer: ExplainLayer, count: number): { read: (e: Evaluation) => tf.Tensor4D; preActivation: boolean; dispose: () => void } {
  const last = layer.path[layer.path.length - 1]!;
  if (ACTIVATION_LAYERS.has(last.getClassName())) return { read: (e) => e.layerInput(layer.path) as tf.Tensor4D, preActivation: true, dispose: () => {} };
  const config = last.getConfig() as { activation?: string; name: string; filters?: number };
  if (config.activation === undefined || config.activation === 'linear') return { read: (e) => e.layerOutput(layer.path) as tf.Tensor4D, preActivation: false, dispose: () => {} };
  const cut = typeof config.filters === 'number' && count < config.filters && (last.getClassName() === 'Conv2D' || last.getClassName() === 'SeparableConv2D');
  const Ctor = last.constructor as new (args: object) => tf.layers.Layer;
  const linear = new Ctor({ ...config, ...(cut && { filters: count }), name: `${config.name}_top_images_linear`, activation: 'linear' });
  linear.build(last.inboundNodes[0]!.inputTensors[0]!.shape);
  const values = last.getWeights();
  const weights = tf.tidy(() =>
    last.weights.map((w, i) => {
      const value = values[i]!;
      // The per-filter weights (kernel or pointwise kernel, bias) have the filters on their last axis.
      if (!cut || /depthwise/.test(w.originalName)) return value.clone();
      return tf.slice(value, value.shape.map(() => 0), [...value.shape.slice(0, -1), count]);
    }),
  );
  linear.setWeights(weights);
  tf.dispose(weights);
  return {
    read: (e) => {
      const input = e.layerInput(layer.path);
      return (unfusedCall(linear, input) ?? linear.apply(input)) as tf.Tensor4D;
    },
    preActivation: true,
    dispose: () => (linear as unknown as { disposeWeights(): number }).disposeWeights(),
  };
}

/** Mean of channels 0..count−1 over the map's interior (filter-patterns.ts's border rule): [n, count]. */
export function interiorMeans(activation: tf.Tensor4D, count: number): tf.Tensor2D {
  const [, h, w] = activation.shape;
  const border = Math.min(2, Math.floor((Math.min(h, w) - 1) / 4));
  return tf.mean(tf.slice(activation, [0, border, border, 0], [-1, h - 2 * border, w - 2 * border, count]), [1, 2]) as tf.Tensor2D;
}

/** A fixed-size list of the largest values seen, larger first, earlier first among equals. */
class TopList {
  readonly indices: number[] = [];
  readonly values: number[] = [];
  private readonly size: number;
  constructor(size: number) {
    this.size = size;
  }

  offer(index: number, value: number): void {
    if (this.size === 0 || Number.isNaN(value)) return;
    const n = this.values.length;
    if (n === this.size && !(value > this.values[n - 1]!)) return;
    // After every equal value: an earlier image keeps its place.
    let at = n;
    while (at > 0 && value > this.values[at - 1]!) at--;
    this.values.splice(at, 0, value);
    this.indices.splice(at, 0, index);
    if (this.values.length > this.size) {
      this.values.pop();
      this.indices.pop();
    }
  }
}

/** The `top` images of `images` with the largest interior mean of each of the first `count` filters of every layer. */
export function topActivatingImages(model: tf.LayersModel, images: ImageBatch | ImageSource, layers: readonly ExplainLayer[], options: TopImagesOptions): FilterTopImages[] {
  const source = asSource(images);
  checkInputs(model, { data: new Float32Array(0), count: 0, shape: source.shape });
  const counts = layers.map((layer) => Math.min(options.count, layer.shape[2] ?? 0));
  const readers = layers.map((layer, l) => preActivationReader(layer, counts[l]!));
  const lists = counts.map((c) => Array.from({ length: c }, () => new TopList(Math.max(0, Math.floor(options.top)))));
  const sums = counts.map((c) => new Float64Array(c));
  try {
    for (const [start, end] of passes(source.count, options.batchSize ?? 64)) {
      const x = tf.tensor4d(source.read(start, end), [end - start, ...source.shape]);
      const means = tf.tidy(() => {
        const evaluation = new Evaluation(model, [x]);
        return readers.map((r, l) => interiorMeans(r.read(evaluation), counts[l]!));
      });
      x.dispose();
      means.forEach((t, l) => {
        const c = counts[l]!;
        const data = t.dataSync();
        for (let i = 0; i < end - start; i++) {
          for (let f = 0; f < c; f++) {
            const v = data[i * c + f]!;
            lists[l]![f]!.offer(start + i, v);
            sums[l]![f]! += v;
          }
        }
      });
      tf.dispose(means);
    }
  } finally {
    readers.forEach((r) => r.dispose());
  }
  return layers.map((layer, l) => ({
    layer: layer.name,
    filters: Array.from({ length: counts[l]! }, (_, f) => f),
    preActivation: readers[l]!.preActivation,
    images: source.count,
    indices: lists[l]!.map((t) => Int32Array.from(t.indices)),
    values: lists[l]!.map((t) => Float32Array.from(t.values)),
    mean: Float32Array.from(sums[l]!, (s) => (source.count > 0 ? s / source.count : 0)),
  }));
}

/**
 * Filter patterns by gradient ascent (Chollet, Deep Learning with Python §5.4.2 / §9.3.2): the
 * input that a filter responds to most, grown from a noisy grey image.
 *
 *   start   raw pixels uniform in [0.4, 0.6] (grey with noise), seeded per layer and filter
 *   loss    the filter's mean over the layer's output, without a 2-pixel border when the map
 *           is large enough (border values see the padding, not the image). The output is read
 *           before the layer's activation function, as Olah et al. (Lucid) do: a filter whose
 *           ReLU is silent everywhere on grey noise would otherwise get no gradient at all and
 *           stay noise. For a conv with a built-in activation that is the same conv with a
 *           linear activation and the same weights; for an activation layer, its input.
 *   step    jitter: the image is rolled by a random (dy, dx) in [−J, J] before the forward pass
 *           and the gradient rolled back, so no single pixel grid is favoured (J ≈ size/16);
 *           the gradient is normalized by its root mean square (Chollet's first edition; every
 *           filter then moves at the same rate whatever its scale); raw += stepSize · gradient;
 *           clipped to [0, 1], the valid pixel range
 *   display Chollet's deprocess: zero mean, unit deviation, × 0.15, + 0.5, clipped to [0, 1]
 *
 * Work happens in raw pixel units [0, 1]; the model sees offset + scale · raw (PixelSpace).
 * All `count` filters of a layer ascend together as one batch (row k maximizes filter k), so
 * a step is one forward and backward pass through the model truncated at the layer.
 */
import * as tf from '@tensorflow/tfjs';
import { Evaluation, unfusedCall } from './graph.ts';
import type { PixelSpace } from './images.ts';
import type { ExplainLayer } from './layers.ts';
import { deriveSeed, mulberry32 } from '../../lib/rng.ts';
import { streamFor } from './random.ts';

export interface FilterPatternOptions {
  /** Filters per layer: the first `count` (fewer when the layer has fewer channels). */
  count: number;
  steps: number;
  /** The report seed. */
  seed: number;
  space: PixelSpace;
  /** RMS change of the raw image per step (default 0.02 of the pixel range). */
  stepSize?: number;
  /** Largest jitter in pixels (default max(1, round(min(h, w) / 16))); 0 turns jitter off. */
  jitter?: number;
  /** Filters per pass (default: all `count`). */
  batchSize?: number;
  /** Image [height, width, channels] (default: the model's input; needed when a pretrained base leaves height and width open). */
  shape?: [number, number, number];
}

/** One layer's filter patterns. */
export interface FilterPatterns {
  layer: string;
  /** Channel indices of the filters. */
  filters: number[];
  height: number;
  width: number;
  channels: number;
  /** Per filter: the pattern for display, h × w × c in [0, 1] (Chollet's deprocess). */
  images: Float32Array[];
  /** Per filter: the optimized image itself, raw pixel units [0, 1]. */
  raw: Float32Array[];
  /** Whether the objective was read before the layer's activation function. */
  preActivation: boolean;
  /** Per filter: the objective (mean pre-activation, interior) on the starting image and on the final one. */
  activationStart: Float32Array;
  activationEnd: Float32Array;
}

/** Roll a [n, h, w, c] tensor by dy rows and dx columns (cyclic). */
export function roll(x: tf.Tensor4D, dy: number, dx: number): tf.Tensor4D {
  const shift = (t: tf.Tensor4D, s: number, axis: 1 | 2): tf.Tensor4D => {
    const n = t.shape[axis];
    const k = ((s % n) + n) % n;
    if (k === 0) return t;
    const begin = [0, 0, 0, 0];
    const size = [-1, -1, -1, -1];
    const tailBegin = [...begin];
    tailBegin[axis] = n - k;
    const headSize = [...size];
    headSize[axis] = n - k;
    return tf.concat([tf.slice(t, tailBegin, size), tf.slice(t, begin, headSize)], axis);
  };
  return shift(shift(x, dy, 1), dx, 2);
}

const ACTIVATION_LAYERS = new Set(['Activation', 'ReLU', 'LeakyReLU', 'ELU', 'PReLU', 'ThresholdedReLU', 'Softmax']);

/** How to read the objective's tensor for `layer` from an evaluation: the layer's output before its activation. */
function objectiveReader(layer: ExplainLayer): { read: (e: Evaluation) => tf.Tensor4D; preActivation: boolean; dispose: () => void } {
  const last = layer.path[layer.path.length - 1]!;
  if (ACTIVATION_LAYERS.has(last.getClassName())) return { read: (e) => e.layerInput(layer.path) as tf.Tensor4D, preActivation: true, dispose: () => {} };
  const config = last.getConfig() as { activation?: string; name: string };
  if (config.activation === undefined || config.activation === 'linear') return { read: (e) => e.layerOutput(layer.path) as tf.Tensor4D, preActivation: false, dispose: () => {} };
  // The same layer class and configuration with a linear activation, carrying the layer's weights.
  const Ctor = last.constructor as new (args: object) => tf.layers.Layer;
  const linear = new Ctor({ ...config, name: `${config.name}_pre_activation`, activation: 'linear' });
  linear.build(last.inboundNodes[0]!.inputTensors[0]!.shape);
  linear.setWeights(last.getWeights());
  return {
    read: (e) => {
      const input = e.layerInput(layer.path);
      return (unfusedCall(linear, input) ?? linear.apply(input)) as tf.Tensor4D;
    },
    preActivation: true,
    dispose: () => {
      (linear as unknown as { disposeWeights(): number }).disposeWeights();
    },
  };
}

/** Mean of each row's own filter over the map's interior: [n]. */
function filterMeans(activation: tf.Tensor4D, filters: tf.Tensor1D): tf.Tensor1D {
  const [, h, w, c] = activation.shape;
  const border = Math.min(2, Math.floor((Math.min(h, w) - 1) / 4));
  const inner = tf.slice(activation, [0, border, border, 0], [-1, h - 2 * border, w - 2 * border, -1]);
  const picked = tf.sum(tf.mul(inner, tf.reshape(tf.oneHot(filters, c), [-1, 1, 1, c])), 3);
  return tf.mean(picked, [1, 2]) as tf.Tensor1D;
}

/** Gradient-ascent patterns of the first `count` filters of `layer`. */
export function filterPatterns(model: tf.LayersModel, layer: ExplainLayer, options: FilterPatternOptions): FilterPatterns {
  const [, h, w, c] = model.inputs[0]!.shape;
  const [H, W, C] = options.shape ?? [h, w, c];
  if (!H || !W || !C) throw new Error(`The model input ${JSON.stringify(model.inputs[0]!.shape)} leaves the image size open: pass the image shape.`);
  const total = layer.shape[2] ?? 0;
  const filters = Array.from({ length: Math.min(options.count, total) }, (_, k) => k);
  const stepSize = options.stepSize ?? 0.02;
  const J = options.jitter ?? Math.max(1, Math.round(Math.min(H, W) / 16));
  const offset = tf.tensor4d(options.space.offset, [1, 1, 1, C]);
  const scale = tf.tensor4d(options.space.scale, [1, 1, 1, C]);
  const toModel = (raw: tf.Tensor4D) => tf.add(offset, tf.mul(scale, raw)) as tf.Tensor4D;
  const objective = objectiveReader(layer);
  // Unfused: the ascent differentiates with respect to the image only (graph.ts).
  const means = (raw: tf.Tensor4D, f: tf.Tensor1D) => filterMeans(objective.read(new Evaluation(model, [toModel(raw)], undefined, true)), f);

  const result: FilterPatterns = {
    layer: layer.name,
    filters,
    height: H,
    width: W,
    channels: C,
    images: [],
    raw: [],
    preActivation: objective.preActivation,
    activationStart: new Float32Array(filters.length),
    activationEnd: new Float32Array(filters.length),
  };
  const batch = Math.max(1, options.batchSize ?? filters.length);
  for (let f0 = 0; f0 < filters.length; f0 += batch) {
    const ids = filters.slice(f0, f0 + batch);
    const n = ids.length;
    // Per-filter start noise, and one jitter sequence replayed for every pass: a filter's
    // pattern does not depend on how the filters are split into passes.
    const start = new Float32Array(n * H * W * C);
    ids.forEach((f, k) => {
      const random = streamFor(options.seed, `filters:${layer.name}`, f);
      for (let j = k * H * W * C; j < (k + 1) * H * W * C; j++) start[j] = 0.4 + 0.2 * random();
    });
    const jitter = mulberry32(deriveSeed(options.seed, `filters:${layer.name}:jitter`));
    const fTensor = tf.tensor1d(ids, 'int32');
    let raw = tf.tensor4d(start, [n, H, W, C]);
    result.activationStart.set(tf.tidy(() => means(raw, fTensor).dataSync() as Float32Array), f0);
    for (let step = 0; step < options.steps; step++) {
      const dy = J > 0 ? Math.floor(jitter() * (2 * J + 1)) - J : 0;
      const dx = J > 0 ? Math.floor(jitter() * (2 * J + 1)) - J : 0;
      const next = tf.tidy(() => {
        const g = tf.grad((x: tf.Tensor) => tf.sum(means(x as tf.Tensor4D, fTensor)))(roll(raw, dy, dx));
        const back = roll(g as tf.Tensor4D, -dy, -dx);
        const rms = tf.sqrt(tf.mean(tf.square(back), [1, 2, 3], true));
        return tf.clipByValue(tf.add(raw, tf.mul(stepSize, tf.div(back, tf.add(rms, 1e-8)))), 0, 1) as tf.Tensor4D;
      });
      raw.dispose();
      raw = next;
    }
    result.activationEnd.set(tf.tidy(() => means(raw, fTensor).dataSync() as Float32Array), f0);
    const shown = tf.tidy(() => {
      const mean = tf.mean(raw, [1, 2, 3], true);
      const centred = tf.sub(raw, mean);
      const std = tf.sqrt(tf.mean(tf.square(centred), [1, 2, 3], true));
      return tf.clipByValue(tf.add(tf.mul(tf.div(centred, tf.add(std, 1e-5)), 0.15), 0.5), 0, 1);
    });
    const size = H * W * C;
    const rawData = raw.dataSync() as Float32Array;
    const shownData = shown.dataSync() as Float32Array;
    for (let k = 0; k < n; k++) {
      result.raw.push(rawData.slice(k * size, (k + 1) * size));
      result.images.push(shownData.slice(k * size, (k + 1) * size));
    }
    tf.dispose([raw, shown, fTensor]);
  }
  tf.dispose([offset, scale]);
  objective.dispose();
  return result;
}

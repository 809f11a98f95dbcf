/**
 * Feature maps (intermediate activations) of chosen layers for chosen images: the first
 * `channels` channels of each layer's output. Every layer of a batch comes from one forward pass
 * that stops at the deepest requested layer (graph.ts evaluates only what is asked for: the
 * model truncated at the layer, as a Keras sub-model `Model(inputs, layer.output)` would be).
 */
import * as tf from '@tensorflow/tfjs';
import { Evaluation } from './graph.ts';
import { checkInputs, imagesTensor, passes, type ImageBatch } from './images.ts';
import type { ExplainLayer } from './layers.ts';
import { rangeOf, rangeOfAll, type Range } from './maps.ts';

/** One layer's feature maps for a batch of images. */
export interface LayerFeatureMaps {
  /** Report name of the layer. */
  layer: string;
  height: number;
  width: number;
  /** Channels shown (the first ones) and the layer's total. */
  channels: number;
  totalChannels: number;
  /** maps[image][channel]: height × width, row-major. */
  maps: Float32Array[][];
  /** ranges[image][channel]. */
  ranges: Range[][];
  /** Over every map of the layer (one grey scale per layer). */
  range: Range;
}

export interface FeatureMapOptions {
  /** Channels shown per layer (the first ones). */
  channels: number;
  /** Images per pass (default 32). */
  batchSize?: number;
}

/** The first `channels` channels of each layer's output, per image. */
export function featureMaps(model: tf.LayersModel, images: ImageBatch, layers: readonly ExplainLayer[], options: FeatureMapOptions): LayerFeatureMaps[] {
  checkInputs(model, images);
  const out = layers.map(() => [] as Float32Array[][]);
  const shapes: [number, number, number, number][] = [];
  for (const [start, end] of passes(images.count, options.batchSize ?? 32)) {
    const chunks = tf.tidy(() => {
      const evaluation = new Evaluation(model, [imagesTensor(images, start, end)]);
      return layers.map((layer) => {
        const a = evaluation.layerOutput(layer.path) as tf.Tensor4D;
        const shown = Math.min(options.channels, a.shape[3]);
        // Channel-major per image: each map is a contiguous height × width block.
        return tf.transpose(tf.slice(a, [0, 0, 0, 0], [-1, -1, -1, shown]), [0, 3, 1, 2]);
      });
    });
    chunks.forEach((t, l) => {
      const [n, c, h, w] = t.shape as [number, number, number, number];
      const data = t.dataSync() as Float32Array;
      for (let i = 0; i < n; i++) out[l]!.push(Array.from({ length: c }, (_, k) => data.slice((i * c + k) * h * w, (i * c + k + 1) * h * w)));
      shapes[l] = [n, c, h, w];
    });
    tf.dispose(chunks);
  }
  return layers.map((layer, l) => {
    const [, c, h, w] = shapes[l] ?? [0, Math.min(options.channels, layer.shape[2] ?? 0), layer.shape[0] ?? 0, layer.shape[1] ?? 0];
    const maps = out[l]!;
    const ranges = maps.map((perImage) => perImage.map(rangeOf));
    return { layer: layer.name, height: h, width: w, channels: c, totalChannels: layer.shape[2] ?? c, maps, ranges, range: rangeOfAll(ranges.flat()) };
  });
}

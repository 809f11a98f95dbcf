/**
 * The first convolutional layer's weights as small images: what the notebook shows to reveal
 * the edge and colour detectors a CNN learns first.
 *
 * A Conv2D kernel [kh, kw, in, out] gives `out` filters of kh × kw × in (shown in colour when
 * `in` is 3). A depthwise (or separable's depthwise) kernel [kh, kw, in, multiplier] gives
 * in × multiplier single-channel filters.
 */
import type * as tf from '@tensorflow/tfjs';
import { firstConvolution } from './layers.ts';
import { rangeOf, rangeOfAll, type Range } from './maps.ts';

/** One layer's filters as arrays. */
export interface FilterWeights {
  /** Report name of the layer. */
  layer: string;
  height: number;
  width: number;
  /** Channels of each filter image (the layer's input channels, or 1 for depthwise filters). */
  channels: number;
  /** Each filter: height × width × channels, row-major (HWC). */
  filters: Float32Array[];
  ranges: Range[];
  /** Over all filters (one colour scale, zero in the middle for a diverging map). */
  range: Range;
}

/** The first convolutional layer's filters (at most `max`), or undefined when the model has none. */
export function firstLayerFilters(model: tf.LayersModel, max = Infinity): FilterWeights | undefined {
  const layer = firstConvolution(model);
  if (!layer) return undefined;
  const kernel = layer.path[layer.path.length - 1]!.getWeights()[0]!;
  const [kh, kw, cin, cout] = kernel.shape as [number, number, number, number];
  const data = kernel.dataSync() as Float32Array;
  const depthwise = layer.className !== 'Conv2D';
  const filters: Float32Array[] = [];
  if (depthwise) {
    // [kh, kw, in, multiplier]: filter (channel, m) reads one input channel.
    for (let ch = 0; ch < cin && filters.length < max; ch++) {
      for (let m = 0; m < cout && filters.length < max; m++) {
        filters.push(Float32Array.from({ length: kh * kw }, (_, p) => data[(p * cin + ch) * cout + m]!));
      }
    }
  } else {
    for (let f = 0; f < cout && filters.length < max; f++) {
      filters.push(Float32Array.from({ length: kh * kw * cin }, (_, j) => data[j * cout + f]!));
    }
  }
  const ranges = filters.map(rangeOf);
  return { layer: layer.name, height: kh, width: kw, channels: depthwise ? 1 : cin, filters, ranges, range: rangeOfAll(ranges) };
}

/**
 * The weights a converted model needs, found in the file and checked one by one (count, shape,
 * type) before any is copied: the result is float32 weightSpecs + one weightData buffer, in the
 * order of the converted layers, named as tfjs names them (`<layer>/<weight>`).
 */
import type * as tf from '@tensorflow/tfjs';
import { UserError } from '../lib/errors.ts';
import type { WeightedLayer } from './convert.ts';
import type { Shape } from './layers.ts';
import { messages } from './messages.ts';

/** One stored array, read on demand. */
export interface StoredWeight {
  /** The name the file gives it (for messages), e.g. conv2d/kernel:0 or vars/0. */
  name: string;
  shape: number[];
  /** Its values as float32; throws UserError for non-float data. */
  read(): Float32Array;
}

/** Where a format keeps a layer's weights. */
export interface WeightSource {
  /**
   * The layer's stored weights: `ordered` lists them as the file orders them (Keras's order:
   * trainable, then non-trainable) and must match in count; `named` is aligned with the
   * expected weights (undefined = missing). Undefined when the file has nothing for the layer.
   * `all` is every layer with weights (some formats number layers by which have weights).
   */
  find(layer: WeightedLayer, all: readonly WeightedLayer[]): { ordered: StoredWeight[] } | { named: (StoredWeight | undefined)[] } | undefined;
}

const sameShape = (expected: Shape, found: number[]) => expected.length === found.length && expected.every((d, i) => d === null || d === found[i]);

/** Collect, check and pack every weight of `layers` from `source`. */
export function assembleWeights(path: string, layers: WeightedLayer[], source: WeightSource): { weightSpecs: tf.io.WeightsManifestEntry[]; weightData: ArrayBuffer } {
  const picked: { spec: tf.io.WeightsManifestEntry; stored: StoredWeight }[] = [];
  for (const layer of layers) {
    const layerName = layer.path.join('/');
    const own = layer.path[layer.path.length - 1]!;
    const found = source.find(layer, layers);
    const names = layer.expected.map((w) => w.name);
    if (!found) throw new UserError(messages.missingWeight(path, layerName, names[0]!, layer.expected[0]!.fileShape));
    let list: (StoredWeight | undefined)[];
    if ('ordered' in found) {
      if (found.ordered.length !== layer.expected.length) throw new UserError(messages.weightCount(path, layerName, names, found.ordered.length));
      list = found.ordered;
    } else list = found.named;
    layer.expected.forEach((expected, i) => {
      const stored = list[i];
      if (!stored) throw new UserError(messages.missingWeight(path, layerName, expected.name, expected.fileShape));
      if (!sameShape(expected.fileShape, stored.shape)) throw new UserError(messages.weightShape(path, layerName, expected.name, expected.fileShape, stored.shape));
      // The tfjs shape: the file's, unless the layer was re-expressed (a grouped conv as depthwise).
      const shape = expected.shape.every((d) => d !== null) && expected.shape !== expected.fileShape ? (expected.shape as number[]) : stored.shape;
      picked.push({ spec: { name: `${own}/${expected.tfjsName ?? expected.name}`, shape, dtype: 'float32' }, stored });
    });
  }
  const total = picked.reduce((n, p) => n + p.stored.shape.reduce((a, b) => a * b, 1), 0);
  const data = new Float32Array(total);
  let offset = 0;
  for (const { stored } of picked) {
    const values = stored.read();
    data.set(values, offset);
    offset += values.length;
  }
  return { weightSpecs: picked.map((p) => p.spec), weightData: data.buffer };
}

/**
 * Walking a model's layers (into nested models) and freeing a layer's weights outright.
 */
import type * as tf from '@tensorflow/tfjs';

const nestedLayers = (layer: unknown) => (layer as { layers?: unknown }).layers;

/** Every layer of `model`, descending into nested models (a lone layer: just itself). */
export function allLayers(model: tf.LayersModel | tf.layers.Layer): tf.layers.Layer[] {
  const nested = nestedLayers(model);
  if (!Array.isArray(nested)) return [model as tf.layers.Layer];
  return (nested as tf.layers.Layer[]).flatMap((layer) => [layer, ...(Array.isArray(nestedLayers(layer)) ? allLayers(layer) : [])]);
}

/**
 * Free a layer's weights whatever its reference count. tfjs counts one reference per use of a
 * layer and frees its weights only when `dispose` brings that to 0; a layer left out of a
 * model (cut from a pretrained base, or made by a build that failed) would never get there.
 */
export function freeLayer(layer: tf.layers.Layer): void {
  (layer as unknown as { disposeWeights(): number }).disposeWeights();
}

/**
 * Loading a saved model with stock tfjs's classes only — what a reader without convlens gets.
 * (src/engine/model-io.ts `loadModel` uses convlens's classes.)
 */
import * as tf from '@tensorflow/tfjs';
import type { SavedModel } from '../../../src/engine/model-io.ts';

/** tf.loadLayersModel straight from the saved bytes. */
export function loadStock(saved: SavedModel): Promise<tf.LayersModel> {
  const json = JSON.parse(saved.modelJson) as { modelTopology: object; weightsManifest: { weights: tf.io.WeightsManifestEntry[] }[] };
  const weightData = saved.weights.buffer.slice(saved.weights.byteOffset, saved.weights.byteOffset + saved.weights.byteLength) as ArrayBuffer;
  return tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0]!.weights, weightData }));
}

/**
 * Trained models as bytes: the tfjs layers format (`model.json` + one `weights.bin`), the
 * same files the report publishes, so a reader can load them with `tf.loadLayersModel`.
 */
import * as tf from '@tensorflow/tfjs';
import { loadConvlensModel } from '../model/deserialize.ts';

export interface SavedModel {
  /** model.json text; its weights manifest points at `weights.bin`. */
  modelJson: string;
  weights: Buffer;
}

/** Serialize a model's topology and weights. */
export async function saveModel(model: tf.LayersModel): Promise<SavedModel> {
  let saved: SavedModel | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weightData = artifacts.weightData;
      const buffers = Array.isArray(weightData) ? weightData : weightData ? [weightData] : [];
      const weights = Buffer.concat(buffers.map((b) => Buffer.from(b)));
      const json = {
        format: 'layers-model',
        generatedBy: `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
        convertedBy: null,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs ?? [] }],
      };
      saved = { modelJson: JSON.stringify(json), weights };
      return { modelArtifactsInfo: { dateSaved: new Date(0), modelTopologyType: 'JSON' } };
    }),
  );
  return saved!;
}

/**
 * Load a model saved by `saveModel`, with convlens's layer classes (dilated depthwise convs and
 * ELU with alpha ≠ 1 load wrongly or not at all with stock tfjs's classes; see model/README.md).
 */
export async function loadModel(saved: SavedModel): Promise<tf.LayersModel> {
  const json = JSON.parse(saved.modelJson) as { modelTopology: object; weightsManifest: { weights: tf.io.WeightsManifestEntry[] }[] };
  const weightData = saved.weights.buffer.slice(saved.weights.byteOffset, saved.weights.byteOffset + saved.weights.byteLength) as ArrayBuffer;
  return loadConvlensModel({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0]!.weights, weightData });
}

/**
 * What the report publishes for an imported model is a stock TensorFlow.js layers model: for
 * every real fixture, the converted model saved as the pipeline saves it (engine/model-io.ts),
 * loaded back by plain `tf.loadLayersModel` with tfjs's own classes only, computes the NumPy
 * reference's outputs.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { saveModel } from '../../../src/engine/model-io.ts';
import { instantiateModel, readModelFile } from '../../../src/import/index.ts';
import { REFERENCES, loadReference, modelPath, referenceInputs } from './reference.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('published imported models load in stock tfjs', () => {
  for (const name of REFERENCES) {
    it(name, async () => {
      const ref = loadReference(name);
      const converted = await instantiateModel(await readModelFile(modelPath(ref)));
      const saved = await saveModel(converted);
      converted.dispose();
      const json = JSON.parse(saved.modelJson) as { format: string; modelTopology: object; weightsManifest: { weights: tf.io.WeightsManifestEntry[] }[] };
      expect(json.format).toBe('layers-model');
      const weightData = saved.weights.buffer.slice(saved.weights.byteOffset, saved.weights.byteOffset + saved.weights.byteLength) as ArrayBuffer;
      // No convlens classes swapped in: what a reader of the archive runs.
      const stock = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0]!.weights, weightData }));
      const y = stock.predict(tf.tensor(referenceInputs(ref), ref.input_shape)) as tf.Tensor;
      const out = await y.data();
      const scale = Math.max(1, ...ref.outputs.map(Math.abs));
      const maxDiff = ref.outputs.reduce((m, v, i) => Math.max(m, Math.abs(out[i]! - v)), 0);
      expect(maxDiff).toBeLessThanOrEqual(Math.max(1e-4, 1e-6 * scale));
      stock.dispose();
      y.dispose();
    });
  }
});

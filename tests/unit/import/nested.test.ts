/**
 * A nested model (a Sequential used as a layer of a functional model), saved by tfjs itself:
 * imported, its weights found under the inner layers' names, and its predictions equal to the
 * original model's (tfjs as the oracle). tfjs numbers a nested model's calls from 1, as Keras does.
 */
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { instantiateModel, readModelFile } from '../../../src/import/index.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

it('a Sequential inside a functional model imports and predicts as the original', async () => {
  const inner = tf.sequential({
    name: 'inner',
    layers: [tf.layers.conv2d({ inputShape: [4, 4, 1], filters: 2, kernelSize: 3, name: 'c1', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }), tf.layers.batchNormalization({ name: 'bn' })],
  });
  const x = tf.input({ shape: [4, 4, 1] });
  const flat = tf.layers.flatten({ name: 'f' }).apply(inner.apply(x) as tf.SymbolicTensor) as tf.SymbolicTensor;
  const y = tf.layers.dense({ units: 3, name: 'd', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }).apply(flat) as tf.SymbolicTensor;
  const outer = tf.model({ inputs: x, outputs: y, name: 'outer' });
  const dir = mkdtempSync(join(tmpdir(), 'convlens-nested-'));
  await outer.save(
    tf.io.withSaveHandler(async (a) => {
      writeFileSync(join(dir, 'group1-shard1of1.bin'), Buffer.from(a.weightData as ArrayBuffer));
      const json = { format: 'layers-model', generatedBy: 'TensorFlow.js tfjs-layers', modelTopology: a.modelTopology, weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: a.weightSpecs }] };
      writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
      return { modelArtifactsInfo: { dateSaved: new Date(0), modelTopologyType: 'JSON' } };
    }),
  );
  const imported = await readModelFile(join(dir, 'model.json'));
  expect(imported.layerClasses).toEqual(['InputLayer', 'Sequential', 'Conv2D', 'BatchNormalization', 'Flatten', 'Dense']);
  expect(imported.artifacts.weightSpecs.map((s) => s.name)).toEqual(['c1/kernel', 'c1/bias', 'bn/gamma', 'bn/beta', 'bn/moving_mean', 'bn/moving_variance', 'd/kernel', 'd/bias']);
  expect(imported.outputShape).toEqual([3]);
  const model = await instantiateModel(imported);
  const input = tf.tensor(Array.from({ length: 32 }, (_, i) => Math.sin(i)), [2, 4, 4, 1]);
  const a = outer.predict(input) as tf.Tensor, b = model.predict(input) as tf.Tensor;
  expect(Array.from(await b.data())).toEqual(Array.from(await a.data()));
  tf.dispose([input, a, b]);
  model.dispose();
  outer.dispose();
});

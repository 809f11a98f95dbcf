/**
 * Pretrained bases for the tests: built, trained one step (so weights and batch-norm
 * statistics differ from any initializer), saved as model.json + weights into a temp dir.
 */
import * as tf from '@tensorflow/tfjs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildLayersModel } from '../../../src/model/build.ts';
import { saveModel } from '../../../src/engine/model-io.ts';
import { activation, batchNorm, conv, dropout, gap, maxPool, softmax } from './specs.ts';

/** The base's image shape. */
export const BASE_SHAPE: [number, number, number] = [8, 8, 1];

/**
 * The layers of the standard base. Its model layers are: input, c1, batch_norm_1, activation_1,
 * max_pool_1, c2, bn2, dropout_1, global_avg_pool_1, dense_1 (5 classes).
 */
export const BASE_LAYERS = [conv(4, { name: 'c1' }), batchNorm(), activation('relu'), maxPool(2), conv(6, { name: 'c2' }), batchNorm({ name: 'bn2' }), dropout(0.2), gap, softmax(5)];

/** Train `model` one Adam step on seeded random data. */
export async function trainOneStep(model: tf.LayersModel, classes: number): Promise<void> {
  const optimizer = tf.train.adam(0.1);
  model.compile({ optimizer, loss: 'categoricalCrossentropy' });
  const [, h, w, c] = model.inputs[0]!.shape as number[];
  const x = tf.randomNormal([6, h!, w!, c!], 1, 2, 'float32', 11);
  const y = tf.oneHot(tf.tensor1d([0, 1, 2, 3, 4, 0].map((v) => v % classes), 'int32'), classes).toFloat();
  await model.trainOnBatch(x, y);
  tf.dispose([x, y]);
  optimizer.dispose();
}

/** Save `model` as `<dir>/model.json` + `<dir>/weights.bin` (engine/model-io's format). */
export async function saveTo(dir: string, model: tf.LayersModel): Promise<string> {
  const saved = await saveModel(model);
  await writeFile(join(dir, 'model.json'), saved.modelJson);
  await writeFile(join(dir, 'weights.bin'), saved.weights);
  return join(dir, 'model.json');
}

const dirs: string[] = [];

/** A fresh temp dir, removed by `removeTempDirs`. */
export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'convlens-model-'));
  dirs.push(dir);
  return dir;
}

/** Remove every temp dir made so far (call in afterAll). */
export async function removeTempDirs(): Promise<void> {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
}

/** Build, train one step and save the standard base; returns its model.json path and its weights by name. */
export async function makeBase(): Promise<{ path: string; weights: Map<string, Float32Array> }> {
  const model = buildLayersModel(BASE_LAYERS, { inputShape: BASE_SHAPE, numClasses: 5, seeds: { init: 3, dropout: 4 } });
  await trainOneStep(model, 5);
  const weights = new Map(model.weights.map((w) => [w.originalName, Float32Array.from(w.read().dataSync())]));
  const path = await saveTo(await tempDir(), model);
  model.dispose();
  return { path, weights };
}

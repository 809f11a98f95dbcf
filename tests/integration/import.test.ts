/**
 * Imported models through the whole pipeline (model.load): a model convlens trained and published
 * is imported back as a file trained elsewhere. Its report must give exactly the trained model's
 * test predictions, with the training history read from a Keras CSVLogger file, the origin and
 * input contract in manifest.json, no train section, and a stock published model. Then the
 * seams: logits (softmax appended), another class order (permutation appended), the cache
 * (title edits re-render, a changed file re-evaluates), and bad input.
 */
import * as tf from '@tensorflow/tfjs';
import { createHash } from 'node:crypto';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, type RunOptions } from '../../src/pipeline/index.ts';
import { createLog } from '../../src/pipeline/log.ts';
import { systemClock } from '../../src/lib/clock.ts';

let dir: string;
/** The trained experiment's predictions.csv (each run publishes only its own experiments). */
let trainedPredictions: string;
/** Fashion-MNIST's class names, in the dataset's order. */
let classes: string[];
function effects() {
  const out: string[] = [];
  return { out, effects: { clock: systemClock, log: createLog({ mode: 'plain', out: (t) => out.push(t), err: (t) => out.push(t), clock: systemClock }) } };
}
const options = (files: string[]): RunOptions => ({ files, ids: [], cacheDir: join(dir, 'cache'), force: false, backend: 'wasm' });

const DATA = 'data: { source: fashion-mnist, limit: { train: 300, test: 120 }, split: { validation: 0.2 } }';
const TRAINED = `title: Trained here
seed: 5
${DATA}
model:
  layers:
    - conv2d: { filters: 4, kernel: 3, activation: relu }
    - maxPool: 2
    - flatten: {}
    - dense: { units: 10, activation: softmax }
train: { epochs: 2, batchSize: 32 }
`;

const imported = (extra = '', title = 'Imported') => `title: ${title}
seed: 5
${DATA}
model:
  load: models/trained/model.json
  history: models/history.csv
${extra}`;

/** Keras's CSVLogger: epochs from 0, columns sorted after epoch. */
const CSV = 'epoch,accuracy,loss,val_accuracy,val_loss\n0,0.5,1.5,0.55,1.4\n1,0.75,0.9,0.7,0.95\n';

const predictions = async (id: string) => (id === 'trained' && trainedPredictions) || readFile(join(dir, 'cache', 'report', 'experiments', id, 'data', 'predictions.csv'), 'utf8');
/** predictions.csv's probability columns, one array per test image. */
const probabilities = async (id: string) =>
  (await predictions(id))
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split(',').slice(3).map(Number));
const json = async (id: string, file: string) => JSON.parse(await readFile(join(dir, 'cache', 'report', 'experiments', id, file), 'utf8'));
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const entryOf = async (id: string): Promise<any> => JSON.parse(await readFile(join(dir, 'cache', 'report', 'report.json'), 'utf8')).experiments.find((e: { id: string }) => e.id === id);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'convlens-import-'));
  await writeFile(join(dir, 'trained.yaml'), TRAINED);
  const trained = await run(options([join(dir, 'trained.yaml')]), effects().effects);
  expect(trained.failed).toEqual([]);
  await cp(join(dir, 'cache', 'report', 'experiments', 'trained', 'model'), join(dir, 'models', 'trained'), { recursive: true });
  trainedPredictions = await predictions('trained');
  classes = (await entryOf('trained')).dataset.classes;
  await writeFile(join(dir, 'models', 'history.csv'), CSV);
  await writeFile(join(dir, 'imported.yaml'), imported());
}, 300_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('an imported model', () => {
  it('reports exactly the predictions of the model it was exported from, with its imported history and origin', async () => {
    const log = effects();
    const outcome = await run(options([join(dir, 'imported.yaml')]), log.effects);
    expect(outcome.failed).toEqual([]);
    expect(log.out.join('')).toMatch(/\[fresh\] imported {2}test accuracy/);
    expect(log.out.join('')).not.toMatch(/epoch 1\//);
    expect(await predictions('imported')).toBe(await predictions('trained'));

    const entry = await entryOf('imported');
    expect(entry.train).toBeUndefined();
    const bytes = await readFile(join(dir, 'models', 'trained', 'model.json'));
    expect(entry.imported).toEqual({
      file: 'model.json',
      format: 'tfjs-layers',
      producer: expect.stringMatching(/^TensorFlow\.js/),
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      output: 'probabilities',
      history: 'history.csv',
    });
    // The digest covers model.json and its weights, so it is not model.json's alone.
    expect(entry.imported.sha256).not.toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(entry.history).toEqual([
      { epoch: 1, loss: 1.5, accuracy: 0.5, val_loss: 1.4, val_accuracy: 0.55, lr: null },
      { epoch: 2, loss: 0.9, accuracy: 0.75, val_loss: 0.95, val_accuracy: 0.7, lr: null },
    ]);
    expect(entry.figures.find((f: { name: string }) => f.name === 'training-curves').title).toBe('Training curves (imported history)');
    const manifest = await json('imported', 'data/manifest.json');
    expect(manifest.origin).toEqual(entry.imported);
    expect(manifest.input).toEqual({ size: [28, 28], channels: 1, normalize: 'rescale', classes: entry.dataset.classes });
  });

  it('publishes a stock tfjs layers model that reproduces the report', async () => {
    const modelDir = join(dir, 'cache', 'report', 'experiments', 'imported', 'model');
    const modelJson = JSON.parse(await readFile(join(modelDir, 'model.json'), 'utf8'));
    const weights = await readFile(join(modelDir, 'weights.bin'));
    // Stock tfjs, no convlens classes registered for this load.
    const model = await tf.loadLayersModel(
      tf.io.fromMemory({ modelTopology: modelJson.modelTopology, weightSpecs: modelJson.weightsManifest[0].weights, weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) }),
    );
    expect(model.outputs[0]!.shape).toEqual([null, 10]);
    model.dispose();
  });

  it('appends softmax for logits and the permutation for another class order', async () => {
    const reversed = [...classes].reverse();
    await writeFile(join(dir, 'reordered.yaml'), imported(`  classes: [${reversed.map((c) => JSON.stringify(c)).join(', ')}]\n`, 'Reordered'));
    const outcome = await run(options([join(dir, 'reordered.yaml')]), effects().effects);
    expect(outcome.failed.map((f) => f.error)).toEqual([]);
    // The model's output j is now read as class K−1−j: every row's probabilities come out reversed.
    const original = await probabilities('trained');
    expect(await probabilities('reordered')).toEqual(original.map((row) => [...row].reverse()));
    const reorderedEntry = await entryOf('reordered');
    expect(reorderedEntry.imported.classes).toEqual(reversed);
    expect(reorderedEntry.model.layers.at(-1).name).toBe('convlens_class_order');
  });

  it('re-renders on a title edit without re-reading the run, and re-evaluates when the file changes', async () => {
    await writeFile(join(dir, 'imported.yaml'), imported('', 'Imported, retitled'));
    const retitled = effects();
    await run(options([join(dir, 'imported.yaml')]), retitled.effects);
    expect(retitled.out.join('')).toMatch(/\[cached\] imported /);

    const weightsPath = join(dir, 'models', 'trained', 'weights.bin');
    const weights = await readFile(weightsPath);
    const changed = Buffer.from(weights);
    new Float32Array(changed.buffer, changed.byteOffset, 1)[0]! += 0.5;
    await writeFile(weightsPath, changed);
    const again = effects();
    await run(options([join(dir, 'imported.yaml')]), again.effects);
    expect(again.out.join('')).toMatch(/\[fresh\] imported /);
    await writeFile(weightsPath, weights);
  });

  it('says when outputs are not probabilities, suggesting logits', async () => {
    // The same network with its last Dense layer linear: its outputs are logits.
    const modelJson = JSON.parse(await readFile(join(dir, 'models', 'trained', 'model.json'), 'utf8'));
    const layers = modelJson.modelTopology.model_config?.config?.layers ?? modelJson.modelTopology.config.layers;
    layers.at(-1).config.activation = 'linear';
    await cp(join(dir, 'models', 'trained'), join(dir, 'models', 'linear'), { recursive: true });
    await writeFile(join(dir, 'models', 'linear', 'model.json'), JSON.stringify(modelJson));
    await writeFile(join(dir, 'linear.yaml'), imported().replace('models/trained/model.json', 'models/linear/model.json').replace('title: Imported', 'title: Linear'));
    const outcome = await run(options([join(dir, 'linear.yaml')]), effects().effects);
    expect(outcome.failed).toHaveLength(1);
    expect(outcome.failed[0]!.exitCode).toBe(1);
    expect(outcome.failed[0]!.error).toMatch(/^model\.json does not output probabilities: for test image 0 its outputs sum to -?[\d.]+.* If its last layer has no softmax, set model\.output: logits \(the report then applies softmax\)\.$/);

    await writeFile(join(dir, 'linear.yaml'), imported('  output: logits\n').replace('models/trained/model.json', 'models/linear/model.json').replace('title: Imported', 'title: Linear'));
    const fixed = await run(options([join(dir, 'linear.yaml')]), effects().effects);
    expect(fixed.failed.map((f) => f.error)).toEqual([]);
    const entry = await entryOf('linear');
    expect(entry.imported.output).toBe('logits');
    expect(entry.model.layers.at(-1).name).toBe('convlens_softmax');
    // softmax of the linear layer's logits is what the trained model's softmax layer computed.
    const trainedProbs = (await probabilities('trained')).flat();
    const linearProbs = (await probabilities('linear')).flat();
    expect(Math.max(...linearProbs.map((p, i) => Math.abs(p - trainedProbs[i]!)))).toBeLessThan(1e-5);
  });
});

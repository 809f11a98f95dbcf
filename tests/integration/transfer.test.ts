/**
 * Transfer learning through the whole pipeline, on two replicas: a model convlens trained and
 * published becomes the pretrained base of a second experiment (cut at its pooling layer,
 * convolutions frozen, a new head), which then fine-tunes the last base layers at a lower rate.
 * The base path is written relative to the experiment file.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, type RunOptions } from '../../src/pipeline/index.ts';
import { createLog } from '../../src/pipeline/log.ts';
import { systemClock } from '../../src/lib/clock.ts';
import { decodeTensors } from '../../src/engine/checkpoint.ts';

let dir: string;
const effects = () => ({ clock: systemClock, log: createLog({ mode: 'quiet', out: () => {}, err: () => {}, clock: systemClock }) });
const options = (files: string[]): RunOptions => ({ files, ids: [], cacheDir: join(dir, 'cache'), force: false, backend: 'wasm' });

const BASE = `title: Base
seed: 3
data: { source: fashion-mnist, limit: { train: 300, test: 60 }, split: { validation: 0.2 } }
model:
  layers:
    - conv2d: { filters: 4, kernel: 3, activation: relu }
    - batchNorm: {}
    - maxPool: 2
    - conv2d: { filters: 6, kernel: 3, activation: relu }
    - globalAvgPool: {}
    - dense: { units: 10, activation: softmax }
train: { epochs: 1, batchSize: 32 }
`;

const tuned = (basePath: string) => `title: Tuned
seed: 4
data: { source: fashion-mnist, limit: { train: 300, test: 60 }, split: { validation: 0.2 } }
model:
  pretrained: { path: ${basePath}, output: global_avg_pool_1, freeze: all }
  layers:
    - dense: { units: 8, activation: relu }
    - dense: { units: 10, activation: softmax }
train:
  epochs: 2
  batchSize: 32
  fineTune: { epochs: 1, learningRate: 0.0001, unfreeze: 2 }
`;

/** Weights of a published model by name (model.json + weights.bin). */
async function published(experimentDir: string): Promise<Map<string, Float32Array>> {
  const json = JSON.parse(await readFile(join(experimentDir, 'model', 'model.json'), 'utf8')) as { weightsManifest: { weights: { name: string; shape: number[] }[] }[] };
  const specs = json.weightsManifest[0]!.weights.map((w) => ({ ...w, dtype: 'float32' as const }));
  const tensors = decodeTensors(JSON.stringify(specs), await readFile(join(experimentDir, 'model', 'weights.bin')));
  return new Map(tensors.map((t) => [t.name, t.values as Float32Array]));
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'convlens-transfer-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('a pretrained base', () => {
  it('is cut, frozen, given a head, then fine-tuned: frozen weights stay, unfrozen ones move', async () => {
    await writeFile(join(dir, 'base.yaml'), BASE);
    const first = await run(options([join(dir, 'base.yaml')]), effects());
    expect(first.failed).toEqual([]);
    // The published model, copied out of the report directory (each build replaces that directory).
    const baseDir = join(dir, 'bases', 'base');
    await cp(join(dir, 'cache', 'report', 'experiments', 'base', 'model'), join(baseDir, 'model'), { recursive: true });
    const baseWeights = await published(baseDir);

    await writeFile(join(dir, 'tuned.yaml'), tuned('bases/base/model/model.json'));
    const second = await run(options([join(dir, 'tuned.yaml')]), effects());
    expect(second.failed).toEqual([]);
    const result = second.results[0]!;
    expect(result.run.facts.history.map((r) => [r.epoch, r.lr])).toEqual([[1, 0.001], [2, 0.001], [3, 0.0001]]);
    expect(result.run.facts.phases).toEqual([
      { phase: 'train', firstEpoch: 1, lastEpoch: 2 },
      { phase: 'fineTune', firstEpoch: 3, lastEpoch: 3 },
    ]);
    expect(result.run.facts.replicas).toBe(2);
    const layers = result.run.facts.summary.layers.map((l) => l.name);
    expect(layers).toEqual(['input', 'conv2d_1', 'batch_norm_1', 'max_pool_1', 'conv2d_2', 'global_avg_pool_1', 'dense_2', 'dense_3']);

    const tunedWeights = await published(join(dir, 'cache', 'report', 'experiments', 'tuned'));
    // Fine-tuning unfroze the last 2 base layers (conv2d_2, global_avg_pool_1): conv2d_2 moved.
    expect(tunedWeights.get('conv2d_2/kernel')).not.toEqual(baseWeights.get('conv2d_2/kernel'));
    // The rest of the base stayed frozen throughout, batch-norm statistics included.
    for (const name of ['conv2d_1/kernel', 'conv2d_1/bias', 'batch_norm_1/gamma', 'batch_norm_1/moving_mean', 'batch_norm_1/moving_variance']) {
      expect(tunedWeights.get(name), name).toEqual(baseWeights.get(name));
    }
  });

  it('a changed base retrains the experiment that uses it (the base digest is in the train key)', async () => {
    const cached = await run(options([join(dir, 'tuned.yaml')]), effects());
    expect(cached.results[0]!.run.cached).toBe(true);
    await writeFile(join(dir, 'base.yaml'), BASE.replace('seed: 3', 'seed: 5'));
    await run(options([join(dir, 'base.yaml')]), effects());
    await cp(join(dir, 'cache', 'report', 'experiments', 'base', 'model'), join(dir, 'bases', 'base', 'model'), { recursive: true });
    const retrained = await run(options([join(dir, 'tuned.yaml')]), effects());
    expect(retrained.results[0]!.run.cached).toBe(false);
  });
});

/**
 * Checkpoints and determinism on the wasm backend with real training:
 * - resuming the engine from each epoch's checkpoint ends with exactly the history and weights
 *   of the uninterrupted run (batch norm, dropout, augmentation with mixup, standardized inputs,
 *   Adam, a step schedule, early stopping);
 * - a `convlens run` killed with SIGKILL after its first checkpoint resumes on the next run
 *   and publishes the same history and weights as an uninterrupted run.
 */
import * as tf from '@tensorflow/tfjs';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadExperiments } from '../../src/config/index.ts';
import type { ExperimentSpec } from '../../src/config/spec.ts';
import { loadDataset, type Dataset } from '../../src/data/index.ts';
import { initEngine } from '../../src/engine/backend.ts';
import { captureWeights, type SavedTensor } from '../../src/engine/checkpoint.ts';
import type { Executor } from '../../src/engine/executor.ts';
import { ReplicaPool } from '../../src/engine/replicas/pool.ts';
import { LocalExecutor } from '../../src/engine/local-executor.ts';
import { trainModel, type Checkpoint } from '../../src/engine/train.ts';
import { buildModel } from '../../src/model/build.ts';
import { inputNormalization } from '../../src/pipeline/stages/train.ts';

const FILE = 'tests/fixtures/experiments/resume/resume-fashion.yaml';
let spec: ExperimentSpec;
let dataset: Dataset;
let cacheDir: string;

beforeAll(async () => {
  await initEngine('wasm');
  spec = (await loadExperiments([FILE])).experiments[0]!;
  cacheDir = await mkdtemp(join(tmpdir(), 'convlens-resume-'));
  dataset = (await loadDataset(spec.data, spec.seeds, { cacheDir })).dataset;
});
afterAll(async () => {
  await rm(cacheDir, { recursive: true, force: true });
});

async function train(resume?: Checkpoint, checkpoints?: Checkpoint[], pool?: ReplicaPool) {
  const options = { inputShape: dataset.shape, numClasses: 10, seeds: spec.seeds };
  const built = await buildModel(spec.model, options);
  const { model } = built;
  const settings = {
    shape: dataset.shape,
    numClasses: 10,
    labelSmoothing: 0,
    normalization: inputNormalization(spec, dataset),
    ...(spec.data.augment && { augment: spec.data.augment }),
    augmentSeed: spec.seeds.augment,
  };
  const executor: Executor = pool
    ? await pool.trainer({ model: spec.model, ...options }, settings, dataset.train, dataset.validation, spec.train!.batchSize)
    : new LocalExecutor(built, settings, dataset.train, dataset.validation, spec.train!.batchSize);
  try {
    const result = await trainModel({
      executor,
      spec: spec.train!,
      shuffleSeed: spec.seeds.shuffle,
      numClasses: 10,
      train: dataset.train,
      validation: dataset.validation,
      clock: { now: () => 0 },
      ...(resume && { resume }),
      ...(checkpoints && { saveCheckpoint: async (c: Checkpoint) => void checkpoints.push(structuredClone(c)) }),
    });
    const weights = pool ? await executor.captureWeights() : captureWeights(model);
    const others = pool ? await Promise.all(Array.from({ length: pool.size - 1 }, (_, r) => pool.ask<SavedTensor[]>(r + 1, { cmd: 'captureWeights' }))) : [];
    return { history: result.history, phases: result.phases, weights, others };
  } finally {
    await executor.dispose();
    model.dispose();
  }
}

describe('resuming training', () => {
  it('from every epoch checkpoint gives the uninterrupted history and weights, bit for bit', async () => {
    const checkpoints: Checkpoint[] = [];
    const whole = await train(undefined, checkpoints);
    expect(whole.history).toHaveLength(4);
    expect(new Set(whole.history.map((r) => r.lr))).toEqual(new Set([0.003, 0.0015]));
    expect(checkpoints).toHaveLength(4);
    for (const c of checkpoints.slice(0, -1)) {
      const resumed = await train(c);
      expect(resumed.history).toEqual(whole.history);
      expect(resumed.phases).toEqual(whole.phases);
      expect(resumed.weights).toEqual(whole.weights);
    }
  });

  it('the same seed and backend give an identical history', async () => {
    const [a, b] = [await train(), await train()];
    expect(b.history).toEqual(a.history);
  });

  it('with two replicas too: resumed runs equal the uninterrupted one, and the replicas hold identical weights', async () => {
    const pool = await ReplicaPool.start(2, 'wasm');
    try {
      const checkpoints: Checkpoint[] = [];
      const whole = await train(undefined, checkpoints, pool);
      expect(whole.others[0]).toEqual(whole.weights);
      const single = await train();
      // Each replica normalizes over its half of the batch: a different (equally valid) run.
      expect(whole.history).not.toEqual(single.history);
      for (const c of checkpoints.slice(0, -1)) {
        const resumed = await train(c, undefined, pool);
        expect(resumed.history).toEqual(whole.history);
        expect(resumed.weights).toEqual(whole.weights);
      }
    } finally {
      await pool.close();
    }
  });

  it('leaves no tensor behind', async () => {
    await train();
    const before = tf.memory().numTensors;
    await train();
    expect(tf.memory().numTensors).toBe(before);
  });
});

/** Run the CLI; resolves with its exit code (null when killed). */
function cli(args: string[], onLine?: (line: string, kill: () => void) => void): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/convlens.js', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let buffer = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop()!;
      for (const line of lines) onLine?.(line, () => child.kill('SIGKILL'));
    });
    child.stderr.resume();
    child.on('error', reject);
    child.on('close', (code) => resolve(code));
  });
}

describe('a killed build', () => {
  it('resumes from its last checkpoint and publishes what an uninterrupted build publishes', async () => {
    const killedCache = await mkdtemp(join(tmpdir(), 'convlens-killed-'));
    const cleanCache = await mkdtemp(join(tmpdir(), 'convlens-clean-'));
    try {
      const common = ['run', '--experiments', 'tests/fixtures/experiments/resume', '--backend', 'wasm'];
      // Kill as soon as the first epoch's checkpoint exists (it is written right after the epoch's line).
      const checkpointDir = join(killedCache, 'store', 'checkpoints');
      // Complete entries only: a temporary directory holds its entry.json before it is renamed into place.
      const hasCheckpoint = () => existsSync(checkpointDir) && readdirSync(checkpointDir).some((n) => !n.startsWith('.') && existsSync(join(checkpointDir, n, 'entry.json')));
      const killed = await cli([...common, '--cache', killedCache], (line, kill) => {
        if (!/epoch 1\/4 {2}loss/.test(line)) return;
        const poll = setInterval(() => {
          if (hasCheckpoint()) {
            clearInterval(poll);
            kill();
          }
        }, 2);
      });
      expect(killed).toBeNull();
      expect((await readdir(checkpointDir)).filter((n) => !n.startsWith('.'))).toHaveLength(1);

      const lines: string[] = [];
      expect(await cli([...common, '--cache', killedCache], (line) => lines.push(line))).toBe(0);
      expect(lines.join('\n')).toMatch(/resume-fashion: resuming from the checkpoint after epoch [123]/);
      expect(await cli([...common, '--cache', cleanCache])).toBe(0);

      const published = (cache: string, file: string) => readFile(join(cache, 'report', 'experiments', 'resume-fashion', file));
      for (const file of ['data/history.csv', 'data/metrics.json', 'data/predictions.csv', 'model/weights.bin']) {
        expect((await published(killedCache, file)).equals(await published(cleanCache, file)), file).toBe(true);
      }
      expect((await readdir(checkpointDir)).filter((n) => !n.startsWith('.'))).toEqual([]);
    } finally {
      await rm(killedCache, { recursive: true, force: true });
      await rm(cleanCache, { recursive: true, force: true });
    }
  });
});

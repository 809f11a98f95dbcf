/**
 * The whole pipeline on a tiny real experiment (Fashion-MNIST, a few hundred images): fresh
 * then cached runs, published files, failure isolation, determinism and tensor hygiene.
 */
import * as tf from '@tensorflow/tfjs';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, type RunOptions } from '../../src/pipeline/index.ts';
import { createLog } from '../../src/pipeline/log.ts';
import { prepareCache } from '../../src/pipeline/cache-dir.ts';
import { systemClock } from '../../src/lib/clock.ts';

const TINY = 'tests/fixtures/experiments/tiny/tiny-fashion.yaml';
let cacheDir: string;

function effects() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, effects: { clock: systemClock, log: createLog({ mode: 'plain', out: (t) => out.push(t), err: (t) => err.push(t), clock: systemClock }) } };
}

function options(files: string[], extra: Partial<RunOptions> = {}): RunOptions {
  return { files, ids: [], cacheDir, force: false, backend: 'wasm', ...extra };
}

beforeAll(async () => {
  cacheDir = await mkdtemp(join(tmpdir(), 'convlens-pipeline-'));
  await prepareCache(cacheDir);
});
afterAll(async () => {
  await rm(cacheDir, { recursive: true, force: true });
});

describe('pipeline', () => {
  it('trains fresh, then reuses the cache without retraining', async () => {
    const first = effects();
    const a = await run(options([TINY]), first.effects);
    expect(a.failed).toEqual([]);
    expect(first.out.join('')).toMatch(/\[fresh\] tiny-fashion {2}test accuracy 0\.\d{4}, loss \d\.\d{4}/);
    expect(a.results[0]!.run.facts.history).toHaveLength(2);

    const second = effects();
    const b = await run(options([TINY]), second.effects);
    expect(second.out.join('')).toMatch(/\[cached\] tiny-fashion /);
    expect(second.out.join('')).not.toMatch(/epoch 1\/2/);
    expect(b.results[0]!.run.facts.history).toEqual(a.results[0]!.run.facts.history);
    expect(b.results[0]!.analysis.metrics).toEqual(a.results[0]!.analysis.metrics);
  });

  it('publishes the contract files, and the published model reproduces predictions.csv', async () => {
    await run(options([TINY]), effects().effects);
    const dir = join(cacheDir, 'report', 'experiments', 'tiny-fashion');
    expect((await readdir(join(dir, 'data'))).sort()).toEqual(['experiment.yaml', 'history.csv', 'manifest.json', 'metrics.json', 'predictions.csv']);
    expect((await readdir(join(dir, 'model'))).sort()).toEqual(['model.json', 'weights.bin']);
    const allNames = [...new Set((await readdir(join(dir, 'figures'))).map((f) => f.replace(/\.[a-z]+$/, '')))].sort();
    const figureNames = allNames.filter((n) => !n.startsWith('sample-'));
    // Every explained image has its own figures for its sample page: all methods, and feature maps for the first three.
    const report = JSON.parse(await readFile(join(cacheDir, 'report', 'report.json'), 'utf8'));
    const explained = report.experiments[0].explain.images.map((i: { index: number }) => i.index);
    expect(explained).toHaveLength(8);
    expect(allNames.filter((n) => n.startsWith('sample-')).sort()).toEqual(
      explained.flatMap((i: number, r: number) => [`sample-${i}-explanations`, ...(r < 3 ? [`sample-${i}-feature-maps-conv2d_1`] : [])]).sort(),
    );
    expect(figureNames).toEqual([
      'architecture',
      'calibration',
      'class-activation-maps',
      'class-distribution',
      'confusion-matrix',
      'confusion-matrix-normalized',
      'embedding-pca',
      'embedding-umap',
      'faithfulness',
      'feature-maps-conv2d_1',
      'filter-patterns-conv2d_1',
      'filter-top-images-conv2d_1',
      'filters',
      'gradcam',
      'layer-cam',
      'mistakes',
      'occlusion',
      'pr-curves',
      'predictions',
      'road',
      'roc-curves',
      'saliency',
      'samples',
      'sanity-checks',
      'shap',
      'training-curves',
    ]);
    // The evidence for each map: the trust table ranks every method; the sanity check covers every method.
    const explain = report.experiments[0].explain;
    expect(explain.trust.rows.map((r: { method: string }) => r.method).sort()).toEqual(
      ['Eigen-CAM', 'Expected Gradients (SHAP)', 'Grad-CAM', 'Grad-CAM++', 'HiResCAM', 'Integrated Gradients', 'Layer-CAM', 'Occlusion', 'Saliency', 'Score-CAM', 'SmoothGrad', 'XGrad-CAM'],
    );
    expect(explain.sanity.methods).toHaveLength(12);
    expect(explain.checkImages).toEqual(explained.slice(0, 4));
    for (const c of explain.completeness) for (const image of c.images) expect(image.error <= c.tolerance || image.capped).toBe(true);
    // Every image a figure links to has its page.
    const pages = new Set(report.experiments[0].tests.map((t: { index: number }) => t.index));
    for (const i of [...explain.embedding.indices, ...explain.filterTopImages.flatMap((t: { indices: number[][] }) => t.indices.flat())]) expect(pages.has(i)).toBe(true);
    expect(await readFile(join(dir, 'data', 'experiment.yaml'), 'utf8')).toBe(await readFile(TINY, 'utf8'));

    const metrics = JSON.parse(await readFile(join(dir, 'data', 'metrics.json'), 'utf8'));
    expect(Object.keys(metrics)).toEqual(['accuracy', 'loss', 'top_k_accuracy', 'classes', 'per_class', 'macro_avg', 'weighted_avg', 'roc_auc', 'confusion_matrix', 'ece']);
    expect(metrics.confusion_matrix.flat().reduce((s: number, v: number) => s + v, 0)).toBe(200);
    const diagonal = metrics.confusion_matrix.reduce((s: number, row: number[], i: number) => s + row[i]!, 0);
    expect(metrics.accuracy).toBeCloseTo(diagonal / 200, 12);

    const history = (await readFile(join(dir, 'data', 'history.csv'), 'utf8')).trim().split('\n');
    expect(history[0]).toBe('epoch,loss,accuracy,val_loss,val_accuracy,lr');
    expect(history).toHaveLength(3);

    const manifest = JSON.parse(await readFile(join(dir, 'data', 'manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({ id: 'tiny-fashion', seed: 7, backend: 'wasm' });
    expect(manifest.hashes.weights).toMatch(/^[0-9a-f]{64}$/);

    // Load the published model as a reader would and predict the first test rows again.
    const csv = (await readFile(join(dir, 'data', 'predictions.csv'), 'utf8')).trim().split('\n');
    expect(csv[0]).toBe(['index', 'true', 'predicted', ...metrics.classes.map((c: string) => `p_${c}`)].map((h) => (h.includes(',') || h.includes('"') ? `"${h}"` : h)).join(','));
    expect(csv).toHaveLength(201);
    const modelJson = JSON.parse(await readFile(join(dir, 'model', 'model.json'), 'utf8'));
    const weights = await readFile(join(dir, 'model', 'weights.bin'));
    const model = await tf.loadLayersModel(
      tf.io.fromMemory({ modelTopology: modelJson.modelTopology, weightSpecs: modelJson.weightsManifest[0].weights, weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) }),
    );
    const { loadDataset } = await import('../../src/data/index.ts');
    const { loadExperiments } = await import('../../src/config/index.ts');
    const spec = (await loadExperiments([TINY])).experiments[0]!;
    const { dataset } = await loadDataset(spec.data, spec.seeds, { cacheDir });
    const x = tf.tensor4d(Float32Array.from(dataset.test.pixels.subarray(0, 3 * 784), (v) => v / 255), [3, 28, 28, 1]);
    const probs = (model.predict(x) as tf.Tensor).arraySync() as number[][];
    for (let i = 0; i < 3; i++) {
      const cells = csv[i + 1]!.match(/("[^"]*"|[^,]+)/g)!;
      const published = cells.slice(3).map(Number);
      published.forEach((p, j) => expect(p).toBeCloseTo(probs[i]![j]!, 5));
    }
    x.dispose();
    model.dispose();
  });

  it('same seed and backend give an identical history when retrained', async () => {
    const a = await run(options([TINY], { force: true }), effects().effects);
    const b = await run(options([TINY], { force: true }), effects().effects);
    expect(b.results[0]!.run.facts.history).toEqual(a.results[0]!.run.facts.history);
    expect(b.results[0]!.run.saved.weights.equals(a.results[0]!.run.saved.weights)).toBe(true);
  });

  it('a failing experiment is reported and does not stop the others', async () => {
    const dir = 'tests/fixtures/experiments/with-failure';
    const files = (await readdir(dir)).sort().map((f) => join(dir, f));
    const log = effects();
    const outcome = await run(options(files), log.effects);
    expect(outcome.results.map((r) => r.spec.id)).toEqual(['good']);
    expect(outcome.failed).toEqual([
      {
        id: 'wrong-head',
        title: 'Wrong head',
        exitCode: 1,
        error: 'The model ends with 7 units, but the dataset has 10 classes. End model.layers with "- dense: { units: 10, activation: softmax }".',
      },
    ]);
    expect(log.err.join('')).toContain('[failed] wrong-head  The model ends with 7 units');
    const report = JSON.parse(await readFile(join(cacheDir, 'report', 'report.json'), 'utf8'));
    expect(report.failed.map((f: { id: string }) => f.id)).toEqual(['wrong-head']);
  });

  it('leaves no tensors behind after training and analysis', async () => {
    await run(options([TINY]), effects().effects); // engine started, caches warm
    const before = tf.memory().numTensors;
    await run(options([TINY], { force: true }), effects().effects);
    expect(tf.memory().numTensors).toBe(before);
  });
});

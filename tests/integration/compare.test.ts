/**
 * The comparison stage on real tiny experiments: two models trained on the same Fashion-MNIST
 * subset (different architectures and input normalization) and a third with a smaller test set.
 * The two share one comparison: the same images for both, each model's prediction exactly its
 * own predictions.csv row, a Grad-CAM overlay per model and image, each on its own colour scale,
 * the same bytes when recomputed, nothing recomputed (no model loaded) when cached, no tensors left.
 */
import * as tf from '@tensorflow/tfjs';
import sharp from 'sharp';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDataset, type Dataset } from '../../src/data/index.ts';
import { initEngine, type Engine } from '../../src/engine/backend.ts';
import { systemClock } from '../../src/lib/clock.ts';
import type { PipelineContext } from '../../src/pipeline/context.ts';
import { run } from '../../src/pipeline/index.ts';
import { createLog } from '../../src/pipeline/log.ts';
import { camMaps } from '../../src/pipeline/stages/compare-cams.ts';
import { imageScale, overlayPixels } from '../../src/pipeline/stages/compare-overlays.ts';
import { compareExperiment, compareStage, type CompareArtifact, type CompareExperiment } from '../../src/pipeline/stages/compare.ts';
import { openStore } from '../../src/pipeline/store.ts';

const TINY = 'tests/fixtures/experiments/tiny/tiny-fashion.yaml';
let dir: string;
let cacheDir: string;
let experiments: CompareExperiment[];
let datasets: Dataset[];
let first: CompareArtifact;
let engineCalls = 0;

function context(force = false): PipelineContext {
  const quiet = () => {};
  return {
    store: openStore(join(cacheDir, 'store')),
    log: createLog({ mode: 'plain', out: quiet, err: quiet, clock: systemClock }),
    clock: systemClock,
    cacheDir,
    force,
    backend: 'wasm',
    engine: (): Promise<Engine> => {
      engineCalls++;
      return initEngine('wasm');
    },
    replicas: () => Promise.reject(new Error('the comparison never trains')),
  };
}

/** predictions.csv of an experiment as published: index → [predicted class, probability of it]. */
async function publishedPredictions(id: string): Promise<Map<number, [string, number]>> {
  const lines = (await readFile(join(cacheDir, 'report', 'experiments', id, 'data', 'predictions.csv'), 'utf8')).trim().split('\n');
  const header = lines[0]!.split(',');
  const out = new Map<number, [string, number]>();
  for (const line of lines.slice(1)) {
    const cells = line.split(',');
    const predicted = cells[2]!;
    out.set(Number(cells[0]), [predicted, Number(cells[header.indexOf(`p_${predicted}`)])]);
  }
  return out;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'convlens-compare-'));
  cacheDir = join(dir, 'cache');
  const tiny = await readFile(TINY, 'utf8');
  // B: another architecture with standardized inputs, same data block (so the same test images).
  const b = tiny
    .replace('title: Tiny Fashion-MNIST', 'title: Tiny Fashion-MNIST, wider')
    .replace('  split: { validation: 0.25 }', '  split: { validation: 0.25 }\n  normalize: standardize')
    .replace('conv2d: { filters: 4, kernel: 3, activation: relu }', 'conv2d: { filters: 6, kernel: 5, activation: relu }');
  // C: a smaller test set, so a different group (alone, so no comparison).
  const c = tiny.replace('limit: { train: 400, test: 200 }', 'limit: { train: 400, test: 100 }');
  expect(b).not.toBe(tiny);
  expect(c).not.toBe(tiny);
  const files = [join(dir, 'tiny-a.yaml'), join(dir, 'tiny-b.yaml'), join(dir, 'tiny-c.yaml')];
  await Promise.all([writeFile(files[0]!, tiny), writeFile(files[1]!, b), writeFile(files[2]!, c)]);
  const quiet = () => {};
  const outcome = await run({ files, ids: [], cacheDir, force: false, backend: 'wasm' }, { clock: systemClock, log: createLog({ mode: 'plain', out: quiet, err: quiet, clock: systemClock }) });
  expect(outcome.failed).toEqual([]);
  datasets = [];
  experiments = [];
  for (const r of outcome.results) {
    const { dataset } = await loadDataset(r.spec.data, r.spec.seeds, { cacheDir });
    datasets.push(dataset);
    experiments.push(compareExperiment(r.spec, dataset, r.run, r.analysis));
  }
  first = await compareStage(context(), experiments);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('compareStage', () => {
  it('compares the two experiments that share a test set, on the same 8 images', () => {
    expect(first.comparisons).toHaveLength(1);
    const [comparison] = first.comparisons;
    expect(comparison!.experiments).toEqual(['tiny-a', 'tiny-b']);
    expect(comparison!.dataset).toBe('fashion-mnist test set (200 images)');
    expect(comparison!.images).toHaveLength(8);
    const indices = comparison!.images.map((i) => i.index);
    expect([...indices].sort((x, y) => x - y)).toEqual(indices);
    expect(new Set(indices).size).toBe(8);
    for (const image of comparison!.images) {
      expect(Object.keys(image.perExperiment)).toEqual(['tiny-a', 'tiny-b']);
      expect(image.true).toBe(datasets[0]!.classes[datasets[0]!.test.labels[image.index]!]);
    }
  });

  it("gives each model's prediction and confidence exactly as its own predictions.csv", async () => {
    const [comparison] = first.comparisons;
    for (const id of ['tiny-a', 'tiny-b']) {
      const published = await publishedPredictions(id);
      for (const image of comparison!.images) {
        const [predicted, p] = published.get(image.index)!;
        expect(image.perExperiment[id]!.predicted).toBe(predicted);
        expect(Number(image.perExperiment[id]!.confidence.toPrecision(6))).toBe(p);
      }
    }
  });

  it('mixes images where the models disagree with ones where they agree', async () => {
    const [a, b] = [await publishedPredictions('tiny-a'), await publishedPredictions('tiny-b')];
    const disagreeing = [...a.keys()].filter((i) => a.get(i)![0] !== b.get(i)![0]).length;
    const shown = first.comparisons[0]!.images.filter((i) => i.perExperiment['tiny-a']!.predicted !== i.perExperiment['tiny-b']!.predicted).length;
    // Two barely trained models disagree on many of the 200 images and agree on many more, so
    // the stage takes half of each.
    expect(disagreeing).toBeGreaterThanOrEqual(4);
    expect(200 - disagreeing).toBeGreaterThanOrEqual(4);
    expect(shown).toBe(4);
  });

  it('writes each image and each model’s overlay as a PNG, named under compare/<group>/', async () => {
    const [comparison] = first.comparisons;
    const group = comparison!.images[0]!.image.split('/')[1]!;
    expect(group).toMatch(/^fashion-mnist-[0-9a-f]{8}$/);
    for (const image of comparison!.images) {
      expect(image.image).toBe(`compare/${group}/${image.index}.png`);
      for (const id of ['tiny-a', 'tiny-b']) {
        const path = image.perExperiment[id]!.gradcam!;
        expect(path).toBe(`compare/${group}/${image.index}-${id}.png`);
        const meta = await sharp(first.files.get(path)!).metadata();
        expect([meta.format, meta.width, meta.height, meta.channels]).toEqual(['png', 112, 112, 3]);
      }
      expect((await sharp(first.files.get(image.image)!).metadata()).width).toBe(112);
    }
    expect(first.files.has(`compare/${group}/gradcam.json`)).toBe(true);
  });

  it('draws each model’s map of an image on its own colour scale: 0 to that map’s maximum', async () => {
    await initEngine('wasm');
    const [comparison] = first.comparisons;
    const image = comparison!.images[0]!;
    const test = datasets[0]!.test;
    const size = 28 * 28;
    const maps: Float32Array[] = [];
    for (const e of experiments.slice(0, 2)) {
      const k = datasets[0]!.classes.indexOf(image.perExperiment[e.id]!.predicted);
      const cam = await camMaps({ saved: e.run.saved, normalization: e.run.normalization, layer: e.report.explainLayer }, test.pixels, [image.index], [28, 28, 1], [k]);
      maps.push(cam.maps![0]!);
    }
    const peaks = maps.map((m) => Math.max(0, ...m));
    const scales = maps.map((m) => imageScale([m]));
    // A map without positive evidence is drawn on 0–1 (all dark), not stretched.
    for (const [m, s] of scales.entries()) expect(s.max).toBe(peaks[m]! > 0 ? peaks[m]! : 1);
    const group = image.image.split('/')[1]!;
    const about = JSON.parse(first.files.get(`compare/${group}/gradcam.json`)!.toString('utf8'));
    expect(about.scales[0]).toEqual({ index: image.index, max: { 'tiny-a': Number(peaks[0]!.toPrecision(6)), 'tiny-b': Number(peaks[1]!.toPrecision(6)) } });
    // Every pixel of each overlay is that model's map on its own scale (4× nearest upscale).
    const pixels = test.pixels.subarray(image.index * size, (image.index + 1) * size);
    for (const [m, e] of experiments.slice(0, 2).entries()) {
      const expected = overlayPixels(pixels, 1, maps[m]!, scales[m]!);
      const { data } = await sharp(first.files.get(image.perExperiment[e.id]!.gradcam!)!).raw().toBuffer({ resolveWithObject: true });
      let worst = 0;
      for (let y = 0; y < 28; y++) for (let x = 0; x < 28; x++) for (let ch = 0; ch < 3; ch++) worst = Math.max(worst, Math.abs(data[((y * 4) * 112 + x * 4) * 3 + ch]! - expected[(y * 28 + x) * 3 + ch]!));
      // Maps recomputed here may differ from the stage's in the last float bit; one LUT step at most.
      expect(worst).toBeLessThanOrEqual(2);
    }
  });

  it('publishes the cross-experiment figures for all three experiments', () => {
    expect(first.figures.map((f) => [f.name, f.svg, f.png, f.data])).toEqual([
      ['comparison-metrics', 'figures/comparison-metrics.svg', 'figures/comparison-metrics.png', 'figures/comparison-metrics.csv'],
      ['comparison-curves', 'figures/comparison-curves.svg', 'figures/comparison-curves.png', 'figures/comparison-curves.csv'],
    ]);
    for (const f of first.figures) for (const path of [f.svg, f.png, f.data]) expect(first.files.has(path)).toBe(true);
    expect(first.files.get('figures/comparison-metrics.csv')!.toString('utf8').split('\n')[0]).toBe('id,title,epoch,val_loss,val_accuracy');
    expect(first.figures[0]!.alt).toContain('3 experiments');
  });

  it('is deterministic when recomputed, loads no model when cached, and leaves no tensors', async () => {
    await initEngine('wasm');
    const before = tf.memory().numTensors;
    const again = await compareStage(context(true), experiments);
    expect(tf.memory().numTensors).toBe(before);
    expect(again.comparisons).toEqual(first.comparisons);
    expect([...again.files.keys()].sort()).toEqual([...first.files.keys()].sort());
    for (const [path, bytes] of first.files) expect(again.files.get(path)!.equals(bytes), path).toBe(true);

    engineCalls = 0;
    const cached = await compareStage(context(), experiments);
    expect(engineCalls).toBe(0);
    expect(cached.seconds).toBe(0);
    expect(cached.comparisons).toEqual(first.comparisons);
    for (const [path, bytes] of first.files) expect(cached.files.get(path)!.equals(bytes), path).toBe(true);
  });
});

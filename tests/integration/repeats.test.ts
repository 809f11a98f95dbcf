/**
 * Repeated runs through the real pipeline (Fashion-MNIST, 300 training and 200 test images, two
 * epochs, three runs): three distinct runs on one test set, the report's mean and standard
 * deviation against a computation from each run's stored test probabilities, a second build that
 * trains nothing, the page, `repeats: 1` publishing byte for byte what the experiment without the
 * key publishes, and a merge build (`--no-train`) missing one run.
 */
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadExperiments } from '../../src/config/index.ts';
import type { ExperimentSpec, TrainedSpec } from '../../src/config/spec.ts';
import { loadDataset } from '../../src/data/index.ts';
import { systemClock } from '../../src/lib/clock.ts';
import { prepareCache } from '../../src/pipeline/cache-dir.ts';
import { run, type RunOptions } from '../../src/pipeline/index.ts';
import { createLog } from '../../src/pipeline/log.ts';
import { analysisKey, trainKey } from '../../src/pipeline/plan.ts';
import { openStore, sha256 } from '../../src/pipeline/store.ts';
import type { ExperimentEntry, Report } from '../../src/site/report.ts';

const DIR = 'tests/fixtures/experiments/repeats';
const THREE = `${DIR}/three-runs.yaml`;
/** The same experiment once, without the key and with `repeats: 1` (same id, same title). */
const ONCE = `${DIR}/once/once.yaml`;
const ONCE_REPEATS_1 = `${DIR}/once-repeats-1/once.yaml`;

let cacheDir: string;
let spec: ExperimentSpec;

function effects() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, effects: { clock: systemClock, log: createLog({ mode: 'plain', out: (t) => out.push(t), err: (t) => err.push(t), clock: systemClock }) } };
}

function options(files: string[], extra: Partial<RunOptions> = {}): RunOptions {
  return { files, ids: [], cacheDir, force: false, backend: 'wasm', ...extra };
}

async function report(): Promise<Report> {
  return JSON.parse(await readFile(join(cacheDir, 'report', 'report.json'), 'utf8')) as Report;
}

/** Every file of the published report, by path relative to the report directory. */
async function reportFiles(): Promise<Map<string, Buffer>> {
  const root = join(cacheDir, 'report');
  const files = new Map<string, Buffer>();
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) files.set(relative(root, join(entry.parentPath, entry.name)), await readFile(join(entry.parentPath, entry.name)));
  }
  return files;
}

/** Each run's train key, computed as the pipeline does from the run's seeds (run 0's is checked against the manifest). */
function runKeys(entry: ExperimentEntry, digest: string): string[] {
  const tfjs = entry.manifest.versions['tfjs']!;
  return spec.runs!.map((r) => trainKey({ ...(spec as TrainedSpec), seeds: r.seeds }, digest, entry.manifest.backend, tfjs));
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sampleStd = (xs: number[]) => Math.sqrt(xs.reduce((a, x) => a + (x - mean(xs)) ** 2, 0) / (xs.length - 1));

beforeAll(async () => {
  cacheDir = await mkdtemp(join(tmpdir(), 'convlens-repeats-'));
  await prepareCache(cacheDir);
  spec = (await loadExperiments([THREE])).experiments[0]!;
});
afterAll(async () => {
  await rm(cacheDir, { recursive: true, force: true });
});

describe('repeated runs', () => {
  let first: Report;

  it('trains three distinct runs on one test set; the mean and standard deviation are those of the runs’ own predictions', async () => {
    const log = effects();
    const outcome = await run(options([THREE]), log.effects);
    expect(outcome.failed).toEqual([]);
    const out = log.out.join('');
    expect(out).toMatch(/\[fresh\] three-runs {2}test accuracy 0\.\d{4}, loss \d\.\d{4}; over 3 runs 0\.\d{4} ± 0\.\d{4}/);
    for (const run of ['', ' run 2 of 3 \\(seed \\d+\\)', ' run 3 of 3 \\(seed \\d+\\)']) expect(out).toMatch(new RegExp(`three-runs${run} {2}epoch 2/2 `));

    first = await report();
    const entry = first.experiments[0]!;
    const repeats = entry.repeats!;
    expect(repeats.seeds).toEqual(spec.runs!.map((r) => r.seed));
    expect(repeats.seeds[0]).toBe(7);
    expect(new Set(repeats.seeds).size).toBe(3);

    // The same split for every run: each run's seeds give the dataset run 0 was evaluated on.
    const datasets = await Promise.all(spec.runs!.map(async (r) => (await loadDataset(spec.data, r.seeds, { cacheDir })).dataset));
    for (const d of datasets) {
      expect(d.digest).toBe(entry.manifest.hashes.data);
      expect(d.test.labels).toEqual(datasets[0]!.test.labels);
    }
    const labels = datasets[0]!.test.labels;

    // Three runs in the store under three keys, with three different models.
    const keys = runKeys(entry, entry.manifest.hashes.data);
    expect(keys[0]).toBe(entry.manifest.hashes.train);
    expect(new Set(keys).size).toBe(3);
    const store = openStore(join(cacheDir, 'store'), () => {});
    const weights = await Promise.all(keys.map(async (k) => sha256((await store.get('runs', k))!.get('weights.bin')!)));
    expect(weights[0]).toBe(entry.manifest.hashes.weights);
    expect(new Set(weights).size).toBe(3);

    // Accuracy and loss of each run from its stored test probabilities, in plain arithmetic.
    const k = entry.dataset.classes.length;
    const accuracies: number[] = [];
    const losses: number[] = [];
    for (const key of keys) {
      const bytes = (await store.get('analysis', analysisKey(key)))!.get('probs.f32')!;
      const probs = new Float32Array(new Uint8Array(bytes).buffer);
      expect(probs.length).toBe(labels.length * k);
      let right = 0;
      let loss = 0;
      labels.forEach((label, i) => {
        const row = Array.from(probs.subarray(i * k, (i + 1) * k));
        if (row.indexOf(Math.max(...row)) === label) right++;
        loss -= Math.log(Math.max(row[label]! / row.reduce((a, b) => a + b, 0), 1e-15));
      });
      accuracies.push(right / labels.length);
      losses.push(loss / labels.length);
    }
    expect(new Set(losses).size).toBe(3);
    const accuracy = repeats.metrics['accuracy']!;
    expect(accuracy.values).toEqual(accuracies);
    expect(accuracy.mean).toBeCloseTo(mean(accuracies), 12);
    expect(accuracy.std).toBeCloseTo(sampleStd(accuracies), 12);
    expect(accuracy.std).toBeGreaterThan(0);
    const loss = repeats.metrics['loss']!;
    loss.values.forEach((v, i) => expect(v).toBeCloseTo(losses[i]!, 6));
    expect(loss.mean).toBeCloseTo(mean(losses), 6);
    expect(loss.std).toBeCloseTo(sampleStd(losses), 6);
    // Run 0 is the run the rest of the report is about.
    expect(accuracy.values[0]).toBe(entry.metrics.accuracy);
    expect(repeats.metrics['ece']!.values[0]).toBe(entry.metrics.ece);
    expect(repeats.histories[0]).toEqual(entry.history);
    expect(new Set(repeats.histories.map((h) => JSON.stringify(h))).size).toBe(3);

    // The curves of all runs replace run 0's: per epoch, the mean over the runs' histories.
    const curves = entry.figures.find((f) => f.name === 'training-curves')!;
    expect(curves.title).toBe('Training curves (mean ± standard deviation of 3 runs)');
    expect(curves.alt).toMatch(/^Mean of 3 runs, with a band of ± one standard deviation\. /);
    const dir = join(cacheDir, 'report', 'experiments', 'three-runs');
    const csv = (await readFile(join(dir, 'figures', 'training-curves.csv'), 'utf8')).trim().split('\n');
    expect(csv[0]).toBe('epoch,runs,loss,loss_std,accuracy,accuracy_std,val_loss,val_loss_std,val_accuracy,val_accuracy_std');
    const [epoch, runs, lossMean, lossStd] = csv[1]!.split(',').map(Number);
    const epochOne = repeats.histories.map((h) => h[0]!.loss);
    expect([epoch, runs]).toEqual([1, 3]);
    expect(lossMean).toBeCloseTo(mean(epochOne), 12);
    expect(lossStd).toBeCloseTo(sampleStd(epochOne), 12);

    // repeats.csv: one row per run, and listed among the downloads.
    const rows = (await readFile(join(dir, 'data', 'repeats.csv'), 'utf8')).trim().split('\n');
    expect(rows).toHaveLength(4);
    expect(rows[0]!.startsWith('run,seed,accuracy,loss,top_k_accuracy.3,macro_avg.precision,')).toBe(true);
    rows.slice(1).forEach((line, i) => expect(line.startsWith(`${i + 1},${repeats.seeds[i]},${accuracies[i]},`)).toBe(true));
    expect(entry.downloads).toContainEqual({ label: 'Test metrics of each of the 3 runs (repeats.csv)', path: 'data/repeats.csv' });
    // Explanations come from run 0 alone: one image, one method.
    expect(entry.explain.images).toHaveLength(1);
  });

  it('a second build trains nothing and publishes the same report', async () => {
    const log = effects();
    await run(options([THREE]), log.effects);
    expect(log.out.join('')).toMatch(/\[cached\] three-runs /);
    expect(log.out.join('')).not.toMatch(/epoch \d\/2/);
    const again = await report();
    expect(again.experiments[0]!.manifest.cached).toBe(true);
    const normalized = (r: Report) => JSON.stringify({ ...r, experiments: r.experiments.map((e) => ({ ...e, manifest: { ...e.manifest, cached: null } })) });
    expect(normalized(again)).toBe(normalized(first));
  });

  it('the page shows each card as mean ± standard deviation, says which run the figures show, and lists the runs', async () => {
    const { buildSite } = await import('../../src/site/build-site.ts');
    const outDir = join(cacheDir, 'dist');
    await buildSite({ reportDir: join(cacheDir, 'report'), outDir, base: '/', cacheDir });
    const html = await readFile(join(outDir, 'experiments', 'three-runs', 'index.html'), 'utf8');
    const text = html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
    const accuracy = first.experiments[0]!.repeats!.metrics['accuracy']!;
    const pct = (v: number) => `${(v * 100).toFixed(2)}%`;
    expect(text).toContain(`Test accuracy ${pct(accuracy.mean)} ± ${pct(accuracy.std)} mean ± SD of 3 runs; first run ${pct(accuracy.values[0]!)}`);
    expect(text).toContain('This experiment was trained 3 times, with the seeds ' + first.experiments[0]!.repeats!.seeds.join(', '));
    expect(text).toContain('all other figures, the explanations, the sample pages and the published model are from the first run (seed 7)');
    expect(text).toContain(`Mean ${pct(accuracy.mean)}`);
    expect(text).toContain(`Standard deviation ${pct(accuracy.std)}`);
    expect(html).toContain('href="/experiments/three-runs/data/repeats.csv"');
  });

  it('repeats: 1 publishes byte for byte what the experiment without the key publishes, from run 0 of the repeated one', async () => {
    const without = effects();
    await run(options([ONCE]), without.effects);
    // Adding repeats to an experiment keeps its run 0: this run was trained as three-runs' first.
    expect(without.out.join('')).toMatch(/\[cached\] once /);
    const a = await reportFiles();
    const once = effects();
    await run(options([ONCE_REPEATS_1]), once.effects);
    expect(once.out.join('')).toMatch(/\[cached\] once /);
    const b = await reportFiles();

    expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
    expect(a.has('experiments/once/data/repeats.csv')).toBe(false);
    const differing = [...a].filter(([path, bytes]) => !bytes.equals(b.get(path)!)).map(([path]) => path);
    // Only the definition as written differs: the file itself, and report.json's copy of it.
    expect(differing.sort()).toEqual(['experiments/once/data/experiment.yaml', 'report.json']);
    const withoutYaml = (bytes: Buffer) => {
      const r = JSON.parse(bytes.toString('utf8')) as Report;
      expect(r.experiments[0]!.repeats).toBeUndefined();
      return JSON.stringify({ ...r, experiments: r.experiments.map(({ yaml: _yaml, ...e }) => e) });
    };
    expect(withoutYaml(b.get('report.json')!)).toBe(withoutYaml(a.get('report.json')!));
    // And the single-run curves are run 0's history, not the repeated runs' bands.
    expect(a.get('experiments/once/figures/training-curves.csv')!.toString('utf8').split('\n')[0]).toBe('epoch,loss,accuracy,val_loss,val_accuracy,lr');
  });

  it('a merge build (--no-train) missing one run fails the experiment, naming the run, and trains nothing', async () => {
    const entry = first.experiments[0]!;
    const keys = runKeys(entry, entry.manifest.hashes.data);
    await openStore(join(cacheDir, 'store'), () => {}).remove('runs', keys[2]!);
    const log = effects();
    const outcome = await run(options([THREE], { noTrain: true }), log.effects);
    expect(outcome.failed.map((f) => f.id)).toEqual(['three-runs']);
    expect(outcome.failed[0]!.error).toMatch(
      new RegExp(`^Run 3 of 3 \\(seed ${entry.repeats!.seeds[2]}\\): --no-train: experiment three-runs has no trained run \\(runs/${keys[2]!.slice(0, 16)}…\\) in the local cache\\.`),
    );
    expect(log.out.join('')).not.toMatch(/epoch \d\/2/);
  });
});

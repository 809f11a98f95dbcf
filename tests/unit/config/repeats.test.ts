/**
 * Repeated runs in the config (`train.repeats`, `train.seeds`): the exact errors, the default (one
 * run, no `runs` in the spec), and the seeds of every run: split and report from the experiment
 * seed, the training streams from the run's seed. `repeats: 1` is the experiment without the key,
 * bit for bit, down to its cache keys. Expected seeds are derived here by hand from the
 * documented names, not by the code under test.
 */
import { describe, expect, it } from 'vitest';
import { formatConfigError, loadExperiments } from '../../../src/config/index.ts';
import type { ExperimentSpec, TrainedSpec } from '../../../src/config/spec.ts';
import { deriveSeed } from '../../../src/lib/rng.ts';
import { configHash, trainKey } from '../../../src/pipeline/plan.ts';

const head = 'title: t\nseed: 9\ndata: { source: mnist }\nmodel: { preset: simple-cnn }\ntrain:\n  epochs: 2\n';

async function load(text: string): Promise<{ specs: ExperimentSpec[]; errors: string[] }> {
  const { experiments, errors } = await loadExperiments(['experiments/a.yaml'], { readFile: async () => text });
  return { specs: experiments, errors: errors.map(formatConfigError) };
}

async function spec(extra = ''): Promise<ExperimentSpec> {
  const { specs, errors } = await load(`${head}${extra}`);
  expect(errors).toEqual([]);
  return specs[0]!;
}

async function errorsOf(extra: string): Promise<string[]> {
  const { specs, errors } = await load(`${head}${extra}`);
  expect(specs).toEqual([]);
  return errors;
}

/** The seeds of a run with seed `run` in an experiment with seed `seed`, written out from the documented names. */
const seedsOf = (seed: number, run: number) => ({
  init: deriveSeed(run, 'init'),
  dropout: deriveSeed(run, 'dropout'),
  split: deriveSeed(seed, 'split'),
  shuffle: deriveSeed(run, 'shuffle'),
  augment: deriveSeed(run, 'augment'),
  report: deriveSeed(seed, 'report'),
});

const key = (s: ExperimentSpec) => trainKey(s as TrainedSpec, 'data-digest', 'wasm', '4.22.0');

describe('train.repeats and train.seeds: errors', () => {
  it('repeats must be a whole number from 1 to 100', async () => {
    const hint = 'It is how many times the experiment is trained, each run with its own seed; 1 trains it once.';
    expect(await errorsOf('  repeats: 0\n')).toEqual([`experiments/a.yaml:7:12: train.repeats: expected an integer from 1 to 100, found 0. ${hint}`]);
    expect(await errorsOf('  repeats: 2.5\n')).toEqual([`experiments/a.yaml:7:12: train.repeats: expected an integer from 1 to 100, found 2.5. ${hint}`]);
    expect(await errorsOf('  repeats: 101\n')).toEqual([`experiments/a.yaml:7:12: train.repeats: expected an integer from 1 to 100, found 101. ${hint}`]);
    expect(await errorsOf('  repeats: "3"\n')).toEqual(['experiments/a.yaml:7:12: train.repeats: expected an integer from 1 to 100, found "3". Remove the quotes.']);
  });

  it('seeds must be a non-empty list of uint32 seeds', async () => {
    const hint = 'List the seed of each run, e.g. seeds: [1, 2, 3]; to train N times with seeds drawn from seed:, write repeats: N instead.';
    expect(await errorsOf('  seeds: []\n')).toEqual([`experiments/a.yaml:7:10: train.seeds: expected a list with at least 1 item, found a list of 0 items. ${hint}`]);
    expect(await errorsOf('  seeds: 3\n')).toEqual([`experiments/a.yaml:7:10: train.seeds: expected a list with at least 1 item, found 3. ${hint}`]);
    expect(await errorsOf('  seeds: [1, 1.5, -1, 4294967296]\n')).toEqual([
      'experiments/a.yaml:7:14: train.seeds[1]: expected an integer from 0 to 4294967295, found 1.5.',
      'experiments/a.yaml:7:19: train.seeds[2]: expected an integer from 0 to 4294967295, found -1.',
      'experiments/a.yaml:7:23: train.seeds[3]: expected an integer from 0 to 4294967295, found 4294967296.',
    ]);
  });

  it('repeats and seeds together: one error at seeds, saying to keep one', async () => {
    expect(await errorsOf('  repeats: 3\n  seeds: [1, 2]\n')).toEqual([
      'experiments/a.yaml:8:3: train.seeds: train.repeats (3) and train.seeds (2 seeds) both say how often the experiment is trained: repeats: N trains it N times with seeds drawn from seed:, and seeds: trains it once per listed seed. Keep one of them.',
    ]);
    // Even when repeats says 1, the default: written, it is a second answer to the same question.
    expect(await errorsOf('  seeds: [5]\n  repeats: 1\n')).toEqual([
      'experiments/a.yaml:7:3: train.seeds: train.repeats (1) and train.seeds (1 seed) both say how often the experiment is trained: repeats: N trains it N times with seeds drawn from seed:, and seeds: trains it once per listed seed. Keep one of them.',
    ]);
  });

  it('a seed listed twice: at the second, naming the first', async () => {
    expect(await errorsOf('  seeds: [4, 5, 4, 5]\n')).toEqual([
      'experiments/a.yaml:7:17: train.seeds[2]: the seed 4 is already listed at train.seeds[0], and the same seed trains the same run again. List each seed once.',
      'experiments/a.yaml:7:20: train.seeds[3]: the seed 5 is already listed at train.seeds[1], and the same seed trains the same run again. List each seed once.',
    ]);
  });
});

describe('train.repeats and train.seeds: the runs', () => {
  it('by default one run: no runs in the spec, seeds from the experiment seed', async () => {
    const s = await spec();
    expect(s.runs).toBeUndefined();
    expect(s.seeds).toEqual(seedsOf(9, 9));
  });

  it('repeats: 1 is the experiment without the key, bit for bit: spec, train key, config hash', async () => {
    const without = await spec();
    const once = await spec('  repeats: 1\n');
    expect(JSON.stringify({ ...once, source: '' })).toBe(JSON.stringify({ ...without, source: '' }));
    expect(key(once)).toBe(key(without));
    expect(configHash(once)).toBe(configHash(without));
  });

  it('repeats: 3: run 0 is the experiment itself, runs 1 and 2 take seeds derived by name; only the training streams differ', async () => {
    const s = await spec('  repeats: 3\n');
    const seeds = [9, deriveSeed(9, 'repeat/1'), deriveSeed(9, 'repeat/2')];
    expect(s.runs).toEqual(seeds.map((run) => ({ seed: run, seeds: seedsOf(9, run) })));
    expect(s.seeds).toEqual(seedsOf(9, 9));
    expect(new Set(seeds).size).toBe(3);
    for (const r of s.runs!) {
      expect(r.seeds.split).toBe(s.seeds.split);
      expect(r.seeds.report).toBe(s.seeds.report);
    }
    for (const purpose of ['init', 'dropout', 'shuffle', 'augment'] as const) expect(new Set(s.runs!.map((r) => r.seeds[purpose])).size).toBe(3);
    // Adding repeats keeps run 0's key: an experiment trained before is not trained again.
    expect(key(s)).toBe(key(await spec()));
    const keys = s.runs!.map((r) => key({ ...s, seeds: r.seeds }));
    expect(new Set(keys).size).toBe(3);
    expect(keys[0]).toBe(key(s));
  });

  it('seeds: every run takes a listed seed, the first is run 0; the split stays the experiment seed’s', async () => {
    const s = await spec('  seeds: [11, 12]\n');
    expect(s.seed).toBe(9);
    expect(s.runs).toEqual([
      { seed: 11, seeds: seedsOf(9, 11) },
      { seed: 12, seeds: seedsOf(9, 12) },
    ]);
    expect(s.seeds).toEqual(seedsOf(9, 11));
  });

  it('one listed seed is one run with that seed: no runs in the spec', async () => {
    const s = await spec('  seeds: [11]\n');
    expect(s.runs).toBeUndefined();
    expect(s.seeds).toEqual(seedsOf(9, 11));
    expect(key(s)).not.toBe(key(await spec()));
  });

  it('an imported model has no runs (it has no train: section)', async () => {
    const { specs, errors } = await load('title: t\ndata: { source: mnist }\nmodel: { load: m.h5 }\n');
    expect(errors).toEqual([]);
    expect(specs[0]!.runs).toBeUndefined();
  });
});

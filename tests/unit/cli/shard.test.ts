/**
 * `convlens run --shard`: where the shard comes from (flag over environment, Kubernetes'
 * JOB_COMPLETION_INDEX with --shards), the exact errors for bad input, `build` refusing shards,
 * an empty shard, and a shard running only its share (CIFAR-10 experiments without the dataset
 * fail at once at the data stage, so the log shows which ones were attempted without training).
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.ts';
import { resolveShard } from '../../../src/cli/shard.ts';

async function cli(argv: string[], env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (t) => void out.push(t), err: (t) => void err.push(t), env });
  return { code, out: out.join(''), err: err.join('') };
}

const PLAYWRIGHT = "(counted from 1, as Playwright's --shard).";

describe('resolveShard', () => {
  it('--shard i/N, CONVLENS_SHARD, and --shards N with JOB_COMPLETION_INDEX (counted from 0)', () => {
    expect(resolveShard({}, {})).toBeUndefined();
    expect(resolveShard({ shard: '2/4' }, {})).toEqual({ index: 2, count: 4, source: '--shard' });
    expect(resolveShard({}, { CONVLENS_SHARD: '3/4' })).toEqual({ index: 3, count: 4, source: 'CONVLENS_SHARD' });
    expect(resolveShard({ shards: '4' }, { JOB_COMPLETION_INDEX: '0' })).toEqual({ index: 1, count: 4, source: 'JOB_COMPLETION_INDEX' });
    expect(resolveShard({}, { CONVLENS_SHARD: '', JOB_COMPLETION_INDEX: '' })).toBeUndefined();
  });

  it('the flag beats the environment and says what it overrode', () => {
    expect(resolveShard({ shard: '2/4' }, { CONVLENS_SHARD: '1/4' })).toEqual({ index: 2, count: 4, source: '--shard', ignored: 'CONVLENS_SHARD=1/4' });
    expect(resolveShard({ shard: '2/4' }, { CONVLENS_SHARD: '2/4' })).toEqual({ index: 2, count: 4, source: '--shard' });
    // --shard agreeing with the Job's index, and --shards agreeing with --shard, are fine.
    expect(resolveShard({ shard: '2/4', shards: '4' }, { JOB_COMPLETION_INDEX: '1' })).toEqual({ index: 2, count: 4, source: '--shard' });
  });

  it('bad input is a user error with the exact text', () => {
    const error = (flags: { shard?: string; shards?: string }, env: Record<string, string> = {}) => {
      try {
        resolveShard(flags, env);
      } catch (e) {
        return (e as Error).message;
      }
      return 'no error';
    };
    expect(error({ shard: '0/3' })).toBe(`--shard 0/3 names no shard: with 3 shards the shard number is 1 to 3 ${PLAYWRIGHT}`);
    expect(error({ shard: '4/3' })).toBe(`--shard 4/3 names no shard: with 3 shards the shard number is 1 to 3 ${PLAYWRIGHT}`);
    expect(error({ shard: '2' })).toBe('--shard must be i/N, the shard to run (counted from 1) and the number of shards, not "2". For example --shard 2/4 runs the second of four shards.');
    expect(error({ shard: 'a/b' })).toBe('--shard must be i/N, the shard to run (counted from 1) and the number of shards, not "a/b". For example --shard 2/4 runs the second of four shards.');
    expect(error({ shard: '1/0' })).toBe('--shard must be i/N, the shard to run (counted from 1) and the number of shards, not "1/0". For example --shard 2/4 runs the second of four shards.');
    expect(error({}, { CONVLENS_SHARD: '5' })).toBe(
      'CONVLENS_SHARD must be i/N, the shard to run (counted from 1) and the number of shards, not "5". For example CONVLENS_SHARD=2/4 runs the second of four shards.',
    );
    expect(error({}, { JOB_COMPLETION_INDEX: '2' })).toBe(
      'JOB_COMPLETION_INDEX is set (2), as in a Kubernetes Indexed Job, but --shards is not given, so the number of shards is unknown. ' +
        "Pass --shards N with N the Job's completions, or --shard i/N to choose the shard yourself.",
    );
    expect(error({ shards: '4' })).toBe(
      "--shards 4 takes this shard's number from JOB_COMPLETION_INDEX (set by Kubernetes Indexed Jobs), which is not set. Outside Kubernetes give the shard itself: --shard i/4.",
    );
    expect(error({ shards: '4' }, { JOB_COMPLETION_INDEX: '4' })).toBe("JOB_COMPLETION_INDEX must be a whole number from 0 to 3 with --shards 4, not \"4\". Set --shards to the Job's completions.");
    expect(error({ shards: 'x' }, { JOB_COMPLETION_INDEX: '0' })).toBe('--shards must be a whole number of at least 1, not "x". Give the number of completions of the Kubernetes Indexed Job, e.g. --shards 4.');
    expect(error({ shard: '2/4' }, { JOB_COMPLETION_INDEX: '3' })).toBe(
      '--shard says shard 2/4, but JOB_COMPLETION_INDEX=3 (counted from 0) says shard 4/4. Remove one of them or make them agree.',
    );
    expect(error({}, { CONVLENS_SHARD: '1/2', JOB_COMPLETION_INDEX: '1' })).toBe(
      'CONVLENS_SHARD says shard 1/2, but JOB_COMPLETION_INDEX=1 (counted from 0) says shard 2/2. Remove one of them or make them agree.',
    );
    expect(error({ shard: '2/4', shards: '3' })).toBe('--shard 2/4 and --shards 3 disagree on the number of shards. Give --shard i/N alone, or --shards N alone in a Kubernetes Indexed Job.');
  });
});

let work: string;
beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'convlens-shard-'));
  await mkdir(join(work, 'exp'));
  // Costs: big (resnet, 3 epochs) ≫ mid (simple-cnn, 2 epochs) > small (simple-cnn, 1 epoch).
  await writeFile(join(work, 'exp', 'big.yaml'), 'title: big\ndata: { source: cifar10 }\nmodel: { preset: resnet }\ntrain: { epochs: 3 }\n');
  await writeFile(join(work, 'exp', 'mid.yaml'), 'title: mid\ndata: { source: cifar10 }\nmodel: { preset: simple-cnn }\ntrain: { epochs: 2 }\n');
  await writeFile(join(work, 'exp', 'small.yaml'), 'title: small\ndata: { source: cifar10 }\nmodel: { preset: simple-cnn }\ntrain: { epochs: 1 }\n');
});
afterEach(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('convlens run --shard', () => {
  const args = () => ['--experiments', join(work, 'exp'), '--cache', join(work, 'cache')];

  it('bad input exits 1 with the message and writes nothing', async () => {
    expect(await cli(['run', ...args(), '--shard', '4/3'])).toEqual({ code: 1, out: '', err: `--shard 4/3 names no shard: with 3 shards the shard number is 1 to 3 ${PLAYWRIGHT}\n` });
    expect((await cli(['run', ...args()], { JOB_COMPLETION_INDEX: '0' })).code).toBe(1);
    expect(existsSync(join(work, 'cache'))).toBe(false);
  });

  it('an empty shard runs nothing, says so and exits 0', async () => {
    expect(await cli(['run', ...args(), '--shard', '4/4'])).toEqual({ code: 0, out: 'shard 4/4 (from --shard): no experiments (3 experiments in 4 shards); nothing to run.\n', err: '' });
    expect(existsSync(join(work, 'cache'))).toBe(false);
  });

  it('runs only its share, and names where the shard came from', async () => {
    // LPT over big ≫ mid > small: shard 1 = big, shard 2 = mid + small.
    const one = await cli(['run', ...args(), '--shard', '1/2']);
    expect(one.out.split('\n')[0]).toMatch(/^shard 1\/2 \(from --shard\): big \(1 of 3 experiments, \d+% of the estimated cost\)$/);
    const attempted = (r: { out: string; err: string }) => [...`${r.out}${r.err}`.matchAll(/^\[failed\] (\S+) /gm)].map((m) => m[1]);
    expect(attempted(one)).toEqual(['big']);
    expect(one.code).toBe(1);
    const two = await cli(['run', ...args()], { CONVLENS_SHARD: '2/2' });
    expect(two.out.split('\n')[0]).toMatch(/^shard 2\/2 \(from CONVLENS_SHARD\): mid, small \(2 of 3 experiments, \d+% of the estimated cost\)$/);
    expect(attempted(two)).toEqual(['mid', 'small']);
    const job = await cli(['run', ...args(), '--shards', '2'], { JOB_COMPLETION_INDEX: '1', CONVLENS_SHARD: '1/2' });
    expect(job.out.split('\n')[0]).toMatch(/^shard 2\/2 \(from JOB_COMPLETION_INDEX; CONVLENS_SHARD=1\/2 ignored\): mid, small /);
  });

  it('ids on the command line are sharded among themselves', async () => {
    const r = await cli(['run', 'mid', 'small', ...args(), '--shard', '2/2']);
    expect(r.out.split('\n')[0]).toMatch(/^shard 2\/2 \(from --shard\): small \(1 of 2 experiments, \d+% of the estimated cost\)$/);
  });
});

describe('convlens build refuses shards', () => {
  const refused = (source: string) =>
    `convlens build does not run shards (${source} was given): a shard runs only its share of the experiments, so it cannot build the whole site. ` +
    'Run each shard with "convlens run --shard i/N --cache DIR", then "convlens build --cache DIR" without a shard builds the whole site from the runs the shards stored there.\n';

  it('--shard, --shards and CONVLENS_SHARD are each an error (exit 1) before anything is written', async () => {
    const dirs = ['--experiments', join(work, 'exp'), '--cache', join(work, 'cache'), '--out', join(work, 'dist')];
    expect(await cli(['build', ...dirs, '--shard', '1/2'])).toEqual({ code: 1, out: '', err: refused('--shard') });
    expect(await cli(['build', ...dirs, '--shards', '2'], { JOB_COMPLETION_INDEX: '0' })).toEqual({ code: 1, out: '', err: refused('--shards') });
    expect(await cli(['build', ...dirs], { CONVLENS_SHARD: '1/2' })).toEqual({ code: 1, out: '', err: refused('CONVLENS_SHARD') });
    expect(existsSync(join(work, 'cache'))).toBe(false);
    expect(existsSync(join(work, 'dist'))).toBe(false);
  });
});

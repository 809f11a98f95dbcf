/**
 * Issue 15's promise: shards on separate machines plus a merge build publish exactly what one
 * machine publishes. "Machines" are separate convlens processes with separate caches; the shared
 * remote cache is a real nginx WebDAV location (tests/servers/nginx.ts) on 127.0.0.1.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { convlens, startConvlens } from '../servers/convlens-process.ts';
import { findNginx, requireNginx, startNginx, type Nginx } from '../servers/nginx.ts';
import { everyManifestComplete, published } from '../servers/remote-checks.ts';

const EXPERIMENTS = 'tests/fixtures/experiments/remote';
const found = findNginx();
let nginx: Nginx | undefined;
let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'convlens-shards-'));
  if ('path' in found) nginx = await startNginx(found.path);
});
afterAll(async () => {
  await nginx?.stop();
  await rm(root, { recursive: true, force: true });
});

const at = (name: string) => join(root, name);
const args = (cache: string, ...more: string[]) => ['--experiments', EXPERIMENTS, '--cache', at(cache), ...more];
const remoteAt = (path: string) => `${nginx!.origin}/${path}/`;

describe('shards and the merge build', () => {
  beforeEach((ctx) => void requireNginx(ctx, nginx, found));

  it('two shards in parallel on separate caches plus a merge publish exactly what one machine publishes', async () => {
    const single = await convlens(['build', ...args('single', '--out', at('single/dist'))]);
    expect(single.code, single.out).toBe(0);

    const remote = remoteAt('strict/shards');
    const [one, two] = await Promise.all([1, 2].map((i) => convlens(['run', '--shard', `${i}/2`, ...args(`shard${i}`, '--remote', remote, '--remote-mode', 'readwrite')])));
    expect(one!.code, one!.out).toBe(0);
    expect(two!.code, two!.out).toBe(0);
    // Each shard trained exactly one of the two experiments and built no site.
    expect([one!.out, two!.out].map((o) => (o.match(/\[fresh\] (\S+)/g) ?? []).join()).sort()).toEqual(['[fresh] fashion-a', '[fresh] fashion-b']);
    expect(existsSync(at('shard1/dist')) || existsSync('dist-shard')).toBe(false);

    const merge = await convlens(['build', ...args('merge', '--out', at('merge/dist'), '--remote', remote, '--no-train')]);
    expect(merge.code, merge.out).toBe(0);
    expect(merge.out).not.toMatch(/epoch \d+\//);
    expect(merge.out).toMatch(/\[cached\] fashion-a/);
    expect(merge.out).toMatch(/\[cached\] fashion-b/);

    // The published report, and every file of the site: the same bytes, timings and "cached" aside.
    expect(await published(at('merge'))).toEqual(await published(at('single')));
    const site = await published(at('merge'), 'dist');
    const reference = await published(at('single'), 'dist');
    expect([...site.keys()].sort()).toEqual([...reference.keys()].sort());
    const differing = [...reference].filter(([path, content]) => site.get(path) !== content).map(([path]) => path);
    // Only the pages that print timings may differ (the manifest section of each experiment page).
    expect(differing.filter((p) => !p.endsWith('.html'))).toEqual([]);
    expect(await everyManifestComplete(`${nginx!.root}/strict/shards`)).toBeGreaterThan(8);
  });

  it('a merge without one shard exits 1 naming the experiment and its shard, and builds no site', async () => {
    const remote = remoteAt('strict/partial');
    const shard = await convlens(['run', '--shard', '1/2', ...args('partial1', '--remote', remote, '--remote-mode', 'readwrite')]);
    expect(shard.code, shard.out).toBe(0);
    const trained = /\[fresh\] (\S+)/.exec(shard.out)![1]!;
    const missing = trained === 'fashion-a' ? 'fashion-b' : 'fashion-a';
    const merge = await convlens(['build', ...args('partial-merge', '--out', at('partial-merge/dist'), '--remote', remote, '--no-train')]);
    expect(merge.code).toBe(1);
    expect(merge.out).toMatch(
      new RegExp(`\\[failed\\] ${missing} {2}--no-train: experiment ${missing} has no trained run \\(runs/[0-9a-f]{16}…\\) in the local cache or on the remote cache ${remote.replace(/[.]/g, '\\.')}\\. Shard 2/2 should have produced it: rerun \`convlens run --shard 2/2\` with --remote-mode readwrite, then this build\\.`),
    );
    expect(merge.out).toContain(`build --no-train: 1 of 2 experiments could not be built from the cache (${missing}); no site was built.`);
    expect(existsSync(at('partial-merge/dist'))).toBe(false);
  });

  it('a shard killed during upload leaves nothing the merge trusts; retried on another machine it resumes from the pushed checkpoint', async () => {
    // A longer run than the fixtures' (6 epochs of 1,500 images), so the kill lands mid-training
    // with epochs to spare, wherever the upload of the latest checkpoint has got to.
    const experiments = at('slow-experiments');
    await mkdir(experiments, { recursive: true });
    const yaml = (await readFile(`${EXPERIMENTS}/fashion-b.yaml`, 'utf8')).replace('limit: { train: 300, test: 120 }', 'limit: { train: 1500, test: 120 }').replace('epochs: 3', 'epochs: 6');
    await writeFile(join(experiments, 'slow.yaml'), yaml);
    const slow = (cache: string, ...more: string[]) => ['--experiments', experiments, '--cache', at(cache), ...more];
    const remote = remoteAt('cache/killed');
    const tree = `${nginx!.root}/cache/killed`;

    const running = startConvlens(['run', '--shard', '1/1', ...slow('killed1', '--remote', remote, '--remote-mode', 'readwrite')]);
    await running.waitFor(/slow {2}epoch 2\/6/);
    running.child.kill('SIGKILL');
    const killed = await running.done;
    expect(killed.signal).toBe('SIGKILL');
    // Whatever was on the wire when it died: every manifest there is complete, and there is no run.
    await everyManifestComplete(tree);
    expect(existsSync(`${tree}/latest/checkpoints`)).toBe(true);
    expect(await readdir(`${tree}/entries/runs`).catch(() => [])).toEqual([]);

    const merge = await convlens(['build', ...slow('killed-merge', '--out', at('killed-merge/dist'), '--remote', remote, '--no-train')]);
    expect(merge.code).toBe(1);
    expect(merge.out).toMatch(/--no-train: experiment slow has no trained run .*Shard 1\/1 should have produced it/);

    // The retry runs on a fresh machine (empty cache) and continues from the remote checkpoint;
    // it ends exactly where an uninterrupted run does.
    const retry = await convlens(['run', '--shard', '1/1', ...slow('killed1-retry', '--remote', remote, '--remote-mode', 'readwrite')]);
    expect(retry.code, retry.out).toBe(0);
    expect(retry.out).toMatch(/slow: resuming from the checkpoint after epoch [12]/);
    expect(retry.out).not.toMatch(/slow {2}epoch 1\/6/);
    const uninterrupted = await convlens(['run', ...slow('uninterrupted')]);
    expect(uninterrupted.code, uninterrupted.out).toBe(0);
    expect(await published(at('killed1-retry'))).toEqual(await published(at('uninterrupted')));
  });

  it('two shards writing the same key at once leave one complete entry that every reader accepts', async () => {
    const remote = remoteAt('cache/same');
    const [a, b] = await Promise.all(['same1', 'same2'].map((cache) => convlens(['run', 'fashion-a', ...args(cache, '--remote', remote, '--remote-mode', 'readwrite')])));
    expect(a!.code, a!.out).toBe(0);
    expect(b!.code, b!.out).toBe(0);
    const runs = await readdir(`${nginx!.root}/cache/same/entries/runs`);
    expect(runs).toHaveLength(1);
    await everyManifestComplete(`${nginx!.root}/cache/same`);
    const reader = await convlens(['run', 'fashion-a', ...args('same-reader', '--remote', remote)]);
    expect(reader.out).toMatch(/\[cached\] fashion-a/);
    expect(reader.out).not.toMatch(/warning/);
  });
});

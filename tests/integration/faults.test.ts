/**
 * Faults: a crash never leaves a report a later build trusts.
 *
 * - 15 SIGKILLs (5 per phase) of real `convlens build` processes at seeded random moments in training, in
 *   analysis/explanation/rendering and in the site build; after each, the next build succeeds and
 *   publishes exactly what an uninterrupted build publishes.
 * - Two builds at once on one cache: the second waits, says so, and both succeed.
 * - Damaged cache entries (truncated weights, flipped bytes, a missing file, a damaged dataset
 *   cache) are detected by their hashes, named in a warning, and recomputed.
 * - A full disk and an output path that cannot be a directory: a clear error (exit 1), and the
 *   previous site is left as it was.
 */
import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/lib/rng.ts';

const EXPERIMENTS = 'tests/fixtures/experiments/faults';
const ID = 'faults-tiny';
let root: string;
let reference: Map<string, string>;

interface Run {
  code: number | null;
  out: string;
}

/** Run `convlens build` on `cache`/`out`; `kill(line)` returns a delay (ms) after which to SIGKILL, or undefined. */
function build(cache: string, out: string, extra: string[] = [], kill?: (line: string) => number | undefined): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/convlens.js', 'build', '--experiments', EXPERIMENTS, '--cache', cache, '--out', out, '--backend', 'wasm', ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out_ = '';
    let pending = '';
    let armed = false;
    const onData = (chunk: Buffer) => {
      out_ += chunk.toString();
      pending += chunk.toString();
      const lines = pending.split(/[\r\n]/);
      pending = lines.pop()!;
      for (const line of lines) {
        const delay = armed ? undefined : kill?.(line);
        if (delay !== undefined) {
          armed = true;
          setTimeout(() => child.kill('SIGKILL'), delay);
        }
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out: out_ }));
  });
}

/** Files of the published experiment that must match an uninterrupted build, by relative path → sha-free content. */
async function published(out: string): Promise<Map<string, string>> {
  const base = join(out, 'experiments', ID);
  const files = new Map<string, string>();
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (!entry.name.endsWith('.html')) files.set(relative(base, path), (await readFile(path)).toString('base64'));
    }
  };
  await walk(base);
  // Timings, memory and whether the model came from the cache differ by design; everything else must not.
  const manifest = JSON.parse(Buffer.from(files.get('data/manifest.json')!, 'base64').toString('utf8'));
  for (const key of ['timings', 'cached', 'memory', 'trainImagesPerSecond']) delete manifest[key];
  files.set('data/manifest.json', Buffer.from(JSON.stringify(manifest, null, 1)).toString('base64'));
  return files;
}

function expectSame(actual: Map<string, string>, label: string): void {
  expect([...actual.keys()].sort(), label).toEqual([...reference.keys()].sort());
  for (const [path, content] of reference) {
    // JSON is compared as text so a mismatch shows what differs; other files by their bytes.
    if (path.endsWith('.json')) expect(Buffer.from(actual.get(path)!, 'base64').toString(), `${label}: ${path}`).toBe(Buffer.from(content, 'base64').toString());
    else expect(actual.get(path) === content, `${label}: ${path}`).toBe(true);
  }
}

/** No half-written directories left beside the site or in the cache. */
async function noLeftovers(cache: string, out: string): Promise<void> {
  const siblings = (await readdir(join(out, '..'))).filter((n) => /\.(tmp|old)-/.test(n));
  expect(siblings).toEqual([]);
  for (const kind of await readdir(join(cache, 'store'))) {
    expect((await readdir(join(cache, 'store', kind))).filter((n) => n.startsWith('.tmp-'))).toEqual([]);
  }
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'convlens-faults-'));
  const first = await build(join(root, 'ref-cache'), join(root, 'ref', 'dist'));
  expect(first.code, first.out).toBe(0);
  reference = await published(join(root, 'ref', 'dist'));
}, 120_000);

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Kills that must land, spread evenly over the three phases (each costs a killed and a clean build). */
const KILLS = 15;

describe('SIGKILL at random moments', () => {
  it(`${KILLS} kills in training, analysis and the site build; every following build publishes what an uninterrupted one does`, async () => {
    const random = mulberry32(2026);
    const cache = join(root, 'kill-cache');
    const out = join(root, 'kill', 'dist');
    // Each phase is reached through a log line, then a seeded random delay lands the kill inside it.
    const phases: [string, RegExp, number][] = [
      ['training', /epoch 1\/3 {2}loss/, 700],
      ['analysis, explanations and rendering', /epoch 3\/3 {2}loss/, 3500],
      ['site build', /^\[(fresh|cached)\] faults-tiny/, 2000],
    ];
    const windows = phases.map(([, , window]) => window);
    const killed: string[] = [];
    // A kill that comes after the build already finished is a clean build (checked all the same);
    // then that phase's window halves, until KILLS kills have landed.
    for (let attempt = 0; killed.length < KILLS && attempt < 60; attempt++) {
      const p = killed.length % 3;
      const [phase, trigger] = phases[p]!;
      const delay = Math.floor(random() * windows[p]!);
      // --force makes every killed build redo every stage, so each kill lands in live work.
      const run = await build(cache, out, ['--force'], (line) => (trigger.test(line) ? delay : undefined));
      if (run.code === null) killed.push(phase);
      if (process.env.CONVLENS_FAULTS_LOG) console.info(`attempt ${attempt}: ${phase} +${delay} ms → ${run.code === null ? "killed" : "finished first"}`);
      else windows[p] = Math.max(20, Math.floor(windows[p]! / 2));
      const next = await build(cache, out);
      expect(next.code, `after a kill in ${phase} (+${delay} ms): ${next.out}`).toBe(0);
      expectSame(await published(out), `after a kill in ${phase} (+${delay} ms)`);
      await noLeftovers(cache, out);
    }
    expect(killed).toHaveLength(KILLS);
    expect(new Set(killed).size).toBe(3);
  }, 15 * 60_000);
});

describe('two builds at once', () => {
  it('the second waits for the first, says so, and both publish the same report', async () => {
    const cache = join(root, 'both-cache');
    const [a, b] = await Promise.all([build(cache, join(root, 'a', 'dist')), new Promise<Run>((r) => setTimeout(() => void build(cache, join(root, 'b', 'dist')).then(r), 300))]);
    expect(a.code, a.out).toBe(0);
    expect(b.code, b.out).toBe(0);
    expect(b.out).toMatch(/another convlens build \(pid \d+\) is using the cache .*; waiting for it to finish/);
    expect(b.out).toMatch(/\[cached\] faults-tiny/);
    expectSame(await published(join(root, 'a', 'dist')), 'first build');
    expectSame(await published(join(root, 'b', 'dist')), 'second build');
  }, 120_000);
});

describe('a damaged cache', () => {
  it('truncated weights, a flipped byte, a missing file and a damaged dataset cache are named and recomputed', async () => {
    const cache = join(root, 'ref-cache');
    const store = join(cache, 'store');
    const entry = async (kind: string, file: string) => {
      for (const key of await readdir(join(store, kind))) if (existsSync(join(store, kind, key, file))) return join(store, kind, key, file);
      throw new Error(`no ${kind} entry with ${file}`);
    };
    const weights = await entry('runs', 'weights.bin');
    await truncate(weights, (await stat(weights)).size - 100);
    const png = await entry('figures', 'gradcam.png');
    const bytes = await readFile(png);
    bytes[bytes.length >> 1] = bytes[bytes.length >> 1]! ^ 0xff;
    await writeFile(png, bytes);
    const probs = await entry('analysis', 'probs.f32');
    await rm(probs);
    const datasets = join(cache, 'datasets');
    const dataset = join(datasets, (await readdir(datasets)).find((n) => n.endsWith('.bin'))!);
    const data = await readFile(dataset);
    data[data.length - 7] = data[data.length - 7]! ^ 0x01;
    await writeFile(dataset, data);

    const run = await build(cache, join(root, 'ref', 'dist'));
    expect(run.code, run.out).toBe(0);
    expect(run.out).toContain(`cache entry ${weights} is damaged (its hash does not match); recomputing it.`);
    expect(run.out).toContain(`cache entry ${png} is damaged (its hash does not match); recomputing it.`);
    expect(run.out).toContain(`cache entry ${probs} is missing; recomputing it.`);
    expect(run.out).toContain(`The dataset cache ${dataset} could not be used`);
    expectSame(await published(join(root, 'ref', 'dist')), 'after repairing the cache');
  }, 120_000);
});

describe('a disk that cannot take the site', () => {
  it('a full disk: exit 1 naming the disk, and the previous site stays as it was', async () => {
    const mount = join(root, 'full');
    await mkdir(mount);
    // 3 MB: room for a small previous site, not for a new build (its figures alone are larger).
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=3m', 'tmpfs', mount]);
    try {
      const out = join(mount, 'dist');
      await mkdir(out);
      await writeFile(join(out, 'index.html'), 'the previous site');
      const run = await build(join(root, 'ref-cache'), out);
      expect(run.code, run.out).toBe(1);
      expect(run.out).toContain(`Could not finish building the site into ${out}: the disk holding`);
      expect(run.out).toContain('is full. Free some space (or point --out/--cache at another disk) and run again. Nothing half-written was kept.');
      expect(await readFile(join(out, 'index.html'), 'utf8')).toBe('the previous site');
      expect((await readdir(mount)).sort()).toEqual(['dist']);
    } finally {
      execFileSync('umount', [mount]);
    }
  }, 120_000);

  it('an output path under a file: exit 1 with what to do', async () => {
    const file = join(root, 'not-a-dir');
    await writeFile(file, 'x');
    const run = await build(join(root, 'ref-cache'), join(file, 'dist'));
    expect(run.code, run.out).toBe(1);
    expect(run.out).toContain(`Could not finish building the site into ${join(file, 'dist')}: a part of`);
    expect(run.out).toContain('is a file, not a directory. Point --out/--cache at a directory path. Nothing half-written was kept.');
  }, 60_000);
});

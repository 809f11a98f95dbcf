/**
 * The command line: exit codes, messages, and the promises of `check` (writes nothing, never
 * loads tfjs) and `clean` (removes only a convlens cache).
 */
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { mkdtemp, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.ts';
import { prepareCache } from '../../../src/pipeline/cache-dir.ts';

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t) } };
}

let work: string;
beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'convlens-cli-'));
});
afterEach(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('convlens CLI', () => {
  it('check reads model.load files: a model it cannot rebuild or a history that makes no sense is an error at its key', async () => {
    const custom = resolve('tests/fixtures/models/keras-zip/keras3.15-custom-nested-container.keras');
    const good = resolve('tests/fixtures/models/keras-h5/dl4j-cnn2d_101.h5');
    await writeFile(join(work, 'history.csv'), 'epoch,loss\n0,0.5\n');
    await writeFile(join(work, 'custom.yaml'), `title: custom\ndata: { source: mnist }\nmodel:\n  load: ${custom}\n`);
    await writeFile(join(work, 'history.yaml'), `title: history\ndata: { source: mnist }\nmodel:\n  load: ${good}\n  history: history.csv\n`);
    const c = io();
    expect(await main(['check', join(work, 'custom.yaml'), join(work, 'history.yaml')], c.io)).toBe(1);
    const lines = c.err.join('').trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]!.startsWith(`${join(work, 'custom.yaml')}:4:9: model.load: `)).toBe(true);
    expect(lines[0]).toContain('keras3.15-custom-nested-container.keras');
    expect(lines[1]).toBe(
      `${join(work, 'history.yaml')}:5:12: model.history: The training history history.csv has no accuracy column (found "epoch", "loss"). ` +
        'Give the CSV written by Keras\'s CSVLogger callback, or the JSON of history.history, with at least loss and accuracy (compile the model with metrics=["accuracy"]).',
    );
  });

  it('prints usage for no command and exits 0', async () => {
    const c = io();
    expect(await main([], c.io)).toBe(0);
    expect(c.out.join('')).toMatch(/^Usage: convlens <command> \[options\]/);
  });

  it('an unknown command or backend is a user error (exit 1) naming the choices', async () => {
    const a = io();
    expect(await main(['frob'], a.io)).toBe(1);
    expect(a.err.join('')).toBe('Unknown command "frob". Use one of: init, check, run, build, clean, bench, datasets, diff (run "convlens --help" for details).\n');
    const b = io();
    expect(await main(['run', '--backend', 'gpu', '--experiments', 'experiments'], b.io)).toBe(1);
    expect(b.err.join('')).toBe('Unknown backend "gpu" for --backend. Use one of: auto, tensorflow, wasm, cpu.\n');
  });

  it('check: 0 for valid files, 1 with file:line:col messages for invalid ones', async () => {
    const ok = io();
    expect(await main(['check', 'experiments/fashion-mnist-cnn.yaml'], ok.io)).toBe(0);
    expect(ok.out.join('')).toBe('1 experiment valid: fashion-mnist-cnn\n');
    const bad = io();
    expect(await main(['check', 'tests/fixtures/config/invalid/unknown-key.yaml'], bad.io)).toBe(1);
    expect(bad.err.join('')).toBe(
      'tests/fixtures/config/invalid/unknown-key.yaml:7:9: model.layers[0].conv2d.kernal: unknown key "kernal"; did you mean "kernel"?\n' +
        'tests/fixtures/config/invalid/unknown-key.yaml:12:3: train.optimiser: unknown key "optimiser"; did you mean "optimizer"?\n',
    );
  });

  it('run with an invalid experiment exits 1 and writes nothing (no cache, no report)', async () => {
    const dir = join(work, 'experiments');
    await mkdir(dir);
    await writeFile(join(dir, 'bad.yaml'), 'title: x\ndata: { source: mnist }\nmodel: { layers: [ { flatten: {} } ] }\ntrain: { epochs: 0 }\n');
    const cache = join(work, 'cache');
    const c = io();
    expect(await main(['build', '--experiments', dir, '--cache', cache, '--out', join(work, 'dist')], c.io)).toBe(1);
    expect(c.err.join('')).toBe(`${join(dir, 'bad.yaml')}:4:18: train.epochs: expected an integer from 1 to 10000, found 0. Set a positive number of epochs.\n`);
    expect(await readdir(work)).toEqual(['experiments']);
  });

  it('clean removes a convlens cache, refuses any other directory, and is fine when nothing exists', async () => {
    const cache = join(work, 'cache');
    await prepareCache(cache);
    const a = io();
    expect(await main(['clean', '--cache', cache], a.io)).toBe(0);
    expect(await readdir(work)).toEqual([]);

    const mine = join(work, 'my-files');
    await mkdir(mine);
    await writeFile(join(mine, 'thesis.tex'), 'precious');
    const b = io();
    expect(await main(['clean', '--cache', mine], b.io)).toBe(1);
    expect(b.err.join('')).toBe(
      `Refusing to remove "${mine}": it is not a convlens cache (it has no CACHEDIR.TAG written by convlens). Pass the right --cache directory, or remove it by hand.\n`,
    );
    expect(await readdir(mine)).toEqual(['thesis.tex']);

    const c = io();
    expect(await main(['clean', '--cache', join(work, 'none')], c.io)).toBe(0);
    expect(c.out.join('')).toBe(`nothing to remove: ${join(work, 'none')} does not exist\n`);
  });

  it('an unexpected error is reported as a bug with exit code 2', async () => {
    const c = io();
    const failing = { out: () => { throw new TypeError('stdout closed'); }, err: c.io.err };
    expect(await main(['check', 'experiments/fashion-mnist-cnn.yaml'], failing)).toBe(2);
    expect(c.err.join('')).toMatch(/^convlens failed unexpectedly; this is a bug, please report it with the output below\.\nTypeError: stdout closed/);
  });

  it('`convlens check` never loads TensorFlow.js (and the detector sees it when `run` does)', async () => {
    // Record every module the real entry point resolves; print the list on exit.
    const harness = `
      import { registerHooks } from 'node:module';
      const seen = [];
      registerHooks({ resolve(s, c, next) { const r = next(s, c); seen.push(r.url); return r; } });
      process.on('exit', () => process.stderr.write('\\n@@' + JSON.stringify(seen)));
      await import(process.argv[1]);`;
    const modules = (...args: string[]) => {
      const r = spawnSync(process.execPath, ['--input-type=module', '-e', harness, pathToFileURL(resolve('bin/convlens.js')).href, ...args], { encoding: 'utf8' });
      return { status: r.status, urls: JSON.parse(r.stderr.split('@@').pop()!) as string[] };
    };
    const check = modules('check', 'experiments/fashion-mnist-cnn.yaml');
    expect(check.status).toBe(0);
    // Also when it reads and converts a Keras model file for model.load.
    const dir = join(work, 'imports');
    await mkdir(dir);
    await writeFile(join(dir, 'keras.yaml'), `title: k\ndata: { source: mnist }\nmodel: { load: ${resolve('tests/fixtures/models/keras-h5/dl4j-cnn2d_101.h5')} }\n`);
    const imported = modules('check', join(dir, 'keras.yaml'));
    expect(imported.status).toBe(0);
    expect(imported.urls.some((u) => u.endsWith('/src/import/keras-h5.ts'))).toBe(true);
    expect(imported.urls.filter((u) => u.includes('@tensorflow'))).toEqual([]);
    expect(check.urls.some((u) => u.endsWith('/src/config/index.ts'))).toBe(true);
    expect(check.urls.filter((u) => u.includes('@tensorflow'))).toEqual([]);
    // Control: `run` on a missing directory still imports the engine before failing.
    const run = modules('run', '--experiments', join(work, 'missing'));
    expect(run.status).toBe(1);
    expect(run.urls.some((u) => u.includes('@tensorflow'))).toBe(true);
  });
});

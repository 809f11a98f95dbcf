/**
 * A run whose weights overflow: training stops with the epoch and batch named and a lower
 * learning rate suggested, the build exits 1, and the report keeps the failed experiment's
 * partial history (epochs before the divergence) with its training curves and definition.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseCsv } from 'csv-parse/sync';

const EXPERIMENTS = 'tests/fixtures/experiments/diverged';
let root: string;
let result: { status: number | null; output: string };

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'convlens-diverged-'));
  const child = spawnSync(process.execPath, ['bin/convlens.js', 'run', '--experiments', EXPERIMENTS, '--cache', join(root, 'cache'), '--backend', 'wasm'], { encoding: 'utf8' });
  result = { status: child.status, output: child.stdout + child.stderr };
}, 120_000);
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('a diverging run', () => {
  const message =
    "Training diverged: the model's weights became NaN or infinite at epoch 4, batch 6. Lower train.optimizer's learningRate (for example by a factor of 10) and run again.";

  it('stops at the epoch and batch that broke the weights, exit 1, the error said once', () => {
    expect(result.status, result.output).toBe(1);
    expect(result.output).toContain(`[failed] diverges  ${message}`);
    expect(result.output).toContain('1 experiment failed: diverges.');
    expect(result.output).not.toMatch(/epoch 4\/4/); // the diverged epoch is not reported as done
  });

  it('the report keeps the partial history, its curves and the definition, marked as failed', async () => {
    const report = JSON.parse(await readFile(join(root, 'cache', 'report', 'report.json'), 'utf8'));
    expect(report.experiments).toEqual([]);
    const [failed] = report.failed;
    expect(failed).toMatchObject({ id: 'diverges', title: 'Diverges in its fourth epoch', error: message, diverged: { epoch: 4, batch: 6 } });
    expect(failed.history.map((r: { epoch: number }) => r.epoch)).toEqual([1, 2, 3]);
    // The learning rate of each epoch follows the step schedule: 0.01 × (10^20)^(epoch − 1).
    expect(failed.history.map((r: { lr: number }) => r.lr)).toEqual([0.01, 0.01 * 1e20, 0.01 * 1e40]);
    for (const r of failed.history) for (const v of [r.loss, r.accuracy, r.val_loss, r.val_accuracy]) expect(Number.isFinite(v)).toBe(true);
    expect(failed.figures.map((f: { name: string }) => f.name)).toEqual(['training-curves']);
    expect(failed.yaml).toBe(await readFile(join(EXPERIMENTS, 'diverges.yaml'), 'utf8'));

    const dir = join(root, 'cache', 'report', 'experiments', 'diverges');
    expect((await readdir(join(dir, 'data'))).sort()).toEqual(['experiment.yaml', 'history.csv']);
    expect((await readdir(join(dir, 'figures'))).sort()).toEqual(['training-curves.csv', 'training-curves.png', 'training-curves.svg']);
    const csv = parseCsv(await readFile(join(dir, 'data', 'history.csv'), 'utf8'), { columns: true, cast: true }) as Record<string, number>[];
    expect(csv).toEqual(failed.history);
    // No model is published for a run that failed.
    expect(await readdir(dir)).not.toContain('model');
  });
});

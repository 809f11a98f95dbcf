/**
 * `convlens bench` plumbing: the report has BENCHMARK.md's shape and every figure is a positive
 * rate, through both executors (in-process and replicas). Speed itself is never asserted.
 */
import { describe, expect, it } from 'vitest';
import { runBench } from '../../../src/bench/index.ts';
import { BENCH_MODELS } from '../../../src/bench/models.ts';
import { presetLayers } from '../../../src/model/presets.ts';
import { main } from '../../../src/cli/main.ts';
import { systemClock } from '../../../src/lib/clock.ts';

const tiny = [
  {
    name: 'tiny-8x8x1',
    shape: [8, 8, 1] as [number, number, number],
    model: { kind: 'layers' as const, layers: [{ type: 'flatten' as const }, { type: 'dense' as const, units: 10, activation: 'softmax' as const, useBias: true, kernelInitializer: 'glorotUniform' as const }] },
  },
];

describe('convlens bench', () => {
  it('measures the two models of BENCHMARK.md by default: simple-cnn, and resnet at width 0.25 (16, 32, 64 channels)', () => {
    expect(BENCH_MODELS.map((m) => [m.name, m.shape, m.model])).toEqual([
      ['small-cnn-28x28x1', [28, 28, 1], { kind: 'preset', preset: 'simple-cnn', width: 1 }],
      ['resnet-w16-32x32x3', [32, 32, 3], { kind: 'preset', preset: 'resnet', width: 0.25 }],
    ]);
    const resnet = presetLayers('resnet', 0.25, 10);
    expect(resnet.filter((l) => l.type === 'residual').map((l) => (l as { filters: number }).filters)).toEqual([16, 16, 32, 32, 64, 64]);
    expect(resnet.filter((l) => l.type === 'dense').map((l) => (l as { units: number }).units)).toEqual([128, 10]);
  });

  it.each([1, 2])('reports positive train and inference rates with %i replica(s)', async (replicas) => {
    const lines: string[] = [];
    const report = await runBench({ backend: 'wasm', replicas, clock: systemClock, models: tiny, data: false, explain: false, onProgress: (l) => lines.push(l) });
    expect(report).toMatchObject({ backend: 'wasm', tfjs: '4.22.0', node: process.version, replicas });
    expect(Object.keys(report.models)).toEqual(['tiny-8x8x1']);
    expect(report.models['tiny-8x8x1']!.train_img_s).toBeGreaterThan(0);
    expect(report.models['tiny-8x8x1']!.infer_img_s).toBeGreaterThan(0);
    expect(lines).toEqual(['tiny-8x8x1: training', 'tiny-8x8x1: inference']);
  });

  it('rejects a replica count that is not a whole number', async () => {
    const err: string[] = [];
    const code = await main(['bench', '--replicas', 'two'], { out: () => {}, err: (t) => err.push(t) });
    expect(code).toBe(1);
    expect(err.join('')).toBe('--replicas must be a whole number from 1 to 64, not "two". Use the number of CPU cores to train on, e.g. --replicas 2.\n');
  });
});

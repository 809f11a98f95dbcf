import { describe, expect, it } from 'vitest';
import type { ExperimentSpec, Seeds } from '../../../src/config/spec.ts';
import { chooseSplits, loadDataset } from '../../../src/data/index.ts';
import { heldCount } from '../../../src/data/split.ts';
import { syntheticSource, tempDir } from './helpers.ts';

type DataSpec = ExperimentSpec['data'];
const SEEDS: Seeds = { init: 1, dropout: 2, split: 1234, shuffle: 4, augment: 5, report: 6 };
const spec = (over: Partial<DataSpec> = {}): DataSpec => ({
  source: 'mnist',
  limit: {},
  split: { validation: 0.2, test: 0.25, stratify: true },
  image: { fit: 'stretch', interpolation: 'bilinear', padValue: 0, maxPixels: 40_000_000 },
  normalize: 'rescale',
  onError: 'fail',
  ...over,
});
const PER_CLASS = [40, 30, 20, 10];

function perClass(labels: Uint8Array, indices: Int32Array): number[] {
  const counts = PER_CLASS.map(() => 0);
  for (const i of indices) counts[labels[i]!]!++;
  return counts;
}

describe('chooseSplits', () => {
  const { data } = syntheticSource(PER_CLASS);

  it('without a fixed test set: stratified test, then validation from the rest; the three partition the data', () => {
    const s = chooseSplits(data, spec(), SEEDS.split);
    expect(perClass(data.labels, s.test)).toEqual(PER_CLASS.map((n) => heldCount(0.25, n)));
    const pool = PER_CLASS.map((n) => n - heldCount(0.25, n));
    expect(perClass(data.labels, s.validation)).toEqual(pool.map((n) => heldCount(0.2, n)));
    const all = [...s.train, ...s.validation, ...s.test].sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('uses the fixed test set as given and splits only the rest', () => {
    const fixed = [0, 1, 40, 41, 70, 90];
    const { data: withFixed } = syntheticSource(PER_CLASS, fixed);
    const s = chooseSplits(withFixed, spec({ split: { validation: 0.1, test: 0.5, stratify: true } }), SEEDS.split);
    expect([...s.test]).toEqual(fixed);
    expect(s.train.length + s.validation.length).toBe(94);
    for (const i of fixed) expect([...s.train, ...s.validation]).not.toContain(i);
  });

  it('applies limit.test to the test set and limit.train to the pool before validation, exactly', () => {
    const s = chooseSplits(data, spec({ limit: { test: 10, train: 50 } }), SEEDS.split);
    expect(s.test.length).toBe(10);
    expect(s.train.length + s.validation.length).toBe(50);
    expect(perClass(data.labels, s.test)).toEqual([4, 3, 2, 1]); // 10 of test counts 10/8/5/3: floors 3/3/1/1, remainders go to classes 2 and 0
  });

  it('draws each step from its own stream: changing limit.train leaves the test set alone', () => {
    const a = chooseSplits(data, spec(), SEEDS.split);
    const b = chooseSplits(data, spec({ limit: { train: 30 } }), SEEDS.split);
    expect(b.test).toEqual(a.test);
    expect(b.train).not.toEqual(a.train);
  });

  it('stratify false still partitions, with round(fraction × total) in the test set', () => {
    const s = chooseSplits(data, spec({ split: { validation: 0.2, test: 0.25, stratify: false } }), SEEDS.split);
    expect(s.test.length).toBe(25);
    expect(s.validation.length).toBe(15);
    expect(s.train.length).toBe(60);
  });
});

describe('loadDataset', () => {
  it('copies each split out contiguously with the right images and labels', async () => {
    const source = syntheticSource(PER_CLASS);
    const { dataset, warnings, cache } = await loadDataset(spec(), SEEDS, { cacheDir: await tempDir(), source });
    expect(warnings).toEqual([]);
    expect(cache).toBe('missing');
    const s = chooseSplits(source.data, spec(), SEEDS.split);
    expect(dataset.test.count).toBe(s.test.length);
    s.test.forEach((src, j) => {
      expect(dataset.test.labels[j]).toBe(source.data.labels[src]);
      expect([...dataset.test.pixels.subarray(j * 4, j * 4 + 4)]).toEqual([...source.data.pixels.subarray(src * 4, src * 4 + 4)]);
    });
    expect(dataset.train.pixels.length).toBe(dataset.train.count * 4);
    expect(dataset.shape).toEqual([2, 2, 1]);
    expect(dataset.classes).toEqual(['class 0', 'class 1', 'class 2', 'class 3']);
  });

  it('digest: same inputs → same; a different seed, limit or pixel → different', async () => {
    const dir = await tempDir();
    const digest = async (over: Partial<DataSpec>, seeds: Seeds, source = syntheticSource(PER_CLASS), cacheDir = dir) =>
      (await loadDataset(spec(over), seeds, { cacheDir, source })).dataset.digest;
    const base = await digest({}, SEEDS);
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    expect(await digest({}, SEEDS)).toBe(base);
    expect(await digest({}, { ...SEEDS, split: 99 })).not.toBe(base);
    expect(await digest({}, { ...SEEDS, shuffle: 99 })).toBe(base); // not a data seed
    expect(await digest({ limit: { train: 50 } }, SEEDS)).not.toBe(base);
    const changed = syntheticSource(PER_CLASS);
    changed.data.pixels[7]! ^= 1;
    // Same name, version and indices: only the payload hash can tell them apart.
    expect(await digest({}, SEEDS, changed, await tempDir())).not.toBe(base);
  });

  it('warns, instead of failing, when rounding leaves the validation set empty', async () => {
    const source = syntheticSource([3, 3]);
    const { dataset, warnings } = await loadDataset(spec({ split: { validation: 0.1, test: 0, stratify: true } }), SEEDS, {
      cacheDir: await tempDir(),
      source,
    });
    expect(dataset.validation.count).toBe(0);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('data.split.validation is 0.1');
  });
});

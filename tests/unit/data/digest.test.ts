import { cp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { ExperimentSpec, ImageSpec, Seeds } from '../../../src/config/spec.ts';
import { type ImageCodec, sharpCodec } from '../../../src/data/image/codec.ts';
import { loadDataset } from '../../../src/data/index.ts';
import { grayPng, writeTree } from './fixtures.ts';
import { syntheticSource, tempDir } from './helpers.ts';

type DataSpec = ExperimentSpec['data'];
const SEEDS: Seeds = { init: 1, dropout: 2, split: 3, shuffle: 4, augment: 5, report: 9 };
const IMAGE: ImageSpec = { fit: 'stretch', interpolation: 'bilinear', padValue: 0, maxPixels: 40_000_000 };
const spec = (path: string, over: Partial<DataSpec> = {}): DataSpec => ({
  source: 'folder',
  path,
  limit: {},
  split: { validation: 0.25, test: 0.25, stratify: true },
  image: IMAGE,
  normalize: 'rescale',
  onError: 'fail',
  ...over,
});

/** sharp, counting decode and resize calls. */
function countingCodec(): ImageCodec & { calls: number } {
  const codec = {
    ...sharpCodec,
    calls: 0,
    decode: (...a: Parameters<ImageCodec['decode']>) => (codec.calls++, sharpCodec.decode(...a)),
    resize: (...a: Parameters<ImageCodec['resize']>) => (codec.calls++, sharpCodec.resize(...a)),
  };
  return codec;
}

/** A flat folder: classes cat and dog, four 2×2 gray images each (values 10+i and 20+i). */
async function folder(): Promise<string> {
  const files: Record<string, Uint8Array> = {};
  for (let i = 0; i < 4; i++) {
    files[`cat/${i}.png`] = await grayPng(10 + i, 2, 2);
    files[`dog/${i}.png`] = await grayPng(20 + i, 2, 2);
  }
  return writeTree(await tempDir(), files);
}

describe('folder digest and cache', () => {
  it('a second load reads the cache without decoding anything, and gives the same dataset', async () => {
    const root = await folder();
    const cacheDir = await tempDir();
    const codec = countingCodec();
    const first = await loadDataset(spec(root), SEEDS, { cacheDir, codec });
    expect(first.cache).toBe('missing');
    expect(codec.calls).toBe(8);
    const second = await loadDataset(spec(root), SEEDS, { cacheDir, codec });
    expect(second.cache).toBe('fresh');
    expect(codec.calls).toBe(8);
    expect(second.dataset).toEqual(first.dataset);
  });

  it('changes iff content or decode settings change', async () => {
    const root = await folder();
    const cacheDir = await tempDir();
    const digest = async (over: Partial<DataSpec> = {}, path = root) => (await loadDataset(spec(path, over), SEEDS, { cacheDir })).dataset.digest;
    const base = await digest();

    // Same pixels, other bytes (PNG compression level 0 vs default): same content, same digest.
    const recompressed = await sharp(join(root, 'cat/1.png')).toColourspace('b-w').png({ compressionLevel: 0 }).toBuffer();
    expect(recompressed.equals(await readFile(join(root, 'cat/1.png')))).toBe(false);
    await writeFile(join(root, 'cat/1.png'), recompressed);
    const reloaded = await loadDataset(spec(root), SEEDS, { cacheDir });
    expect(reloaded.cache).toBe('missing'); // the bytes changed, so it was decoded again…
    expect(reloaded.dataset.digest).toBe(base); // …to the same pixels
    // The same data elsewhere: same digest.
    const copy = join(await tempDir(), 'moved');
    await cp(root, copy, { recursive: true });
    expect(await digest({}, copy)).toBe(base);
    // A maxPixels that rejects nothing changes no pixel.
    expect(await digest({ image: { ...IMAGE, maxPixels: 1000 } })).toBe(base);

    // Decode settings: each one changes it, even where pixels happen to agree.
    expect(await digest({ image: { ...IMAGE, interpolation: 'nearest' } })).not.toBe(base);
    expect(await digest({ image: { ...IMAGE, size: [4, 4] } })).not.toBe(base);
    expect(await digest({ image: { ...IMAGE, channels: 3 } })).not.toBe(base);
    // Splits.
    expect(await digest({ limit: { train: 2 } })).not.toBe(base);

    // A pixel.
    await writeFile(join(root, 'dog/3.png'), await grayPng(99, 2, 2));
    const pixel = await digest();
    expect(pixel).not.toBe(base);
    // A label: the same image moved to the other class.
    await rename(join(root, 'dog/3.png'), join(root, 'cat/9.png'));
    const label = await digest();
    expect(label).not.toBe(pixel);
    // A class name.
    await rename(join(root, 'dog'), join(root, 'hound'));
    expect(await digest()).not.toBe(label);
    await rm(root, { recursive: true });
  });
});

describe('image settings on pixel-array sources (the npm packages, CIFAR-10)', () => {
  it('2×2 gray → 4×4 RGB with nearest: each pixel a 2×2 block, gray repeated; the native parse is cached and reused', async () => {
    const source = syntheticSource([2, 2]);
    const cacheDir = await tempDir();
    const split = { validation: 0, test: 0.5, stratify: true };
    const native = await loadDataset({ ...spec(''), source: 'mnist', split }, SEEDS, { cacheDir, source });
    const big = await loadDataset({ ...spec(''), source: 'mnist', split, image: { ...IMAGE, size: [4, 4], channels: 3, interpolation: 'nearest' } }, SEEDS, {
      cacheDir,
      source,
    });
    expect(source.parses).toBe(1);
    expect(big.dataset.shape).toEqual([4, 4, 3]);
    expect(big.dataset.digest).not.toBe(native.dataset.digest);
    // Image i of the synthetic source is [i, i+1, i+2, i+3] (row-major 2×2).
    const label = (split: typeof big.dataset.train, j: number) => split.labels[j];
    for (const split of ['train', 'test'] as const) {
      const a = native.dataset[split];
      const b = big.dataset[split];
      for (let j = 0; j < a.count; j++) {
        const [p, q, r, s] = a.pixels.subarray(j * 4, j * 4 + 4);
        const rows = [
          [p, p, q, q],
          [p, p, q, q],
          [r, r, s, s],
          [r, r, s, s],
        ].flat().flatMap((v) => [v, v, v]);
        expect([...b.pixels.subarray(j * 48, (j + 1) * 48)]).toEqual(rows);
        expect(label(b, j)).toBe(label(a, j));
      }
    }
    const again = await loadDataset({ ...spec(''), source: 'mnist', split, image: { ...IMAGE, size: [4, 4], channels: 3, interpolation: 'nearest' } }, SEEDS, {
      cacheDir,
      source,
    });
    expect(again.cache).toBe('fresh');
    expect(again.dataset.digest).toBe(big.dataset.digest);
  });
});

import { mkdir, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ExperimentSpec, Seeds } from '../../../src/config/spec.ts';
import { loadDataset } from '../../../src/data/index.ts';
import { CIFAR_BATCHES, CIFAR_CLASSES, cifarCacheDir, parseCifarBatches, RECORD_BYTES } from '../../../src/data/sources/cifar10.ts';
import { UserError } from '../../../src/lib/errors.ts';
import { cifarRecord, writeCifarDir } from './fixtures.ts';
import { tempDir } from './helpers.ts';

type DataSpec = ExperimentSpec['data'];
const SEEDS: Seeds = { init: 1, dropout: 2, split: 77, shuffle: 4, augment: 5, report: 9 };
const spec = (over: Partial<DataSpec> = {}): DataSpec => ({
  source: 'cifar10',
  limit: {},
  split: { validation: 0.2, test: 0.2, stratify: true },
  image: { fit: 'stretch', interpolation: 'bilinear', padValue: 0, maxPixels: 40_000_000 },
  normalize: 'rescale',
  onError: 'fail',
  ...over,
});

async function failure(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(UserError);
  return error as Error;
}

describe('CIFAR-10 records', () => {
  it('planes → NHWC: pixel (y, x) is R[32y+x], G[32y+x], B[32y+x]; label from the first byte', () => {
    const rec = new Uint8Array(RECORD_BYTES);
    rec[0] = 7;
    // Distinct values per plane at a few positions, checked by hand below.
    rec[1 + 0] = 11; // R (0,0)
    rec[1 + 1024 + 0] = 22; // G (0,0)
    rec[1 + 2048 + 0] = 33; // B (0,0)
    rec[1 + 32 * 5 + 9] = 101; // R (5,9)
    rec[1 + 1024 + 32 * 5 + 9] = 102; // G (5,9)
    rec[1 + 2048 + 32 * 31 + 31] = 250; // B (31,31)
    const data = parseCifarBatches([{ file: 'b.bin', bytes: rec }], CIFAR_CLASSES);
    expect([...data.labels]).toEqual([7]);
    expect(data.shape).toEqual([32, 32, 3]);
    const at = (y: number, x: number) => [...data.pixels.subarray((y * 32 + x) * 3, (y * 32 + x) * 3 + 3)];
    expect(at(0, 0)).toEqual([11, 22, 33]);
    expect(at(5, 9)).toEqual([101, 102, 0]);
    expect(at(31, 31)).toEqual([0, 0, 250]);
    expect(at(1, 0)).toEqual([0, 0, 0]);
  });

  it('a label over 9 is a damaged batch, named with its record', async () => {
    const rec = cifarRecord(0, 0);
    rec[0] = 12;
    expect(() => parseCifarBatches([{ file: '/d/data_batch_1.bin', bytes: rec }], CIFAR_CLASSES)).toThrow(
      'The CIFAR-10 batch /d/data_batch_1.bin has label 12 in record 0; CIFAR-10 labels are 0–9. The file is damaged or from another dataset; fetch the data again.',
    );
  });
});

describe('cifar10 source', () => {
  it('loads a CIFAR-format directory: training batches in order, test_batch as the fixed test set, classes from the meta file', async () => {
    const dir = await writeCifarDir(join(await tempDir(), 'cifar'), 3);
    const { dataset, warnings } = await loadDataset(spec({ path: dir, split: { validation: 0, test: 0.5, stratify: true } }), SEEDS, { cacheDir: await tempDir() });
    expect(warnings).toEqual([]);
    expect(dataset.classes).toEqual(CIFAR_CLASSES);
    expect(dataset.origin).toEqual({ validation: 'seeded', test: 'source' });
    expect([dataset.train.count, dataset.validation.count, dataset.test.count]).toEqual([15, 0, 3]);
    // The test split is test_batch's records, in order; its first image is record 0 of batch 5.
    expect([...dataset.test.labels]).toEqual([0, 1, 2].map((r) => cifarRecord(5, r)[0]));
    const rec = cifarRecord(5, 0);
    expect([...dataset.test.pixels.subarray(0, 6)]).toEqual([rec[1], rec[1 + 1024], rec[1 + 2048], rec[2], rec[2 + 1024], rec[2 + 2048]]);
    // Training images: batch 1 record 0 first (split indices are ascending).
    expect(dataset.train.labels[0]).toBe(cifarRecord(0, 0)[0]);
  });

  it('accepts the archive\'s parent directory (cifar-10-batches-bin inside) and uses official names when the meta file is absent', async () => {
    const parent = await tempDir();
    await writeCifarDir(join(parent, 'cifar-10-batches-bin'), 2, null);
    const { dataset } = await loadDataset(spec({ path: parent }), SEEDS, { cacheDir: await tempDir() });
    expect(dataset.classes).toEqual(['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck']);
    expect(dataset.test.count).toBe(2);
  });

  it('without a path, reads the fetched copy from the cache directory, or says how to fetch it', async () => {
    const cacheDir = await tempDir();
    const error = await failure(loadDataset(spec(), SEEDS, { cacheDir }));
    expect(error.message).toBe(
      `CIFAR-10 is not in the dataset cache (${cifarCacheDir(cacheDir)}). Run "convlens datasets fetch cifar10" with the same --cache, ` +
        'or download cifar-10-binary.tar.gz yourself, unpack it, and set data.path to its cifar-10-batches-bin directory.',
    );
    await writeCifarDir(cifarCacheDir(cacheDir), 2);
    const { dataset } = await loadDataset(spec(), SEEDS, { cacheDir });
    expect(dataset.train.count + dataset.validation.count).toBe(10);
  });

  it('at 16×16×1 every image is resized and converted, and the result is cached under its own file', async () => {
    const dir = await writeCifarDir(join(await tempDir(), 'c'), 2);
    const cacheDir = await tempDir();
    const small = spec({ path: dir, image: { size: [16, 16], channels: 1, fit: 'stretch', interpolation: 'nearest', padValue: 0, maxPixels: 1e9 } });
    const { dataset } = await loadDataset(small, SEEDS, { cacheDir });
    expect(dataset.shape).toEqual([16, 16, 1]);
    // Nearest 32→16 keeps every other row and column; the gray value is the luma of that RGB pixel.
    const rec = cifarRecord(5, 0);
    const luma = (q: number) => (rec[1 + q]! * 19595 + rec[1 + 1024 + q]! * 38470 + rec[1 + 2048 + q]! * 7471 + 0x8000) >>> 16;
    const sampled = (phase: number) => Array.from({ length: 256 }, (_, j) => luma((2 * Math.floor(j / 16) + phase) * 32 + 2 * (j % 16) + phase));
    const image = [...dataset.test.pixels.subarray(0, 256)];
    expect([sampled(0), sampled(1)]).toContainEqual(image); // which phase nearest samples is sharp's choice
    const again = await loadDataset(small, SEEDS, { cacheDir });
    expect(again.cache).toBe('fresh');
    expect(again.dataset.digest).toBe(dataset.digest);
  });

  it('a missing directory, a missing batch, an odd-sized batch and a short batch each get their own message', async () => {
    const cacheDir = await tempDir();
    const missing = join(cacheDir, 'nope');
    expect((await failure(loadDataset(spec({ path: missing }), SEEDS, { cacheDir }))).message).toBe(
      `The CIFAR-10 directory ${missing} (data.path) does not exist. Check the path; it is relative to the experiment file.`,
    );

    const dir = await writeCifarDir(join(await tempDir(), 'c'), 3);
    await writeFile(join(dir, 'data_batch_3.bin'), new Uint8Array(3 * RECORD_BYTES - 100));
    expect((await failure(loadDataset(spec({ path: dir }), SEEDS, { cacheDir }))).message).toBe(
      `The CIFAR-10 batch ${join(dir, 'data_batch_3.bin')} has ${3 * RECORD_BYTES - 100} bytes, not a whole number of 3073-byte records (1 label byte + 32×32×3 pixels). ` +
        "It is truncated, or not from the CIFAR-10 binary version (CIFAR-100's records are 3074 bytes); fetch the data again.",
    );

    await truncate(join(dir, 'data_batch_3.bin'), 2 * RECORD_BYTES);
    expect((await failure(loadDataset(spec({ path: dir }), SEEDS, { cacheDir }))).message).toBe(
      `The CIFAR-10 batch ${join(dir, 'data_batch_3.bin')} holds 2 records where the other batches hold 3; it is truncated. Fetch the data again.`,
    );

    const { rm } = await import('node:fs/promises');
    await rm(join(dir, 'test_batch.bin'));
    expect((await failure(loadDataset(spec({ path: dir }), SEEDS, { cacheDir }))).message).toBe(
      `The CIFAR-10 directory ${dir} has no test_batch.bin. It needs data_batch_1.bin … data_batch_5.bin and test_batch.bin ` +
        'from the binary version (cifar-10-binary.tar.gz); unpack the archive again or fetch it with "convlens datasets fetch cifar10".',
    );
  });

  it('a meta file with the wrong number of names is rejected', async () => {
    const dir = await writeCifarDir(join(await tempDir(), 'c'), 1, 'cat\ndog\n');
    expect((await failure(loadDataset(spec({ path: dir }), SEEDS, { cacheDir: await tempDir() }))).message).toBe(
      `The CIFAR-10 class list ${join(dir, 'batches.meta.txt')} names 2 classes instead of 10. Restore it from the archive, or delete it to use the official names.`,
    );
  });

  it('the digest follows the batch bytes: one changed pixel changes it, a copy elsewhere does not', async () => {
    const a = await writeCifarDir(join(await tempDir(), 'a'), 2);
    const b = await writeCifarDir(join(await tempDir(), 'b'), 2);
    const cacheDir = await tempDir();
    const digest = async (path: string) => (await loadDataset(spec({ path }), SEEDS, { cacheDir })).dataset.digest;
    const base = await digest(a);
    expect(await digest(b)).toBe(base);
    const bytes = new Uint8Array(2 * RECORD_BYTES);
    bytes.set(cifarRecord(1, 0), 0);
    bytes.set(cifarRecord(1, 1), RECORD_BYTES);
    bytes[500]! ^= 1;
    await mkdir(b, { recursive: true });
    await writeFile(join(b, CIFAR_BATCHES[1]!), bytes);
    expect(await digest(b)).not.toBe(base);
  });
});

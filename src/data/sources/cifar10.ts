/**
 * CIFAR-10 from its official binary distribution (cifar-10-binary.tar.gz, unpacked):
 *
 *   data_batch_1.bin … data_batch_5.bin   the 50,000 training images, 10,000 per file
 *   test_batch.bin                        the 10,000 official test images: the fixed test set
 *   batches.meta.txt                      class names, one per line, in label order
 *
 * Each record is 3,073 bytes: one label byte (0–9), then the 32×32 red plane, the green plane and
 * the blue plane, each row-major. convlens stores NHWC, so pixel (y, x) becomes the three bytes
 * R[y·32+x], G[y·32+x], B[y·32+x].
 *
 * The directory is `data.path` (or its `cifar-10-batches-bin/` sub-directory), or, when no path is
 * given, `<cache>/datasets/cifar10/`, where `convlens datasets fetch cifar10` unpacks it. Its
 * cache identity is a hash of the batch files' bytes, so a changed file is noticed.
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../../lib/errors.ts';
import { cifarBadLabel, cifarBatchMissing, cifarMeta, cifarNotFetched, cifarOddSize, cifarShort, pathMissing, pathWrongKind } from '../messages.ts';
import type { SourceData, SourceDef } from '../types.ts';

/** The batch files in the order their records become image indices (training first, test last). */
export const CIFAR_BATCHES = ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin', 'test_batch.bin'];
/** The official class names in label order, used when batches.meta.txt is absent. */
export const CIFAR_CLASSES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];
/** Bytes per record: 1 label + 32·32·3 pixels. */
export const RECORD_BYTES = 3073;
const PLANE = 1024;

/** Where `convlens datasets fetch cifar10` puts the batches: `<cacheDir>/datasets/cifar10`. */
export function cifarCacheDir(cacheDir: string): string {
  return join(cacheDir, 'datasets', 'cifar10');
}

/** Writes record `r` of `batch` (planar RGB) as NHWC into `pixels` at image `i`. */
export function planesToNhwc(batch: Uint8Array, r: number, pixels: Uint8Array, i: number): void {
  const base = r * RECORD_BYTES + 1;
  const out = i * PLANE * 3;
  for (let p = 0; p < PLANE; p++) {
    pixels[out + p * 3] = batch[base + p]!;
    pixels[out + p * 3 + 1] = batch[base + PLANE + p]!;
    pixels[out + p * 3 + 2] = batch[base + 2 * PLANE + p]!;
  }
}

/**
 * Decodes the batches (in CIFAR_BATCHES order; the last one is the test batch). Pure; `file` is
 * used only in messages. Sizes must already be whole records (checked by `checkBatchSizes`).
 */
export function parseCifarBatches(batches: { file: string; bytes: Uint8Array }[], classes: string[]): SourceData {
  const total = batches.reduce((n, b) => n + b.bytes.length / RECORD_BYTES, 0);
  const pixels = new Uint8Array(total * PLANE * 3);
  const labels = new Uint8Array(total);
  const testCount = batches[batches.length - 1]!.bytes.length / RECORD_BYTES;
  let i = 0;
  for (const { file, bytes } of batches) {
    for (let r = 0; r < bytes.length / RECORD_BYTES; r++, i++) {
      const label = bytes[r * RECORD_BYTES]!;
      if (label >= classes.length) throw new UserError(cifarBadLabel(file, r, label));
      labels[i] = label;
      planesToNhwc(bytes, r, pixels, i);
    }
  }
  const fixedTest = Int32Array.from({ length: testCount }, (_, k) => total - testCount + k);
  return { classes, shape: [32, 32, 3], pixels, labels, fixedTest };
}

/** Throws the message for a missing, odd-sized or short batch; sizes in CIFAR_BATCHES order. */
export function checkBatchSizes(dir: string, sizes: (number | undefined)[]): void {
  sizes.forEach((bytes, k) => {
    const file = join(dir, CIFAR_BATCHES[k]!);
    if (bytes === undefined) throw new UserError(cifarBatchMissing(dir, CIFAR_BATCHES[k]!));
    if (bytes % RECORD_BYTES !== 0) throw new UserError(cifarOddSize(file, bytes));
  });
  const records = sizes.map((b) => b! / RECORD_BYTES);
  const expected = Math.max(...records);
  records.forEach((n, k) => {
    if (n < expected) throw new UserError(cifarShort(join(dir, CIFAR_BATCHES[k]!), n, expected));
  });
}

/** Class names from batches.meta.txt (non-empty lines), or the official ones when it is absent. */
export function parseMeta(file: string, text: string | undefined): string[] {
  if (text === undefined) return CIFAR_CLASSES;
  const names = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0);
  if (names.length !== 10) throw new UserError(cifarMeta(file, names.length));
  return names;
}

async function sizeOf(path: string): Promise<number | undefined> {
  const s = await stat(path).catch(() => undefined);
  return s?.isFile() ? s.size : undefined;
}

/** The directory holding the batches: `path` or its cifar-10-batches-bin/, else the fetched copy. */
export async function resolveCifarDir(path: string | undefined, cacheDir: string): Promise<string> {
  if (path === undefined) {
    const dir = cifarCacheDir(cacheDir);
    if (!(await stat(dir).catch(() => undefined))?.isDirectory()) throw new UserError(cifarNotFetched(dir));
    return dir;
  }
  const s = await stat(path).catch(() => undefined);
  if (!s) throw new UserError(pathMissing('CIFAR-10 directory', path));
  if (!s.isDirectory()) throw new UserError(pathWrongKind('CIFAR-10 directory', path, 'directory'));
  const nested = join(path, 'cifar-10-batches-bin');
  if ((await sizeOf(join(path, CIFAR_BATCHES[0]!))) === undefined && (await stat(nested).catch(() => undefined))?.isDirectory()) return nested;
  return path;
}

/**
 * The CIFAR-10 source in `dir` (native 32×32×3; data.image is applied by the caller). Checks the
 * batch files and hashes them now, so a broken directory fails before any decoding.
 */
export async function cifar10Source(dir: string): Promise<SourceDef> {
  checkBatchSizes(dir, await Promise.all(CIFAR_BATCHES.map((f) => sizeOf(join(dir, f)))));
  const metaFile = join(dir, 'batches.meta.txt');
  const metaText = await readFile(metaFile, 'utf8').catch((e: { code?: string }) => {
    if (e.code === 'ENOENT') return undefined;
    throw e;
  });
  const classes = parseMeta(metaFile, metaText);
  const hash = createHash('sha256').update(`cifar10-binary\n${JSON.stringify(classes)}\n`);
  for (const f of CIFAR_BATCHES) hash.update(await readFile(join(dir, f)));
  return {
    name: 'cifar10',
    version: hash.digest('hex').slice(0, 24),
    nativeShape: [32, 32, 3],
    parse: async () => {
      const batches = await Promise.all(CIFAR_BATCHES.map(async (f) => ({ file: join(dir, f), bytes: await readFile(join(dir, f)) })));
      return parseCifarBatches(batches, classes);
    },
  };
}

/**
 * `convlens datasets fetch cifar10`: download the official binary archive into the cache,
 * verify it, and unpack it where the cifar10 source looks when `data.path` is absent.
 *
 *   <cache>/downloads/cifar-10-binary.tar.gz.part   the download, resumed across runs
 *   <cache>/datasets/cifar10/                       the unpacked batches (installed atomically)
 *
 *   1. already there (FETCHED.json matches)  → nothing to do
 *   2. download with resume (download.ts)    → the .part file
 *   3. size, then MD5                        → a mismatch deletes the .part file
 *   4. unpack (unpack.ts)                    → datasets/cifar10, then the archive is deleted
 *
 * URL, checksum and size are parameters (the CLI passes the official ones), so the tests can run
 * the whole path against a local server and an archive they generate.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readFile, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../../lib/errors.ts';
import { alreadyFetched, checksumMismatch, diskError, fetched, sizeMismatch } from '../messages.ts';
import { CIFAR_BATCHES, cifarCacheDir } from '../sources/cifar10.ts';
import { downloadResumable } from './download.ts';
import type { Progress } from './progress.ts';
import { unpackAtomically } from './unpack.ts';

/** The official archive (https://www.cs.toronto.edu/~kriz/cifar.html, "CIFAR-10 binary version"). */
export const CIFAR10_ARCHIVE = {
  url: 'https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz',
  md5: 'c32a1d4ab5d03f1284b67883e8d87530',
  size: 170_052_171,
} as const;

/** Marker written into the unpacked directory: where it came from. */
const MARKER = 'FETCHED.json';

/** What `fetchCifar10` needs; the archive's identity defaults to the official one. */
export interface FetchOptions {
  cacheDir: string;
  url?: string;
  md5?: string;
  size?: number;
  /** Made once the total size is known (so it can show a percentage). */
  progress?: (total: number) => Progress;
  notice?: (text: string) => void;
  idleTimeoutMs?: number;
  fetch?: typeof fetch;
}

/** MD5 hex of a file, streamed. */
export async function md5File(path: string): Promise<string> {
  const hash = createHash('md5');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function alreadyThere(dir: string, md5: string): Promise<boolean> {
  const marker = await readFile(join(dir, MARKER), 'utf8').catch(() => undefined);
  if (marker === undefined) return false;
  try {
    return (JSON.parse(marker) as { md5?: string }).md5 === md5;
  } catch {
    return false;
  }
}

/** Downloads, verifies and installs CIFAR-10; resolves with the directory and a one-line summary. */
export async function fetchCifar10(options: FetchOptions): Promise<{ dir: string; message: string; downloaded: boolean }> {
  const url = options.url ?? CIFAR10_ARCHIVE.url;
  const md5 = options.md5 ?? CIFAR10_ARCHIVE.md5;
  const size = options.size ?? CIFAR10_ARCHIVE.size;
  const dest = cifarCacheDir(options.cacheDir);
  if (await alreadyThere(dest, md5)) return { dir: dest, message: alreadyFetched(dest), downloaded: false };

  const downloads = join(options.cacheDir, 'downloads');
  try {
    await mkdir(downloads, { recursive: true });
  } catch (error) {
    throw new UserError(diskError(downloads, (error as { code?: string }).code ?? (error as Error).message));
  }
  const part = join(downloads, 'cifar-10-binary.tar.gz.part');
  await downloadResumable({
    url,
    partFile: part,
    size,
    ...(options.progress && { progress: options.progress(size) }),
    ...(options.notice && { notice: options.notice }),
    ...(options.idleTimeoutMs !== undefined && { idleTimeoutMs: options.idleTimeoutMs }),
    ...(options.fetch && { fetch: options.fetch }),
  });

  const actualSize = (await stat(part)).size;
  if (actualSize !== size) {
    await unlink(part).catch(() => {});
    throw new UserError(sizeMismatch(url, actualSize, size));
  }
  const actualMd5 = await md5File(part);
  if (actualMd5 !== md5) {
    await unlink(part).catch(() => {});
    throw new UserError(checksumMismatch(url, actualMd5, md5));
  }

  const required = [...CIFAR_BATCHES, 'batches.meta.txt'];
  await unpackAtomically(part, dest, 'cifar-10-batches-bin', required, { name: MARKER, text: `${JSON.stringify({ url, md5, size }, null, 2)}\n` });
  await unlink(part).catch(() => {});
  return { dir: dest, message: fetched(dest), downloaded: true };
}

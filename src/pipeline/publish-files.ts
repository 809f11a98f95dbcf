/**
 * Writing many published files quickly: a report has hundreds of small test images per
 * experiment, so directories are created once each and files are encoded and written a few at
 * a time (sharp and the file system work on libuv's thread pool) instead of one after another.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** How many encodes or writes run at once: enough to keep libuv's four threads busy. */
export const PUBLISH_CONCURRENCY = 8;

/** `fn` over `items` with at most `limit` calls in flight; results in item order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

/** Write `files` (paths relative to `root`) under `root`, creating each directory once. */
export async function writeFiles(root: string, files: ReadonlyMap<string, Buffer | string>): Promise<void> {
  const dirs = new Set<string>();
  for (const path of files.keys()) dirs.add(dirname(join(root, path)));
  // Parents before children, so each mkdir finds its parent and does no recursive work twice.
  for (const dir of [...dirs].sort()) await mkdir(dir, { recursive: true });
  await mapLimit([...files], PUBLISH_CONCURRENCY, ([path, data]) => writeFile(join(root, path), data));
}

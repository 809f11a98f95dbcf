/**
 * The cache directory's identity: convlens marks it with a CACHEDIR.TAG (the standard that
 * backup tools honour), and `clean` removes only a directory bearing that mark, so a mistyped
 * `--cache` can never delete user files.
 */
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { UserError } from '../lib/errors.ts';

const TAG = 'Signature: 8a477f597d28d172789f06886806bc55\n# This directory is a cache made by convlens; `convlens clean` removes it.\n';

function notACache(dir: string): string {
  return `Refusing to remove "${dir}": it is not a convlens cache (it has no CACHEDIR.TAG written by convlens). Pass the right --cache directory, or remove it by hand.`;
}

/** Create the cache directory (and its tag) if needed. */
export async function prepareCache(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'CACHEDIR.TAG'), TAG);
}

/** Remove a convlens cache; false when it did not exist. Throws for a directory we did not make. */
export async function removeCache(dir: string): Promise<boolean> {
  const exists = await stat(dir).then(() => true, () => false);
  if (!exists) return false;
  const tag = await readFile(join(dir, 'CACHEDIR.TAG'), 'utf8').catch(() => undefined);
  if (tag !== TAG) throw new UserError(notACache(dir));
  await rm(dir, { recursive: true, force: true });
  return true;
}

/**
 * Remove what a killed build left half-written: store entries' temporary directories
 * (`store/<kind>/.tmp-*`) and the report's (`report.tmp-*`, `report.old-*`). Nothing reads
 * them; this only reclaims the space. Call it holding the cache lock, so no live build owns them.
 */
export async function removeStaleTemporaries(dir: string): Promise<void> {
  const list = (d: string) => readdir(d).catch(() => [] as string[]);
  for (const kind of await list(join(dir, 'store'))) {
    for (const name of await list(join(dir, 'store', kind))) {
      if (name.startsWith('.tmp-')) await rm(join(dir, 'store', kind, name), { recursive: true, force: true });
    }
  }
  for (const name of await list(dir)) {
    if (/^report\.(tmp|old)-/.test(name)) await rm(join(dir, name), { recursive: true, force: true });
  }
  for (const name of await list(join(dir, 'datasets'))) {
    if (name.endsWith('.tmp')) await rm(join(dir, 'datasets', name), { force: true });
  }
}

/** Remove a killed site build's leftovers beside the output directory (`<out>.tmp-*`, `<out>.old-*`). */
export async function removeStaleSiteBuilds(outDir: string): Promise<void> {
  const parent = dirname(resolve(outDir));
  const base = basename(resolve(outDir));
  for (const name of await readdir(parent).catch(() => [] as string[])) {
    if (name.startsWith(`${base}.tmp-`) || name.startsWith(`${base}.old-`)) await rm(join(parent, name), { recursive: true, force: true });
  }
}

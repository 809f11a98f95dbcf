/**
 * Unpacking a verified archive so that a later run never trusts half of it:
 *
 *   1. extract into `<dest>.<pid>-<n>.tmp/` (same parent, so the final rename is atomic)
 *   2. check that the expected files are there
 *   3. move an existing `<dest>` aside, rename the new tree to `<dest>`, delete the old one
 *
 * `<dest>` therefore only ever appears complete; a crash leaves at most a `*.tmp` directory, which
 * nothing reads and the next unpack removes. Extraction is `tar`'s (node-tar), which refuses
 * absolute paths and `..` entries, so an archive cannot write outside the temp directory.
 */
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { extract } from 'tar';
import { UserError } from '../../lib/errors.ts';
import { archiveLayout, diskError, unpackFailed } from '../messages.ts';

let counter = 0;

/** Removes `<dest>.*.tmp` leftovers of earlier, interrupted unpacks. */
async function removeLeftovers(dest: string): Promise<void> {
  const parent = dirname(dest);
  const prefix = `${basename(dest)}.`;
  const names = await readdir(parent).catch(() => [] as string[]);
  await Promise.all(names.filter((n) => n.startsWith(prefix) && n.endsWith('.tmp')).map((n) => rm(join(parent, n), { recursive: true, force: true })));
}

/**
 * Extracts `archive` (.tar.gz) and installs its `inner` directory as `dest`, atomically; `required`
 * files (relative to `inner`) must exist. `marker`, when given, is written into the tree before it
 * is installed, so its presence means a complete install. Returns `dest`.
 */
export async function unpackAtomically(
  archive: string,
  dest: string,
  inner: string,
  required: string[],
  marker?: { name: string; text: string },
): Promise<string> {
  try {
    await mkdir(dirname(dest), { recursive: true });
  } catch (error) {
    throw new UserError(diskError(dirname(dest), (error as { code?: string }).code ?? (error as Error).message));
  }
  await removeLeftovers(dest);
  const temp = `${dest}.${process.pid}-${counter++}.tmp`;
  const old = `${dest}.${process.pid}-${counter++}.old.tmp`;
  try {
    await mkdir(temp);
    try {
      await extract({ file: archive, cwd: temp, strict: true });
    } catch (error) {
      throw new UserError(unpackFailed(archive, dest, (error as { code?: string }).code ?? (error as Error).message));
    }
    const tree = join(temp, inner);
    for (const file of required) {
      if (!(await stat(join(tree, file)).catch(() => undefined))?.isFile()) throw new UserError(archiveLayout(archive, `${inner}/${file}`));
    }
    if (marker) await writeFile(join(tree, marker.name), marker.text);
    const existed = await stat(dest).then(() => true, () => false);
    if (existed) await rename(dest, old);
    try {
      await rename(tree, dest);
    } catch (error) {
      if (existed) await rename(old, dest).catch(() => {}); // keep the previous copy rather than none
      throw error;
    }
    return dest;
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new UserError(diskError(dest, (error as { code?: string }).code ?? (error as Error).message));
  } finally {
    await rm(temp, { recursive: true, force: true });
    await rm(old, { recursive: true, force: true });
  }
}

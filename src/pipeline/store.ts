/**
 * The content-addressed artifact store under the cache directory.
 *
 * An entry is a directory `<cache>/<kind>/<key>/` holding its files and an `entry.json` listing
 * each file's sha256. Entries are written into a temporary sibling directory and renamed into
 * place in one step, so an entry either exists complete or not at all: a crash or kill never
 * leaves a half-written entry that a later build would trust. On read every file is hashed
 * again; an entry that does not match (damaged disk, edited by hand) is reported, removed and
 * recomputed.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export type StoreKind = 'runs' | 'analysis' | 'figures' | 'checkpoints';

interface EntryIndex {
  key: string;
  files: Record<string, string>;
}

export interface Store {
  root: string;
  /** The entry's files, or undefined when absent or damaged (then `onDamaged` is told). */
  get(kind: StoreKind, key: string): Promise<Map<string, Buffer> | undefined>;
  /** Write an entry atomically; returns its directory. */
  put(kind: StoreKind, key: string, files: Map<string, Buffer | string>): Promise<string>;
  /** Directory of an entry (whether or not it exists). */
  dir(kind: StoreKind, key: string): string;
  /** Remove an entry if present. */
  remove(kind: StoreKind, key: string): Promise<void>;
  /** Keys of the complete entries of `kind` that start with `prefix` (temporary directories excluded). */
  keys(kind: StoreKind, prefix: string): Promise<string[]>;
}

/** sha256 hex of bytes or text. */
export function sha256(data: Buffer | string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Open the store rooted at `root` (created on first write). */
export function openStore(root: string, onDamaged: (what: string) => void = () => {}): Store {
  const dir = (kind: StoreKind, key: string) => join(root, kind, key);

  async function get(kind: StoreKind, key: string): Promise<Map<string, Buffer> | undefined> {
    const base = dir(kind, key);
    let index: EntryIndex;
    try {
      index = JSON.parse(await readFile(join(base, 'entry.json'), 'utf8')) as EntryIndex;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      onDamaged(`${join(base, 'entry.json')} is unreadable`);
      await rm(base, { recursive: true, force: true });
      return undefined;
    }
    const files = new Map<string, Buffer>();
    for (const [name, hash] of Object.entries(index.files)) {
      let bytes: Buffer | undefined;
      try {
        bytes = await readFile(join(base, name));
      } catch {
        bytes = undefined;
      }
      if (!bytes || sha256(bytes) !== hash) {
        onDamaged(`${join(base, name)} is ${bytes ? 'damaged (its hash does not match)' : 'missing'}`);
        await rm(base, { recursive: true, force: true });
        return undefined;
      }
      files.set(name, bytes);
    }
    return files;
  }

  async function put(kind: StoreKind, key: string, files: Map<string, Buffer | string>): Promise<string> {
    const target = dir(kind, key);
    const temp = join(root, kind, `.tmp-${key.slice(0, 16)}-${process.pid}-${randomBytes(4).toString('hex')}`);
    await mkdir(temp, { recursive: true });
    try {
      const index: EntryIndex = { key, files: {} };
      for (const [name, data] of files) {
        await writeFile(join(temp, name), data);
        index.files[name] = sha256(data);
      }
      await writeFile(join(temp, 'entry.json'), JSON.stringify(index, null, 2));
      await rm(target, { recursive: true, force: true });
      await rename(temp, target);
    } catch (error) {
      await rm(temp, { recursive: true, force: true });
      throw error;
    }
    return target;
  }

  const remove = (kind: StoreKind, key: string) => rm(dir(kind, key), { recursive: true, force: true });

  async function keys(kind: StoreKind, prefix: string): Promise<string[]> {
    const names = await readdir(join(root, kind)).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return [] as string[];
      throw e;
    });
    return names.filter((n) => n.startsWith(prefix) && !n.startsWith('.tmp-'));
  }

  return { root, get, put, dir, remove, keys };
}

/**
 * Disk access for model import, injected so tests can substitute it, and the size limits that
 * keep a hostile or mistaken path from being read whole into memory.
 */
import { readFile, stat } from 'node:fs/promises';
import { UserError } from '../lib/errors.ts';
import { messages } from './messages.ts';

/** The disk operations model import needs. */
export interface ImportFs {
  readFile(path: string): Promise<Buffer>;
  stat(path: string): Promise<{ size: number; isDirectory(): boolean }>;
}

/** node:fs. */
export const nodeFs: ImportFs = { readFile: (p) => readFile(p), stat: (p) => stat(p) };

/** Largest model file (or tfjs weight file) convlens reads, in bytes. */
export const MAX_FILE_BYTES = 512 * 2 ** 20;

/** Read a whole file after checking it exists, is a file and is not over the limit. */
export async function readChecked(fs: ImportFs, path: string, missing: () => string): Promise<Buffer> {
  let info;
  try {
    info = await fs.stat(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new UserError(missing());
    throw error;
  }
  if (info.isDirectory()) throw new UserError(messages.isDirectory(path));
  if (info.size > MAX_FILE_BYTES) throw new UserError(messages.tooLarge(path, info.size, MAX_FILE_BYTES));
  return fs.readFile(path);
}

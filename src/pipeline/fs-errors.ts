/**
 * File-system failures the user can fix (a full disk, a read-only or unwritable directory) as
 * UserErrors saying which path and what to do, instead of "a bug in convlens". They may arrive
 * wrapped (Astro and Vite rethrow with a `cause`), so the cause chain is searched.
 */
import { UserError } from '../lib/errors.ts';

const ADVICE: Record<string, (path: string) => string> = {
  ENOSPC: (p) => `the disk holding ${p} is full. Free some space (or point --out/--cache at another disk) and run again`,
  EDQUOT: (p) => `the disk quota for ${p} is used up. Free some space (or point --out/--cache elsewhere) and run again`,
  EACCES: (p) => `${p} cannot be written (permission denied). Make it writable, or point --out/--cache at a directory you can write`,
  EPERM: (p) => `${p} cannot be written (operation not permitted). Point --out/--cache at a directory you can write`,
  EROFS: (p) => `${p} is on a read-only file system. Point --out/--cache at a writable directory`,
  ENOTDIR: (p) => `a part of ${p} is a file, not a directory. Point --out/--cache at a directory path`,
};
// mkdir -p reports a file in the way as EEXIST.
ADVICE['EEXIST'] = ADVICE['ENOTDIR']!;

/**
 * The first errno code in `error`'s cause chain that names a user-fixable file-system problem.
 * Bundlers sometimes keep only the message ("ENOSPC: no space left on device, copyfile …"), so
 * the messages are searched last.
 */
export function fsProblem(error: unknown): { code: string; path: string | undefined } | undefined {
  const chain: unknown[] = [];
  for (let e: unknown = error, depth = 0; e && depth < 10; e = (e as { cause?: unknown }).cause, depth++) chain.push(e);
  for (const e of chain) {
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && code in ADVICE) return { code, path: (e as NodeJS.ErrnoException).path };
  }
  for (const e of chain) {
    const match = /\b(ENOSPC|EDQUOT|EACCES|EPERM|EROFS|ENOTDIR)\b/.exec(e instanceof Error ? e.message : String(e));
    if (match) return { code: match[1]!, path: undefined };
  }
  return undefined;
}

/** A UserError for a file-system problem while `doing` (e.g. "building the site into dist"), or undefined. */
export function fsUserError(error: unknown, doing: string, fallbackPath: string): UserError | undefined {
  const problem = fsProblem(error);
  if (!problem) return undefined;
  return new UserError(`Could not finish ${doing}: ${ADVICE[problem.code]!(problem.path ?? fallbackPath)}. Nothing half-written was kept.`);
}

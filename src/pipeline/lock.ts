/**
 * One build at a time per cache directory. Two builds writing the same store, report and site
 * would not corrupt entries (every write is atomic), but they would waste the work twice and
 * race on what the site shows; so the second waits for the first, saying so.
 *
 * The lock is a file `<cache>/lock` created exclusively (O_EXCL), holding the owner's pid and
 * host. A lock whose owner is gone (a build killed with SIGKILL never runs its cleanup) is taken
 * over: on the same host a dead pid proves it. Released when the build ends, or on exit.
 */
import { rmSync } from 'node:fs';
import { open, readFile, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '../lib/clock.ts';
import { UserError } from '../lib/errors.ts';

interface Owner {
  pid: number;
  host: string;
}

/** Where to lock, and how to wait. */
export interface LockOptions {
  cacheDir: string;
  clock: Clock;
  /** Told once when the lock is held by another build. */
  onWait: (owner: Owner) => void;
  /** Give up after this many milliseconds of waiting (default 30 minutes). */
  timeoutMs?: number;
  /** Milliseconds between attempts (default 250). */
  pollMs?: number;
  /** Whether a pid is alive (default: signal 0). */
  alive?: (pid: number) => boolean;
  sleep?: (ms: number) => Promise<void>;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readOwner(file: string): Promise<Owner | undefined> {
  try {
    const owner = JSON.parse(await readFile(file, 'utf8')) as Owner;
    return Number.isInteger(owner.pid) && typeof owner.host === 'string' ? owner : undefined;
  } catch {
    return undefined;
  }
}

/** Acquire the cache lock (waiting for another build if needed); returns its release function. */
export async function lockCache(options: LockOptions): Promise<() => Promise<void>> {
  const file = join(options.cacheDir, 'lock');
  const alive = options.alive ?? processAlive;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const me: Owner = { pid: process.pid, host: hostname() };
  const started = options.clock.now();
  let told = false;
  for (;;) {
    try {
      const handle = await open(file, 'wx');
      await handle.writeFile(JSON.stringify(me));
      await handle.close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = await readOwner(file);
    // No readable owner: the holder was killed between creating and writing the file; a dead
    // owner on this host: killed without cleaning up. Either way nobody will release it.
    if (!owner || (owner.host === me.host && !alive(owner.pid))) {
      await rm(file, { force: true });
      continue;
    }
    if (!told) {
      options.onWait(owner);
      told = true;
    }
    if (options.clock.now() - started > (options.timeoutMs ?? 30 * 60_000)) {
      throw new UserError(
        `Another convlens build (pid ${owner.pid} on ${owner.host}) is still using the cache ${options.cacheDir} after ${Math.round((options.clock.now() - started) / 60_000)} minutes. ` +
          `Wait for it to finish, or if no build is running, delete ${file} and run again.`,
      );
    }
    await sleep(options.pollMs ?? 250);
  }
  let released = false;
  const release = async () => {
    if (released) return;
    released = true;
    process.off('exit', releaseSync);
    await rm(file, { force: true });
  };
  // On a normal exit or an uncaught error the async path may not run: remove it synchronously.
  const releaseSync = () => {
    if (!released) {
      try {
        rmSync(file, { force: true });
      } catch {
        /* the next build takes over a stale lock anyway */
      }
    }
  };
  process.on('exit', releaseSync);
  return release;
}

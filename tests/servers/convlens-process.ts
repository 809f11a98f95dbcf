/** The convlens CLI as a separate process (as CI machines run it), its output captured. */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/convlens.js', import.meta.url));

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** stdout and stderr interleaved as they arrived. */
  out: string;
}

export interface Running {
  child: ChildProcess;
  /** Resolves once `pattern` has appeared in the output. */
  waitFor(pattern: RegExp): Promise<void>;
  done: Promise<Finished>;
}

export function startConvlens(args: string[], env: Record<string, string | undefined> = {}): Running {
  // A clean environment: no CONVLENS_* or CI values leak in from the machine running the tests.
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('CONVLENS_') && k !== 'JOB_COMPLETION_INDEX'));
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...base, CI: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const waiters: { pattern: RegExp; resolve: () => void }[] = [];
  const collect = (chunk: Buffer) => {
    out += chunk.toString();
    for (const w of [...waiters]) if (w.pattern.test(out)) (waiters.splice(waiters.indexOf(w), 1), w.resolve());
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const done = new Promise<Finished>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, out })));
  return {
    child,
    done,
    waitFor: (pattern) =>
      new Promise<void>((resolve, reject) => {
        if (pattern.test(out)) return resolve();
        waiters.push({ pattern, resolve });
        void done.then(() => reject(new Error(`convlens ended before printing ${pattern}:\n${out}`)));
      }),
  };
}

export const convlens = (args: string[], env: Record<string, string | undefined> = {}): Promise<Finished> => startConvlens(args, env).done;

/** Every file under `dir`, relative path → bytes. */
export async function filesUnder(dir: string): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  const walk = async (d: string): Promise<void> => {
    for (const entry of await readdir(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) await walk(path);
      else files.set(relative(dir, path), await readFile(path));
    }
  };
  await walk(dir);
  return files;
}

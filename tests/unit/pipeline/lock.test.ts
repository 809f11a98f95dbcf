/**
 * The cache lock: exclusive, waited for, taken over from a build that died, and released.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lockCache } from '../../../src/pipeline/lock.ts';
import { UserError } from '../../../src/lib/errors.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'convlens-lock-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A clock that advances by each sleep, so waiting is instant and exact. */
function fakeTime() {
  let now = 0;
  return { clock: { now: () => now }, sleep: async (ms: number) => void (now += ms) };
}

describe('lockCache', () => {
  it('writes the owner, and releasing removes the lock', async () => {
    const t = fakeTime();
    const release = await lockCache({ cacheDir: dir, ...t, onWait: () => {} });
    expect(JSON.parse(await readFile(join(dir, 'lock'), 'utf8'))).toEqual({ pid: process.pid, host: hostname() });
    await release();
    expect(existsSync(join(dir, 'lock'))).toBe(false);
  });

  it('waits for a live owner, says so once, and gives up after the timeout with what to do', async () => {
    await writeFile(join(dir, 'lock'), JSON.stringify({ pid: 4242, host: hostname() }));
    const t = fakeTime();
    const told: number[] = [];
    const error = await lockCache({ cacheDir: dir, ...t, alive: () => true, onWait: (o) => told.push(o.pid), timeoutMs: 120_000, pollMs: 1000 }).catch((e: unknown) => e);
    expect(told).toEqual([4242]);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toBe(
      `Another convlens build (pid 4242 on ${hostname()}) is still using the cache ${dir} after 2 minutes. Wait for it to finish, or if no build is running, delete ${join(dir, 'lock')} and run again.`,
    );
  });

  it('gets the lock as soon as the other build releases it', async () => {
    await writeFile(join(dir, 'lock'), JSON.stringify({ pid: 4242, host: hostname() }));
    const t = fakeTime();
    let polls = 0;
    const release = await lockCache({
      cacheDir: dir,
      clock: t.clock,
      sleep: async (ms) => {
        await t.sleep(ms);
        if (++polls === 3) await rm(join(dir, 'lock'));
      },
      alive: () => true,
      onWait: () => {},
    });
    expect(polls).toBe(3);
    await release();
  });

  it('takes over a lock whose owner died (SIGKILL leaves it behind) or that has no readable owner', async () => {
    await writeFile(join(dir, 'lock'), JSON.stringify({ pid: 4242, host: hostname() }));
    const waits: unknown[] = [];
    const release = await lockCache({ cacheDir: dir, ...fakeTime(), alive: (pid) => pid !== 4242, onWait: (o) => waits.push(o) });
    expect(waits).toEqual([]);
    await release();
    await writeFile(join(dir, 'lock'), '');
    await (await lockCache({ cacheDir: dir, ...fakeTime(), onWait: (o) => waits.push(o) }))();
    expect(waits).toEqual([]);
  });
});

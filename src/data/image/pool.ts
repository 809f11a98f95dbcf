/**
 * A bounded pool: at most `limit` tasks in flight. sharp runs each call on libuv's thread pool, so
 * unbounded `Promise.all` over ten thousand files would hold ten thousand file buffers in memory at
 * once for no extra speed; a handful in flight keeps every core busy.
 */

/**
 * Runs `task(i)` for i = 0..n-1, at most `limit` at a time, started in index order. After the first
 * failure no new task starts; once the running ones settle, the failure with the LOWEST index is
 * thrown. Every index below it had already started and succeeded, so the error reported is the
 * one a sequential loop would have hit first, whatever the timing.
 */
export async function forEachPooled(n: number, limit: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const state: { failure?: { index: number; error: unknown } } = {};
  const record = (index: number, error: unknown) => {
    if (state.failure === undefined || index < state.failure.index) state.failure = { index, error };
  };
  const worker = async () => {
    while (state.failure === undefined && next < n) {
      const i = next++;
      try {
        await task(i);
      } catch (error) {
        record(i, error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, n)) }, worker));
  if (state.failure) throw state.failure.error;
}

/** Default pool size: a few tasks per core, enough to overlap file reads with sharp's decoding. */
export function defaultConcurrency(cores: number): number {
  return Math.max(2, Math.min(16, cores * 2));
}

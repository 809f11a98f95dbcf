/**
 * Tests that need an optional tool (e.g. the exact clang for the wasm rebuild) and cannot run
 * without it: they are skipped with the reason in the test's meta, where scripts/test.js finds
 * them in Vitest's JSON report and lists them as not run, never as passed.
 */
import type { TestContext } from 'vitest';

declare module 'vitest' {
  interface TaskMeta {
    /** Why this test did not run (set by `notRun`). */
    notRun?: string;
  }
}

/** Skip the running test, recording why it could not run. */
export function notRun(ctx: TestContext, reason: string): never {
  ctx.task.meta.notRun = reason;
  return ctx.skip(reason);
}

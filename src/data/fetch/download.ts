/**
 * A resumable HTTP download into a partial file.
 *
 *   partial file has n bytes ──▶ GET with `Range: bytes=n-`
 *       206, Content-Range from n   append the rest
 *       200 (Range ignored)         notice, truncate, write the whole body
 *       416, or 206 from elsewhere  the partial is stale: delete it, start over once
 *   the body is streamed to disk chunk by chunk, with progress; a stalled connection is aborted
 *   after `idleTimeoutMs` without data
 *
 * A broken transfer leaves the partial file in place, so the next run resumes it. Verifying the
 * result (size, checksum) is the caller's job: this module only moves bytes. Errors are UserErrors
 * whose messages say what to do.
 */
import { open, stat, unlink } from 'node:fs/promises';
import { UserError } from '../../lib/errors.ts';
import { diskError, httpStatus, networkFailure, rangeIgnored, transferInterrupted } from '../messages.ts';
import type { Progress } from './progress.ts';

/** What a download needs; `fetch` is injectable (default: the global one). */
export interface DownloadOptions {
  url: string;
  /** The partial file, appended to across runs. */
  partFile: string;
  /** Expected total size in bytes (for progress and to detect an over-long partial). */
  size: number;
  progress?: Progress;
  /** One-line notices (the server ignored Range, …). */
  notice?: (text: string) => void;
  /** Abort when no data arrives for this long (default 60 s). */
  idleTimeoutMs?: number;
  fetch?: typeof fetch;
}

function describe(error: unknown): string {
  const e = error as { message?: string; code?: string; cause?: { code?: string; message?: string } };
  return e.cause?.code ?? e.code ?? e.cause?.message ?? e.message ?? String(error);
}

async function sizeOf(path: string): Promise<number> {
  return (await stat(path).catch(() => undefined))?.size ?? 0;
}

/** The start offset a 206 response claims ("bytes 100-199/200" → 100), or undefined. */
export function contentRangeStart(header: string | null): number | undefined {
  const m = /^bytes (\d+)-\d+\/(?:\d+|\*)$/.exec(header?.trim() ?? '');
  return m ? Number(m[1]) : undefined;
}

/** Downloads `url` into `partFile`, resuming what is there; resolves when the body is complete. */
export async function downloadResumable(options: DownloadOptions): Promise<{ bytes: number; resumedFrom: number }> {
  const { url, partFile, size } = options;
  const doFetch = options.fetch ?? fetch;
  const idle = options.idleTimeoutMs ?? 60_000;
  let have = await sizeOf(partFile);
  if (have > size) {
    await unlink(partFile).catch(() => {});
    have = 0;
  }
  if (have === size) return { bytes: have, resumedFrom: have };

  for (let attempt = 0; ; attempt++) {
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => controller.abort(new Error(`no data for ${idle / 1000} s`)), idle);
    };
    arm();
    let response: Response;
    try {
      response = await doFetch(url, { headers: have > 0 ? { range: `bytes=${have}-` } : {}, signal: controller.signal });
    } catch (error) {
      clearTimeout(timer);
      throw new UserError(networkFailure(url, describe(error)));
    }
    if (response.status === 416 && have > 0 && attempt === 0) {
      clearTimeout(timer);
      await response.body?.cancel();
      await unlink(partFile).catch(() => {});
      have = 0;
      continue;
    }
    if (response.status !== 200 && response.status !== 206) {
      clearTimeout(timer);
      await response.body?.cancel();
      throw new UserError(httpStatus(url, response.status));
    }
    if (response.status === 206 && contentRangeStart(response.headers.get('content-range')) !== have) {
      // A range we did not ask for: appending it would corrupt the file. Start over, once.
      clearTimeout(timer);
      await response.body?.cancel();
      if (attempt > 0) throw new UserError(httpStatus(url, response.status));
      await unlink(partFile).catch(() => {});
      have = 0;
      continue;
    }
    if (have > 0 && response.status === 200) {
      options.notice?.(rangeIgnored(have));
      have = 0;
    }
    const resumedFrom = have;
    let handle;
    try {
      handle = await open(partFile, have === 0 ? 'w' : 'a');
    } catch (error) {
      clearTimeout(timer);
      await response.body?.cancel();
      throw new UserError(diskError(partFile, describe(error)));
    }
    let done = have;
    try {
      const reader = response.body?.getReader();
      for (;;) {
        const next = reader ? await reader.read() : { done: true as const, value: undefined };
        if (next.done) break;
        const chunk = next.value;
        arm();
        try {
          await handle.write(chunk);
        } catch (error) {
          throw new UserError(diskError(partFile, describe(error)));
        }
        done += chunk.length;
        options.progress?.update(done, done - resumedFrom);
      }
    } catch (error) {
      if (error instanceof UserError) throw error;
      throw new UserError(transferInterrupted(url, done, size, describe(controller.signal.aborted ? controller.signal.reason : error)));
    } finally {
      clearTimeout(timer);
      await handle.close().catch(() => {});
    }
    options.progress?.finish(done, done - resumedFrom);
    // A body that ended cleanly is what the server has; whether it is the right size is the caller's check.
    return { bytes: done, resumedFrom };
  }
}

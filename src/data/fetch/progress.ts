/**
 * Download progress for people: on a terminal one line rewritten in place (bytes, percentage,
 * rate), at most ten times a second; elsewhere (CI logs, pipes) a plain line every 10%, so a log
 * stays readable. Time comes from the injected clock, never from Date.now.
 */
import type { Clock } from '../../lib/clock.ts';

/** Bytes in binary units with one decimal ("162.2 MiB"). */
export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${n} B` : `${v.toFixed(1)} ${units[u]}`;
}

/** "12.0 MiB / 162.2 MiB (7%) at 3.1 MiB/s"; the rate is omitted until one is known. */
export function progressLine(done: number, total: number, bytesPerSecond: number | undefined): string {
  const percent = total > 0 ? Math.floor((done / total) * 100) : 0;
  const rate = bytesPerSecond !== undefined && Number.isFinite(bytesPerSecond) ? ` at ${formatBytes(Math.round(bytesPerSecond))}/s` : '';
  return `${formatBytes(done)} / ${formatBytes(total)} (${percent}%)${rate}`;
}

/** Receives byte counts as they arrive. */
export interface Progress {
  /** `done` bytes of the file are on disk; `fresh` of them arrived in this run (the rate is over those). */
  update(done: number, fresh: number): void;
  /** The last line (ends the rewritten terminal line). */
  finish(done: number, fresh: number): void;
}

/** A Progress writing to `write`: rewritten line on a TTY, a line per 10% otherwise. */
export function createProgress(options: { total: number; tty: boolean; write: (text: string) => void; clock: Clock; label: string }): Progress {
  const { total, tty, write, clock, label } = options;
  const started = clock.now();
  let lastDraw = -Infinity;
  let lastDecile = -1;
  const rate = (fresh: number) => {
    const seconds = (clock.now() - started) / 1000;
    return seconds > 0 ? fresh / seconds : undefined;
  };
  const line = (done: number, fresh: number) => `${label} ${progressLine(done, total, rate(fresh))}`;
  return {
    update(done, fresh) {
      if (tty) {
        if (clock.now() - lastDraw < 100) return;
        lastDraw = clock.now();
        write(`\r${line(done, fresh)}\x1b[K`);
        return;
      }
      const decile = total > 0 ? Math.floor((done / total) * 10) : 0;
      if (decile > lastDecile) {
        lastDecile = decile;
        write(`${line(done, fresh)}\n`);
      }
    },
    finish(done, fresh) {
      if (tty) write(`\r${line(done, fresh)}\x1b[K\n`);
      else if (lastDecile < 10) write(`${line(done, fresh)}\n`);
    },
  };
}

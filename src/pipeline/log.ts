/**
 * The build log: status labels, warnings, and training progress.
 *
 * Four modes: `tty` redraws one progress line in place; `plain` (CI, pipes) prints an
 * epoch line plus a heartbeat at most every 30 s; `json` prints one JSON object per line for
 * machines; `quiet` prints only warnings and errors. All output goes through the injected
 * writers, so tests capture it.
 */
import type { Clock } from '../lib/clock.ts';
import type { TrainProgress } from '../engine/train.ts';

export type LogMode = 'tty' | 'plain' | 'json' | 'quiet';
/** How an experiment's run ended in this build. */
export type RunStatus = 'fresh' | 'cached' | 'failed';

export interface Log {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  /** One line per experiment: `[fresh] id  detail`. */
  status(id: string, status: RunStatus, detail: string): void;
  progress(id: string, p: TrainProgress): void;
}

export interface LogOptions {
  mode: LogMode;
  out: (text: string) => void;
  err: (text: string) => void;
  clock: Clock;
}

/** Seconds as `1h02m`, `3m12s` or `42s`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.max(0, Math.round(seconds));
  if (s >= 3600) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${s}s`;
}

const fixed = (v: number | null, digits = 4) => (v == null ? '—' : v.toFixed(digits));

function batchLine(id: string, p: TrainProgress): string {
  return `${id}  epoch ${p.epoch}/${p.epochs}  batch ${p.batch}/${p.batches}  loss ${fixed(p.loss)}  ${Math.round(p.imagesPerSecond)} img/s  ETA ${formatDuration(p.etaSeconds)}`;
}

function epochLine(id: string, p: TrainProgress): string {
  const r = p.row!;
  return `${id}  epoch ${r.epoch}/${p.epochs}  loss ${fixed(r.loss)}  accuracy ${fixed(r.accuracy)}  val_loss ${fixed(r.val_loss)}  val_accuracy ${fixed(r.val_accuracy)}  ${Math.round(p.imagesPerSecond)} img/s  ETA ${formatDuration(p.etaSeconds)}`;
}

/** Create a log writing through `out`/`err`. */
export function createLog(options: LogOptions): Log {
  const { mode, out, err, clock } = options;
  let lastDraw = -Infinity;
  let lastHeartbeat = clock.now();
  let lineOpen = false;
  const closeLine = () => {
    if (lineOpen) {
      out('\r\x1b[2K');
      lineOpen = false;
    }
  };
  const json = (record: Record<string, unknown>) => out(`${JSON.stringify(record)}\n`);

  return {
    info(message) {
      if (mode === 'json') json({ level: 'info', message });
      else if (mode !== 'quiet') {
        closeLine();
        out(`${message}\n`);
      }
    },
    warn(message) {
      if (mode === 'json') json({ level: 'warn', message });
      else {
        closeLine();
        err(`warning: ${message}\n`);
      }
    },
    error(message) {
      if (mode === 'json') json({ level: 'error', message });
      else {
        closeLine();
        err(`${message}\n`);
      }
    },
    status(id, status, detail) {
      if (mode === 'json') json({ level: 'info', experiment: id, status, detail });
      else if (mode !== 'quiet' || status === 'failed') {
        closeLine();
        (status === 'failed' ? err : out)(`[${status}] ${id}  ${detail}\n`);
      }
    },
    progress(id, p) {
      const now = clock.now();
      if (mode === 'json') {
        if (p.row) json({ level: 'info', experiment: id, event: 'epoch', ...p.row, imagesPerSecond: p.imagesPerSecond });
      } else if (mode === 'tty') {
        if (p.row) {
          closeLine();
          out(`${epochLine(id, p)}\n`);
        } else if (now - lastDraw > 100) {
          out(`\r\x1b[2K${batchLine(id, p)}`);
          lineOpen = true;
          lastDraw = now;
        }
      } else if (mode === 'plain') {
        if (p.row) {
          out(`${epochLine(id, p)}\n`);
          lastHeartbeat = now;
        } else if (now - lastHeartbeat > 30_000) {
          out(`${batchLine(id, p)}\n`);
          lastHeartbeat = now;
        }
      }
    },
  };
}

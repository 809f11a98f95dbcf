import { describe, expect, it } from 'vitest';
import { createLog, formatDuration, type LogMode } from '../../../src/pipeline/log.ts';
import type { TrainProgress } from '../../../src/engine/train.ts';

function capture(mode: LogMode, times: number[] = [0]) {
  const out: string[] = [];
  const err: string[] = [];
  let i = 0;
  const log = createLog({ mode, out: (t) => out.push(t), err: (t) => err.push(t), clock: { now: () => times[Math.min(i++, times.length - 1)]! } });
  return { log, out, err };
}

const batch: TrainProgress = { epoch: 1, epochs: 2, batch: 10, batches: 100, loss: 0.5, imagesPerSecond: 1234.4, etaSeconds: 125 };
const end: TrainProgress = {
  ...batch,
  batch: 100,
  row: { epoch: 1, loss: 0.41234, accuracy: 0.85, val_loss: 0.39, val_accuracy: 0.86, lr: 0.001 },
};

describe('log', () => {
  it('formats durations', () => {
    expect(formatDuration(42)).toBe('42s');
    expect(formatDuration(192)).toBe('3m12s');
    expect(formatDuration(3720)).toBe('1h02m');
    expect(formatDuration(Number.POSITIVE_INFINITY)).toBe('?');
  });

  it('plain mode prints one line per epoch and no per-batch redraws', () => {
    const { log, out } = capture('plain');
    log.progress('exp', batch);
    log.progress('exp', end);
    expect(out).toEqual(['exp  epoch 1/2  loss 0.4123  accuracy 0.8500  val_loss 0.3900  val_accuracy 0.8600  1234 img/s  ETA 2m05s\n']);
  });

  it('plain mode prints a heartbeat batch line after 30 s without output', () => {
    const { log, out } = capture('plain', [0, 31_000]);
    log.progress('exp', batch);
    expect(out).toEqual(['exp  epoch 1/2  batch 10/100  loss 0.5000  1234 img/s  ETA 2m05s\n']);
  });

  it('tty mode redraws one line in place, then ends it at the epoch', () => {
    const { log, out } = capture('tty', [1000, 2000]);
    log.progress('exp', batch);
    log.progress('exp', end);
    expect(out[0]).toBe('\r\x1b[2Kexp  epoch 1/2  batch 10/100  loss 0.5000  1234 img/s  ETA 2m05s');
    expect(out[1]).toBe('\r\x1b[2K');
    expect(out[2]).toMatch(/^exp {2}epoch 1\/2 {2}loss 0\.4123/);
  });

  it('json mode emits one object per line; status labels name the experiment', () => {
    const { log, out } = capture('json');
    log.status('a', 'cached', 'test accuracy 0.9');
    expect(JSON.parse(out[0]!)).toEqual({ level: 'info', experiment: 'a', status: 'cached', detail: 'test accuracy 0.9' });
  });

  it('failed status goes to stderr even in quiet mode', () => {
    const { log, out, err } = capture('quiet');
    log.status('a', 'fresh', 'ok');
    log.status('b', 'failed', 'boom');
    expect(out).toEqual([]);
    expect(err).toEqual(['[failed] b  boom\n']);
  });
});

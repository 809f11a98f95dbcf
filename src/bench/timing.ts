/**
 * The one timing rule every bench figure follows: one untimed warm-up run, then the fastest of
 * `reps` timed runs (the least disturbed by the rest of the machine).
 */
import type { Clock } from '../lib/clock.ts';

/** Milliseconds of the fastest of `reps` timed runs of `pass`, after one untimed warm-up. */
export async function bestTime(clock: Clock, reps: number, pass: () => Promise<unknown>): Promise<number> {
  await pass();
  let best = Infinity;
  for (let r = 0; r < reps; r++) {
    const t0 = clock.now();
    await pass();
    best = Math.min(best, clock.now() - t0);
  }
  return best;
}

/** `bestTime` for synchronous work. */
export function bestTimeSync(clock: Clock, reps: number, pass: () => void): number {
  pass();
  let best = Infinity;
  for (let r = 0; r < reps; r++) {
    const t0 = clock.now();
    pass();
    best = Math.min(best, clock.now() - t0);
  }
  return best;
}

/** Images per second of `images` done in `ms`, to one decimal. */
export function perSecond(images: number, ms: number): number {
  return Math.round((images / (ms / 1000)) * 10) / 10;
}

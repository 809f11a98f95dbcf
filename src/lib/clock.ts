/**
 * The one home of wall-clock time in convlens. Time only ever feeds timings and progress,
 * never cache keys or published numbers other than the timings themselves.
 */

/** Milliseconds since an arbitrary origin; injected so tests can script it. */
export interface Clock {
  now(): number;
}

/** The real clock (monotonic). */
export const systemClock: Clock = { now: () => performance.now() };

/** The calendar date-time now, ISO 8601 UTC: when a model was trained, shown on the report only. */
export function isoNow(): string {
  return new Date().toISOString();
}

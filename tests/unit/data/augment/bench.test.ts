/**
 * bench/augment.ts's arithmetic with a scripted clock (nothing is timed): images per pass over
 * the best pass's duration, for each benchmark shape.
 */
import { describe, expect, it } from 'vitest';
import { AUGMENT_BENCH_SHAPES, BOOK_AUGMENT, measureAugment } from '../../../../src/bench/augment.ts';

describe('measureAugment', () => {
  it('reports images per second of the fastest pass for both shapes', () => {
    // Each pass reads the clock twice; passes take 50, 20 and 40 scripted ms.
    const durations = [50, 20, 40];
    let t = 0;
    let reads = 0;
    const clock = {
      now: () => {
        const pass = Math.floor(reads / 2) % 3;
        if (reads++ % 2 === 1) t += durations[pass]!;
        return t;
      },
    };
    const rates = measureAugment({ clock, images: 128, reps: 3 });
    expect(Object.keys(rates)).toEqual(Object.keys(AUGMENT_BENCH_SHAPES));
    // 128 images in the best pass of 20 ms: 6,400 images/s.
    for (const rate of Object.values(rates)) expect(rate).toBe(6400);
  });

  it('defaults to the book chapter settings (Keras degrees for shear, fill nearest)', () => {
    expect(BOOK_AUGMENT).toMatchObject({ rotation: 15, widthShift: 0.1, heightShift: 0.1, horizontalFlip: true, zoom: [0.9, 1.1], shear: 0.1, channelShift: 0.1, fill: 'nearest' });
  });
});

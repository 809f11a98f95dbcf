import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { measureDecode } from '../../../src/bench/decode.ts';
import { type ImageCodec, sharpCodec } from '../../../src/data/image/codec.ts';

describe('measureDecode', () => {
  it('decodes every file of each format once per pass (warm-up + 3) and turns the best pass into images/s', async () => {
    // Scripted clock: each pass "takes" 400, 250, 500 ms in turn; the best is 250 ms → 6 images / 0.25 s = 24/s.
    const durations = [400, 250, 500];
    let t = 0;
    let reads = 0;
    const clock = { now: () => (reads++ % 2 === 0 ? t : (t += durations[((reads >> 1) - 1) % 3]!)) };
    const decoded: string[] = [];
    const codec: ImageCodec = {
      ...sharpCodec,
      decode: async (...args) => {
        const out = await sharpCodec.decode(...args);
        decoded.push(args[1].format);
        return out;
      },
    };
    const before = (await readdir(tmpdir())).filter((n) => n.startsWith('convlens-bench-decode-')).length;
    const report = await measureDecode({ clock, images: 6, source: [30, 40], size: [16, 16], channels: 1, concurrency: 2, codec });
    expect(report).toEqual({ jpeg_img_s: 24, png_img_s: 24, images: 6, source: [30, 40], target: [16, 16, 1], concurrency: 2 });
    expect(decoded.filter((f) => f === 'jpeg')).toHaveLength(6 * 4);
    expect(decoded.filter((f) => f === 'png')).toHaveLength(6 * 4);
    expect((await readdir(tmpdir())).filter((n) => n.startsWith('convlens-bench-decode-')).length).toBe(before); // files removed
  });
});

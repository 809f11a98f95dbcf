/**
 * Per-channel standardization: statistics against hand-computed means and population standard
 * deviations, the transform against hand values, and the defining property (the training split
 * comes out with mean 0 and standard deviation 1 per channel).
 */
import { describe, expect, it } from 'vitest';
import { channelStats, inputNormalization, standardize } from '../../../src/data/normalize.ts';
import { rescale } from '../../../src/data/preprocess.ts';
import { mulberry32 } from '../../../src/lib/rng.ts';

describe('channelStats', () => {
  it('two channels by hand: bytes 0, 51, 102, 255 and a constant 51', () => {
    // Channel 0 is x = 0, 0.2, 0.4, 1: mean 0.4, squared deviations 0.16 + 0.04 + 0 + 0.36 = 0.56,
    // population variance 0.56 / 4 = 0.14. Channel 1 is 0.2 throughout: std 0.
    const stats = channelStats(Uint8Array.from([0, 51, 51, 51, 102, 51, 255, 51]), 2);
    expect(stats.count).toBe(4);
    expect(stats.mean[0]).toBeCloseTo(0.4, 15);
    expect(stats.std[0]).toBeCloseTo(Math.sqrt(0.14), 15);
    expect(stats.mean[1]).toBeCloseTo(0.2, 15);
    expect(stats.std[1]).toBe(0);
  });

  it('three channels over two images, population (÷N) not sample (÷N−1) deviation', () => {
    // 2 images × 2 pixels. Channel 0: all 255. Channel 1: 0, 255, 0, 255 → mean 0.5, std 0.5
    // (the sample deviation would be 0.577). Channel 2: 255, 0, 0, 0 → mean 0.25,
    // variance (0.75² + 3 · 0.25²) / 4 = 0.1875.
    const pixels = Uint8Array.from([255, 0, 255, 255, 255, 0, 255, 0, 0, 255, 255, 0]);
    const stats = channelStats(pixels, 3);
    expect([...stats.mean]).toEqual([1, 0.5, 0.25]);
    expect(stats.std[0]).toBe(0);
    expect(stats.std[1]).toBe(0.5);
    expect(stats.std[2]).toBeCloseTo(Math.sqrt(0.1875), 15);
  });

  it('agrees with a direct two-pass float64 computation on 30,000 random pixels', () => {
    const random = mulberry32(4);
    const pixels = Uint8Array.from({ length: 30_000 * 3 }, () => Math.floor(random() * 256));
    const stats = channelStats(pixels, 3);
    for (let c = 0; c < 3; c++) {
      let sum = 0;
      for (let i = c; i < pixels.length; i += 3) sum += pixels[i]! / 255;
      const mean = sum / 30_000;
      let sq = 0;
      for (let i = c; i < pixels.length; i += 3) sq += (pixels[i]! / 255 - mean) ** 2;
      expect(stats.mean[c]).toBeCloseTo(mean, 12);
      expect(stats.std[c]).toBeCloseTo(Math.sqrt(sq / 30_000), 12);
    }
  });

  it('rejects partial pixels and empty splits', () => {
    expect(() => channelStats(new Uint8Array(5), 3)).toThrow(RangeError);
    expect(() => channelStats(new Uint8Array(0), 3)).toThrow(RangeError);
    expect(() => channelStats(new Uint8Array(3), 0)).toThrow(RangeError);
  });
});

describe('standardize', () => {
  const stats = channelStats(Uint8Array.from([0, 51, 51, 51, 102, 51, 255, 51]), 2);

  it('computes (x − mean_c) / std_c per channel, in place (float32 precision, 1e-6)', () => {
    const batch = Float32Array.from([0.4, 0.2, 1, 0.5, 0.2, 0]);
    const s = Math.sqrt(0.14);
    expect(standardize(batch, stats)).toBe(batch);
    const expected = [0, 0, 0.6 / s, 0.3, -0.2 / s, -0.2];
    for (let i = 0; i < 6; i++) expect(batch[i]).toBeCloseTo(expected[i]!, 6);
  });

  it('only centres a channel whose std is 0: finite values, no NaN or Infinity', () => {
    const batch = Float32Array.from([0.4, 0.2, 0.4, 0.9, 0.4, 0]);
    standardize(batch, stats);
    expect(batch.every(Number.isFinite)).toBe(true);
    expect([batch[1], batch[3], batch[5]].map((v) => Number(v!.toFixed(6)))).toEqual([0, 0.7, -0.2]);
  });

  it('leaves values past `length` alone and wants whole pixels', () => {
    const batch = Float32Array.from([0.4, 0.2, 0.7, 0.7]);
    standardize(batch, stats, 2);
    expect([batch[2], batch[3]]).toEqual([Math.fround(0.7), Math.fround(0.7)]);
    expect(() => standardize(batch, stats, 3)).toThrow(RangeError);
    expect(() => standardize(batch, stats, 6)).toThrow(RangeError);
  });

  it('turns the training split itself into mean 0, std 1 per channel', () => {
    const random = mulberry32(8);
    // Channels with different spreads: full range, a narrow band, and a skewed one.
    const pixels = Uint8Array.from({ length: 5_000 * 3 }, (_, i) =>
      i % 3 === 0 ? Math.floor(random() * 256) : i % 3 === 1 ? 100 + Math.floor(random() * 20) : Math.floor(255 * random() ** 3),
    );
    const stats2 = channelStats(pixels, 3);
    const batch = standardize(rescale(pixels), stats2);
    for (let c = 0; c < 3; c++) {
      let sum = 0;
      let sq = 0;
      for (let i = c; i < batch.length; i += 3) sum += batch[i]!;
      const mean = sum / 5_000;
      for (let i = c; i < batch.length; i += 3) sq += (batch[i]! - mean) ** 2;
      expect(Math.abs(mean)).toBeLessThan(1e-5);
      expect(Math.sqrt(sq / 5_000)).toBeCloseTo(1, 5);
    }
  });
});

describe('inputNormalization: every data.normalize form as (x/255 − mean)/std', () => {
  const bytes = Uint8Array.from([0, 1, 2, 127, 128, 200, 254, 255]);
  /** What the engine feeds the model for `bytes` (channel 0 of a 1-channel image). */
  const fed = (n: Parameters<typeof inputNormalization>[0]) => {
    const stats = inputNormalization(n, 1, () => channelStats(bytes, 1));
    const x = rescale(bytes);
    return stats ? Array.from(standardize(x, stats)) : Array.from(x);
  };
  const f32 = (values: number[]) => Array.from(Float32Array.from(values));

  it('rescale is x/255 with nothing after it', () => {
    expect(inputNormalization('rescale', 3, () => channelStats(bytes, 1))).toBeUndefined();
  });

  it('none gives the raw bytes back (within float32 rounding)', () => {
    fed('none').forEach((v, i) => expect(Math.abs(v - bytes[i]!)).toBeLessThanOrEqual(bytes[i]! * 2 ** -23));
  });

  it('{ scale, offset } is x·scale + offset (MobileNet: x/127.5 − 1)', () => {
    const expected = f32([...bytes].map((x) => x / 127.5 - 1));
    fed({ scale: 1 / 127.5, offset: -1 }).forEach((v, i) => expect(Math.abs(v - expected[i]!)).toBeLessThanOrEqual(2e-7));
  });

  it('{ mean, std } is x/255 then per channel with these constants; one value serves every channel', () => {
    expect(inputNormalization({ mean: [0.5], std: [0.25] }, 3, () => channelStats(bytes, 1))).toEqual({ mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25] });
    const expected = f32([...bytes].map((x) => (Math.fround(x / 255) - 0.2860) / 0.353));
    expect(fed({ mean: [0.286], std: [0.353] })).toEqual(expected);
  });

  it('standardize uses the training statistics', () => {
    const stats = channelStats(bytes, 1);
    expect(inputNormalization('standardize', 1, () => stats)).toEqual({ mean: [...stats.mean], std: [...stats.std] });
  });
});

/**
 * Max-sensitivity: for an explanation linear in x the change is the map of δ alone, so the ratio
 * is ‖Φ(δ)‖ / ‖Φ(x)‖ with δ drawn here from the image's stream (float64); the noise stays in
 * ±radius · scale per channel; batching and ids never change a result; an all-zero map has no
 * ratio; a real method (saliency) through the callback leaks no tensors.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { imageBatch, rescaleSpace, standardizeSpace, type ImageBatch } from '../../../../src/analysis/explain/images.ts';
import { streamFor } from '../../../../src/analysis/explain/random.ts';
import { saliency } from '../../../../src/analysis/explain/saliency.ts';
import { maxSensitivity } from '../../../../src/analysis/explain/sensitivity.ts';
import { leaked, randomImages, sub, twoObjectImage, twoObjectModel, useCpu } from './helpers.ts';

beforeAll(useCpu);

const A = [0.7, -1.3];
/** Φ(x)_p = Σ_c A_c x_pc: linear in x. */
const linear = (batch: ImageBatch) =>
  Array.from({ length: batch.count }, (_, i) => Float32Array.from({ length: batch.shape[0] * batch.shape[1] }, (_, p) => A.reduce((s, a, c) => s + a * batch.data[(i * batch.shape[0] * batch.shape[1] + p) * 2 + c]!, 0)));

describe('maxSensitivity', () => {
  const images = randomImages(3, [5, 4, 2], 2);
  const maps = linear(images);
  const space = standardizeSpace([0.5, 0.4], [0.25, 0.5]);

  it('a linear explanation gives max ‖Φ(δ)‖ / ‖Φ(x)‖ over the samples, δ uniform in ±radius · scale', () => {
    const ids = [7, 8, 9];
    const result = maxSensitivity(images, maps, (b) => linear(b), { samples: 6, radius: 0.05, space, seed: 4, ids });
    const r = [0.05 / 0.25, 0.05 / 0.5];
    for (let i = 0; i < 3; i++) {
      const random = streamFor(4, 'sensitivity', ids[i]!);
      const norm = Math.hypot(...maps[i]!);
      let best = -Infinity;
      for (let s = 0; s < 6; s++) {
        const delta = Float64Array.from({ length: 40 }, (_, j) => r[j % 2]! * (2 * random() - 1));
        const change = Array.from({ length: 20 }, (_, p) => A[0]! * delta[p * 2]! + A[1]! * delta[p * 2 + 1]!);
        const ratio = Math.hypot(...change) / norm;
        expect(result.ratios[i]![s]).toBeCloseTo(ratio, 5);
        best = Math.max(best, ratio);
      }
      expect(result.perImage[i]).toBeCloseTo(best, 5);
    }
    expect(result.mean).toBeCloseTo((result.perImage[0]! + result.perImage[1]! + result.perImage[2]!) / 3, 6);
    expect([result.samples, result.radius]).toEqual([6, 0.05]);
  });

  it('perturbs every value within ±radius · scale_c of the image, the same batch order, once per sample', () => {
    const seen: number[] = [];
    const lo = [Infinity, Infinity];
    const hi = [-Infinity, -Infinity];
    maxSensitivity(images, maps, (b, sample) => {
      seen.push(sample);
      expect(b.count).toBe(3);
      b.data.forEach((v, j) => {
        const d = v - images.data[j]!;
        lo[j % 2] = Math.min(lo[j % 2]!, d);
        hi[j % 2] = Math.max(hi[j % 2]!, d);
      });
      return linear(b);
    }, { samples: 40, radius: 0.1, space, seed: 1 });
    expect(seen).toEqual(Array.from({ length: 40 }, (_, s) => s));
    for (const [c, r] of [[0, 0.4], [1, 0.2]] as const) {
      expect(lo[c]).toBeGreaterThanOrEqual(-r - 1e-6);
      expect(hi[c]).toBeLessThanOrEqual(r + 1e-6);
      expect(lo[c]).toBeLessThan(-0.95 * r);
      expect(hi[c]).toBeGreaterThan(0.95 * r);
    }
  });

  it('batching and ids never change a result; another seed does', () => {
    const options = { samples: 5, radius: 0.02, space: rescaleSpace(2), seed: 3, ids: [11, 12, 13] };
    const all = maxSensitivity(images, maps, linear, options);
    for (let i = 0; i < 3; i++) {
      const one = maxSensitivity(sub(images, i), [maps[i]!], linear, { ...options, ids: [11 + i] });
      expect(one.perImage[0]).toBe(all.perImage[i]);
    }
    expect(maxSensitivity(images, maps, linear, { ...options, seed: 4 }).perImage[0]).not.toBe(all.perImage[0]);
  });

  it('has no ratio for an all-zero map (left out of the mean) and checks its inputs', () => {
    const zero = [new Float32Array(20), maps[1]!, maps[2]!];
    const result = maxSensitivity(images, zero, linear, { samples: 2, radius: 0.02, space: rescaleSpace(2), seed: 1 });
    expect(result.perImage[0]).toBeNaN();
    expect(result.mean).toBeCloseTo((result.perImage[1]! + result.perImage[2]!) / 2, 6);
    expect(() => maxSensitivity(images, maps.slice(1), linear, { samples: 2, radius: 0.02, space: rescaleSpace(2), seed: 1 })).toThrow(/one 5×4 map per image/);
    expect(() => maxSensitivity(images, maps, (b) => linear(b).slice(1), { samples: 2, radius: 0.02, space: rescaleSpace(2), seed: 1 })).toThrow(/returned 2 maps for 3/);
    expect(() => maxSensitivity(images, maps, linear, { samples: 0, radius: 0.02, space: rescaleSpace(2), seed: 1 })).toThrow(/at least 1/);
  });

  it('re-runs a real method through the callback without leaking tensors', () => {
    const model = twoObjectModel();
    const image = twoObjectImage();
    const batch = imageBatch(Float32Array.from([...image.data, ...image.data.map((v) => 1 - v)]), [8, 8, 2]);
    const targets = [0, 1];
    const reference = saliency(model, batch, targets);
    let result: ReturnType<typeof maxSensitivity> | undefined;
    expect(leaked(() => (result = maxSensitivity(batch, reference.maps, (b) => saliency(model, b, targets), { samples: 3, radius: 0.02, space: rescaleSpace(2), seed: 2 })))).toBe(0);
    expect(Array.from(result!.perImage).every((v) => Number.isFinite(v) && v >= 0)).toBe(true);
    model.dispose();
  });
});

/**
 * Training batches assembled in parts (as replicas do) equal the whole batch, bit for bit, with
 * augmentation, mixup and standardization on; without them a batch is exactly x/255.
 */
import { describe, expect, it } from 'vitest';
import type { AugmentSpec } from '../../../src/config/spec.ts';
import { TrainBatches, type BatchSettings } from '../../../src/engine/batch.ts';
import { mulberry32, permutation } from '../../../src/lib/rng.ts';
import { share } from '../../../src/engine/replicas/replica.ts';

const shape: [number, number, number] = [6, 5, 3];
const size = 90;
const count = 40;
const random = mulberry32(3);
const split = { pixels: Uint8Array.from({ length: count * size }, () => Math.floor(random() * 256)), labels: Uint8Array.from({ length: count }, (_, i) => i % 4) };
const order = permutation(count, mulberry32(8));
const augment: AugmentSpec = {
  rotation: 20,
  widthShift: 0.1,
  heightShift: 0.2,
  horizontalFlip: true,
  verticalFlip: false,
  zoom: [0.9, 1.2],
  shear: 5,
  channelShift: 0.05,
  brightness: [0.8, 1.1],
  fill: 'reflect',
  fillValue: 0,
  cutout: { size: 2, count: 1 },
  mixup: { alpha: 0.4 },
};
const settings: BatchSettings = { shape, numClasses: 4, augment, augmentSeed: 77, normalization: { mean: [0.4, 0.5, 0.6], std: [0.2, 0.25, 0.3] } };

function copy(part: { pixels: Float32Array; labels: Int32Array; targets?: Float32Array }) {
  return { pixels: Array.from(part.pixels), labels: Array.from(part.labels), targets: part.targets ? Array.from(part.targets) : undefined };
}

describe('TrainBatches', () => {
  it('parts of a batch (any split into replicas) equal the whole batch', () => {
    const whole = copy(new TrainBatches(split, settings, 16, 16).prepare(order, 8, 24, 0, 16, 3, 1));
    for (const replicas of [2, 3, 5]) {
      const parts = Array.from({ length: replicas }, (_, r) => {
        const [lo, hi] = share(16, r, replicas);
        return copy(new TrainBatches(split, settings, 16, 16).prepare(order, 8, 24, lo, hi, 3, 1));
      });
      expect(parts.flatMap((p) => p.pixels)).toEqual(whole.pixels);
      expect(parts.flatMap((p) => p.labels)).toEqual(whole.labels);
      expect(parts.flatMap((p) => p.targets!)).toEqual(whole.targets);
    }
  });

  it('mixup targets are blends of two one-hot rows that sum to 1; another epoch or batch mixes differently', () => {
    const batches = new TrainBatches(split, settings, 16, 16);
    const a = copy(batches.prepare(order, 8, 24, 0, 16, 3, 1));
    for (let r = 0; r < 16; r++) {
      const row = a.targets!.slice(r * 4, r * 4 + 4);
      expect(row.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 6);
      expect(row.filter((v) => v > 0).length).toBeLessThanOrEqual(2);
      expect(row[a.labels[r]!]).toBeGreaterThan(0);
    }
    expect(copy(batches.prepare(order, 8, 24, 0, 16, 4, 1)).pixels).not.toEqual(a.pixels);
    expect(copy(batches.prepare(order, 8, 24, 0, 16, 3, 2)).targets).not.toEqual(a.targets);
  });

  it('without augmentation a batch is x/255, standardized per channel when asked', () => {
    const plain = new TrainBatches(split, { shape, numClasses: 4, augmentSeed: 1 }, 8, 8).prepare(order, 0, 8, 0, 8, 1, 0);
    expect(plain.targets).toBeUndefined();
    for (let i = 0; i < 8 * size; i++) expect(plain.pixels[i]).toBe(Math.fround(split.pixels[order[Math.floor(i / size)]! * size + (i % size)]! / 255));
    const std = new TrainBatches(split, { shape, numClasses: 4, augmentSeed: 1, normalization: settings.normalization }, 8, 8).prepare(order, 0, 8, 0, 8, 1, 0);
    for (const i of [0, 1, 2, 100, 301, 719]) {
      const c = i % 3;
      const x = split.pixels[order[Math.floor(i / size)]! * size + (i % size)]! / 255;
      expect(std.pixels[i]).toBeCloseTo((x - settings.normalization!.mean[c]!) / settings.normalization!.std[c]!, 5);
    }
  });
});

/**
 * Deletion and insertion curves on a model that reads one 2×2 region (4 of 64 pixels; 16 steps
 * change 4 pixels each): a map ranking the region first changes the probability at the first
 * step, one ranking it last only at the last; the values are what predict gives for the same
 * edited images; areas by the trapezoid rule.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { curveArea, faithfulness, gaussianBlur, pixelRanks } from '../../../../src/analysis/explain/faithfulness.ts';
import { baselineImage, imageBatch, rescaleSpace } from '../../../../src/analysis/explain/images.ts';
import { inRect, predict, randomImages, regionModel, useCpu } from './helpers.ts';

beforeAll(useCpu);

const RECT = [2, 4, 3, 5] as const;
const black = baselineImage('black', rescaleSpace(1), [8, 8, 1]);
/** A map that ranks the region first (`first`) or last. */
const rankMap = (first: boolean) => Float32Array.from({ length: 64 }, (_, p) => (inRect(p, RECT) === first ? 10 - p / 100 : -p / 100));

describe('faithfulness', () => {
  let model: tf.LayersModel;
  beforeAll(() => {
    model = regionModel(RECT);
  });
  const images = randomImages(2, [8, 8, 1], 8, 0.5, 1);

  it('deleting the only relevant region first drops the probability at once; last, only at the end', () => {
    const good = faithfulness(model, images, [0, 0], [rankMap(true), rankMap(true)], { steps: 16, fill: black, canvas: 'fill', rowsPerPass: 7 });
    const bad = faithfulness(model, images, [0, 0], [rankMap(false), rankMap(false)], { steps: 16, fill: black, canvas: 'fill' });
    const p = predict(model, images);
    const regionBlack = Float32Array.from(images.data, (v, j) => (inRect(j % 64, RECT) ? 0 : v));
    const q = predict(model, imageBatch(regionBlack, [8, 8, 1]));
    const pBlack = predict(model, imageBatch(new Float32Array(64), [8, 8, 1]))[0]!;
    for (let i = 0; i < 2; i++) {
      expect(good.deletion[i]).toHaveLength(17);
      expect(good.deletion[i]![0]).toBeCloseTo(p[i * 2]!, 6);
      expect(p[i * 2]! - q[i * 2]!).toBeGreaterThan(0.1);
      for (let k = 1; k <= 16; k++) expect(good.deletion[i]![k]).toBeCloseTo(q[i * 2]!, 6);
      for (let k = 0; k < 16; k++) expect(bad.deletion[i]![k]).toBeCloseTo(p[i * 2]!, 6);
      expect(bad.deletion[i]![16]).toBeCloseTo(pBlack, 6);
      // Insertion onto black: the region arrives first (good) or last (bad).
      expect(good.insertion[i]![0]).toBeCloseTo(pBlack, 6);
      for (let k = 1; k <= 16; k++) expect(good.insertion[i]![k]).toBeCloseTo(p[i * 2]!, 6);
      for (let k = 0; k < 16; k++) expect(bad.insertion[i]![k]).toBeCloseTo(pBlack, 6);
      expect(good.deletionAuc[i]).toBeCloseTo(curveArea(good.deletion[i]!), 6);
    }
    expect(good.mean.deletionAuc).toBeLessThan(bad.mean.deletionAuc);
    expect(good.mean.insertionAuc).toBeGreaterThan(bad.mean.insertionAuc);
    expect(good.mean.deletion[0]).toBeCloseTo((p[0]! + p[2]!) / 2, 6);
  });

  it('inserts onto a blurred copy by default', () => {
    const curves = faithfulness(model, images, [0, 1], [rankMap(true), rankMap(true)], { steps: 4, fill: black });
    const blurred = tf.tidy(() => gaussianBlur(tf.tensor4d(images.data, [2, 8, 8, 1]), 1).dataSync() as Float32Array);
    const pb = predict(model, imageBatch(blurred, [8, 8, 1]));
    expect(curves.insertion[0]![0]).toBeCloseTo(pb[0]!, 6);
    expect(curves.insertion[1]![0]).toBeCloseTo(pb[3]!, 6);
  });

  it('ranks by value, ties in pixel order; areas by the trapezoid rule; a blur keeps a flat image flat', () => {
    expect(Array.from(pixelRanks(new Float32Array([0.5, 2, 0.5, -1])))).toEqual([1, 0, 2, 3]);
    expect(curveArea([1, 1, 1])).toBe(1);
    expect(curveArea([1, 0, 0])).toBe(0.25);
    const flat = tf.tidy(() => gaussianBlur(tf.fill([1, 6, 5, 2], 0.7) as tf.Tensor4D, 1.5).dataSync());
    for (const v of flat) expect(v).toBeCloseTo(0.7, 6);
  });
});

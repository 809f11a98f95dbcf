/**
 * Occlusion on a model that reads one 2×2 region: aligned patches find exactly that region with
 * the probability drops predict gives; overlapping patches peak inside it and stay zero where no
 * patch touches it. Patch positions cover the far edge.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { occlusion, patchStarts } from '../../../../src/analysis/explain/occlusion.ts';
import { baselineImage, imageBatch, rescaleSpace } from '../../../../src/analysis/explain/images.ts';
import { inRect, predict, randomImages, regionModel, useCpu } from './helpers.ts';

beforeAll(useCpu);

const RECT = [2, 4, 3, 5] as const;
const black = baselineImage('black', rescaleSpace(1), [8, 8, 1]);

describe('occlusion', () => {
  let model: tf.LayersModel;
  beforeAll(() => {
    model = regionModel(RECT);
  });
  // Bright images so covering the region changes the class-0 probability clearly.
  const images = randomImages(2, [8, 8, 1], 7, 0.5, 1);

  it('with aligned 2×2 patches finds exactly the region, each value the drop predict gives', () => {
    const result = occlusion(model, images, [0, 0], { size: 2, stride: 2, fill: black, fillName: 'black' });
    expect(result).toMatchObject({ method: 'occlusion', score: 'probability', signed: true, settings: { size: 2, stride: 2, fill: 'black', positions: 16 } });
    const covered = Float32Array.from(images.data);
    for (let i = 0; i < 2; i++) for (let p = 0; p < 64; p++) if (inRect(p, RECT)) covered[i * 64 + p] = 0;
    const p = predict(model, images);
    const q = predict(model, imageBatch(covered, [8, 8, 1]));
    for (let i = 0; i < 2; i++) {
      const drop = p[i * 2]! - q[i * 2]!;
      expect(drop).toBeGreaterThan(0.05);
      for (let px = 0; px < 64; px++) expect(result.maps[i]![px]).toBeCloseTo(inRect(px, RECT) ? drop : 0, 6);
    }
  });

  it('with overlapping 3×3 patches peaks inside the region and is zero where no patch touches it', () => {
    const result = occlusion(model, images, [0, 1], { size: 3, stride: 1, fill: black, rowsPerPass: 10 });
    const map = result.maps[0]!;
    const peak = map.indexOf(Math.max(...map));
    expect(inRect(peak, RECT)).toBe(true);
    // A 3×3 patch touching the region starts within 2 pixels of it: pixels farther than 2 away are never covered with it.
    for (let p = 0; p < 64; p++) if (!inRect(p, [0, 2, 5, 7])) expect(map[p]).toBe(0);
    // Class 1's probability rises when class 0's evidence is covered: negative drops.
    expect(Math.min(...result.maps[1]!)).toBeLessThan(0);
    expect(Math.max(...result.maps[1]!)).toBe(0);
  });

  it('places patches from 0 by the stride, plus one flush with the far edge', () => {
    expect(patchStarts(8, 3, 2)).toEqual([0, 2, 4, 5]);
    expect(patchStarts(8, 2, 2)).toEqual([0, 2, 4, 6]);
    expect(patchStarts(4, 4, 3)).toEqual([0]);
  });
});

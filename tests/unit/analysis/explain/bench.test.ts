/**
 * bench/explain.ts plumbing with a scripted clock (speed itself is never asserted): every method
 * runs, each rate is images ÷ the fastest timed run, and nothing leaks.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { benchExplain } from '../../../../src/bench/explain.ts';
import { chainCnn, leaked, useCpu } from './helpers.ts';

beforeAll(useCpu);

describe('benchExplain', () => {
  it('measures Grad-CAM, saliency, SmoothGrad, IG and occlusion as images per second of the best run', () => {
    const model = chainCnn();
    // Each clock read advances 250 ms: every timed run lasts 250 ms, so 2 images → 8 img/s.
    let now = 0;
    const clock = { now: () => (now += 250) };
    const progress: string[] = [];
    let report: ReturnType<typeof benchExplain> | undefined;
    expect(leaked(() => (report = benchExplain(model, [8, 8, 1], { clock, images: 2, reps: 2, onProgress: (l) => progress.push(l) })))).toBe(0);
    expect(report).toEqual({ gradcam_img_s: 8, saliency_img_s: 8, smoothgrad_img_s: 8, integrated_gradients_img_s: 8, occlusion_img_s: 8 });
    expect(progress).toEqual(['gradcam', 'saliency', 'smoothgrad', 'integratedGradients', 'occlusion']);
    model.dispose();
  });
});


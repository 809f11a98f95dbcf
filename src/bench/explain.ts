/**
 * Throughput of the explanation methods (images explained per second) on one model, for
 * `convlens bench`: Grad-CAM, saliency, SmoothGrad, Integrated Gradients and occlusion at the
 * report's default settings (SmoothGrad 25 samples, IG converged to 5 % from 32 Gauss–Legendre nodes, occlusion 4×4 patches by 2),
 * each the best of `reps` timed runs after one warm-up, on seeded random images in [0, 1].
 * Random images are fine: the cost does not depend on the pixels.
 *
 * A method's rate counts explained images, so SmoothGrad and IG run 25 and 51 model rows per
 * image, occlusion one row per patch position.
 */
import type * as tf from '@tensorflow/tfjs';
import type { Clock } from '../lib/clock.ts';
import { mulberry32 } from '../lib/rng.ts';
import { reportSchema } from '../config/schema.ts';
import { gradCam } from '../analysis/explain/grad-cam.ts';
import { saliency } from '../analysis/explain/saliency.ts';
import { smoothGrad } from '../analysis/explain/smoothgrad.ts';
import { integratedGradients } from '../analysis/explain/integrated-gradients.ts';
import { occlusion } from '../analysis/explain/occlusion.ts';
import { baselineImage, imageBatch, rescaleSpace } from '../analysis/explain/images.ts';
import { gradCamLayer } from '../analysis/explain/layers.ts';
import { bestTimeSync, perSecond } from './timing.ts';

/** Images per second of each method (what `convlens bench --json` prints under a model). */
export interface ExplainBenchReport {
  gradcam_img_s: number;
  saliency_img_s: number;
  smoothgrad_img_s: number;
  integrated_gradients_img_s: number;
  occlusion_img_s: number;
}

export interface ExplainBenchOptions {
  clock: Clock;
  /** Images per timed run (default 8, the report's `explain.images`). */
  images?: number;
  /** Timed runs after the warm-up; the fastest counts (default 3). */
  reps?: number;
  /** Rows per forward/backward pass for the many-row methods (default 64, as the report). */
  rowsPerPass?: number;
  /** Progress lines ("gradcam", …). */
  onProgress?: (line: string) => void;
}

/** Images per second of `run` (explaining `count` images): best of `reps` after a warm-up. */
function rate(clock: Clock, count: number, reps: number, run: () => void): number {
  return perSecond(count, Math.max(bestTimeSync(clock, reps, run), 1e-3));
}

/** Measure the explanation methods on `model` (inputs of `shape`, [0, 1] pixels) on the current backend. */
export function benchExplain(model: tf.LayersModel, shape: [number, number, number], options: ExplainBenchOptions): ExplainBenchReport {
  const defaults = reportSchema.parse({}).explain;
  const count = options.images ?? defaults.images;
  const reps = options.reps ?? 3;
  const rowsPerPass = options.rowsPerPass ?? 64;
  const random = mulberry32(1234);
  const images = imageBatch(Float32Array.from({ length: count * shape[0] * shape[1] * shape[2] }, () => random()), shape);
  const classes = model.outputs[0]!.shape[1] as number;
  const targets = Array.from({ length: count }, (_, i) => i % classes);
  const baseline = baselineImage(defaults.integratedGradients.baseline, rescaleSpace(shape[2]), shape);
  const layer = gradCamLayer(model);
  const measure = (name: string, run: () => void) => {
    options.onProgress?.(name);
    return rate(options.clock, count, reps, run);
  };
  return {
    gradcam_img_s: measure('gradcam', () => gradCam(model, images, targets, { layer })),
    saliency_img_s: measure('saliency', () => saliency(model, images, targets)),
    smoothgrad_img_s: measure('smoothgrad', () => smoothGrad(model, images, targets, { ...defaults.smoothgrad, seed: 1, rowsPerPass })),
    integrated_gradients_img_s: measure('integratedGradients', () => integratedGradients(model, images, targets, { ...defaults.integratedGradients, baseline, rowsPerPass })),
    occlusion_img_s: measure('occlusion', () => occlusion(model, images, targets, { ...defaults.occlusion, fill: baseline, rowsPerPass })),
  };
}

/**
 * The one switch for per-step randomness: the training loop calls `setRandomStep` before each
 * batch, and every seeded layer (dropout, spatial dropout) draws the masks of that step.
 */
import type * as tf from '@tensorflow/tfjs';
import { SeededDropout } from './layers/seeded-dropout.ts';
import { allLayers } from './layer-walk.ts';

/**
 * Make every seeded layer of `model` draw the masks of training step `step` (a whole number,
 * counting batches from 0 over the whole run) on data-parallel replica `replica`. Same
 * arguments, same masks: a run resumed at step s repeats an uninterrupted run exactly.
 * Returns how many seeded layers were set.
 */
export function setRandomStep(model: tf.LayersModel, step: number, replica = 0): number {
  if (!Number.isSafeInteger(step) || step < 0) throw new Error(`setRandomStep: step must be a whole number ≥ 0, got ${step}`);
  if (!Number.isSafeInteger(replica) || replica < 0) throw new Error(`setRandomStep: replica must be a whole number ≥ 0, got ${replica}`);
  let count = 0;
  for (const layer of allLayers(model)) {
    if (layer instanceof SeededDropout) {
      layer.setStep(step, replica);
      count++;
    }
  }
  return count;
}

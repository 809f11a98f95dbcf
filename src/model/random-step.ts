/**
 * The training step number seeded layers draw their masks from. The training loop sets it
 * before every batch, so masks depend on (layer, step, replica) only: a run resumed from a
 * checkpoint, or split over replicas, draws exactly the masks it should.
 */
import type * as tf from '@tensorflow/tfjs';

interface Stepped {
  setStep(step: number, replica?: number): void;
}

const isStepped = (layer: unknown): layer is Stepped => typeof (layer as Partial<Stepped>).setStep === 'function';

/** Set the step (and replica) on every seeded layer of `model`. */
export function setRandomStep(model: tf.LayersModel, step: number, replica = 0): void {
  for (const layer of model.layers) if (isStepped(layer)) layer.setStep(step, replica);
}

/**
 * The seam between the training loop (train.ts: epochs, schedules, callbacks, checkpoints)
 * and whatever runs the steps. The loop never touches tensors; an executor owns the model,
 * the optimizer and the data, in this process (LocalExecutor) or spread over worker replicas.
 */
import type { LayerSelector, OptimizerSpec } from '../config/spec.ts';
import type { SavedTensor } from './checkpoint.ts';
import type { StepResult } from './step.ts';

/** Where a batch sits in the run: history epoch (1-based), batch within the epoch, and global step. */
export interface StepPosition {
  epoch: number;
  batch: number;
  step: number;
}

export interface Executor {
  /**
   * A fresh optimizer for a training phase, after unfreezing the pretrained base layers `unfreeze`
   * picks (the fine-tuning phase); re-reads which layers are trainable.
   */
  startPhase(optimizer: OptimizerSpec, learningRate: number, unfreeze?: LayerSelector): Promise<void>;
  setLearningRate(learningRate: number): Promise<void>;
  /** Train on the images `order[start..end)` of the training split, at `at` (augmentation and dropout depend on it). */
  step(order: Int32Array, start: number, end: number, at: StepPosition): Promise<StepResult>;
  /** Class probabilities of the validation split (inference mode), row-major. */
  predictValidation(): Promise<Float32Array>;
  /** The current weight penalty (kernel regularizers), added to the validation objective. */
  penalty(): Promise<number>;
  captureWeights(): Promise<SavedTensor[]>;
  restoreWeights(saved: SavedTensor[]): Promise<void>;
  captureOptimizer(): Promise<SavedTensor[]>;
  restoreOptimizer(saved: SavedTensor[]): Promise<void>;
  /** Bytes held by tensors right now, summed over replicas (for the peak-memory figure). */
  tensorBytes(): Promise<number>;
  dispose(): Promise<void>;
}

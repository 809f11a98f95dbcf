/**
 * The seam between the training loop (train.ts: epochs, schedules, callbacks, checkpoints)
 * and whatever runs the steps. The loop never touches tensors; an executor owns the model,
 * the optimizer and the data, in this process (LocalExecutor) or spread over worker replicas.
 */
import type * as tf from '@tensorflow/tfjs';
import type { OptimizerSpec } from '../config/spec.ts';
import type { SavedTensor } from './checkpoint.ts';
import type { StepResult } from './step.ts';

export interface Executor {
  /** A fresh optimizer for a training phase; re-reads which layers are trainable. */
  startPhase(optimizer: OptimizerSpec, learningRate: number): void;
  setLearningRate(learningRate: number): void;
  /** Train on the images `order[start..end)` of the training split; `step` numbers the batch across the run (dropout masks). */
  step(order: Int32Array, start: number, end: number, step: number): StepResult;
  /** Class probabilities of the validation split (inference mode), row-major. */
  predictValidation(): Float32Array;
  /** The current weight penalty (kernel regularizers), added to the validation objective. */
  penalty(): number;
  captureWeights(): SavedTensor[];
  restoreWeights(saved: SavedTensor[]): void;
  captureOptimizer(): Promise<SavedTensor[]>;
  restoreOptimizer(saved: SavedTensor[]): Promise<void>;
  /** Bytes held by tensors right now (for the peak-memory figure). */
  tensorBytes(): number;
  dispose(): void;
}

/** The model an executor trains, for callers that need it afterwards (saving). */
export interface HasModel {
  readonly model: tf.LayersModel;
}

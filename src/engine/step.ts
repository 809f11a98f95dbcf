/**
 * One optimization step on one batch, in this process:
 *
 *   forward (training mode) → objective (smoothed, class-weighted CE + weight penalties)
 *   → gradients of the trainable variables → clip → weight decay + optimizer update
 *
 * tfjs's `trainOnBatch` cannot clip, decay decoupled, smooth labels or weight classes the way
 * the spec asks, and its `fit` shuffles with Math.random, hence our own step. Tensors live only
 * inside the step; what comes out is plain numbers.
 */
import * as tf from '@tensorflow/tfjs';
import type { AugmentSpec, TrainSpec } from '../config/spec.ts';
import type { BatchSettings, InputNormalization } from './batch.ts';
import { objective, penalty, smoothedTargets } from './loss.ts';
import { decays, type PhaseOptimizer, type Trainable } from './optimizers.ts';

/** What the step needs besides the model and the optimizer. */
export interface StepSettings {
  shape: [number, number, number];
  numClasses: number;
  /** How pixels become inputs beyond x/255 (validation and test use it too). */
  normalization?: InputNormalization;
  /** Training-time augmentation and its seed. */
  augment?: AugmentSpec;
  augmentSeed?: number;
  labelSmoothing: number;
  /** One weight per class, or undefined for none. */
  classWeights?: Float32Array;
  clip?: TrainSpec['clip'];
}

/** The batch-assembly part of the step settings. */
export function batchSettings(s: StepSettings): BatchSettings {
  return {
    shape: s.shape,
    numClasses: s.numClasses,
    augmentSeed: s.augmentSeed ?? 0,
    ...(s.augment && { augment: s.augment }),
    ...(s.normalization && { normalization: s.normalization }),
  };
}

/** Result of one step: the batch's mean objective and how many images it classified right. */
export interface StepResult {
  loss: number;
  correct: number;
}

/** The variables a step updates, with their decay flag (frozen layers are left out). */
export function trainables(model: tf.LayersModel): Trainable[] {
  return model.trainableWeights.map((w) => ({ variable: w.read() as tf.Variable, decay: decays(w.originalName) }));
}

/** Scale gradients to a global norm ≤ value (PyTorch clip_grad_norm_), or clip each value into [−value, value]. */
export function clipGradients(grads: tf.NamedTensorMap, clip: NonNullable<TrainSpec['clip']>): tf.NamedTensorMap {
  const names = Object.keys(grads);
  if (clip.type === 'value') {
    return Object.fromEntries(names.map((n) => [n, tf.clipByValue(grads[n]!, -clip.value, clip.value)]));
  }
  const norm = tf.tidy(() => tf.sqrt(tf.addN(names.map((n) => tf.sum(tf.square(grads[n]!))))).dataSync()[0]!);
  const scale = norm > clip.value ? clip.value / (norm + 1e-6) : 1;
  return Object.fromEntries(names.map((n) => [n, scale === 1 ? tf.clone(grads[n]!) : tf.mul(grads[n]!, scale)]));
}

/** Trains `model` one batch at a time in this process. Reuses its buffers across batches. */
export class LocalStep {
  private readonly model: tf.LayersModel;
  private readonly settings: StepSettings;
  private readonly targets: Float32Array;
  private readonly weights: Float32Array;
  private variables: Trainable[];

  constructor(model: tf.LayersModel, settings: StepSettings, maxBatch: number) {
    this.model = model;
    this.settings = settings;
    this.targets = new Float32Array(maxBatch * settings.numClasses);
    this.weights = new Float32Array(maxBatch);
    this.variables = trainables(model);
  }

  /** Re-read the trainable variables (after freezing or unfreezing layers). */
  refreshTrainables(): void {
    this.variables = trainables(this.model);
  }

  /**
   * Forward and backward on `n` images (`pixels`: n·h·w·c floats) with labels `labels[0..n)`.
   * The objective is multiplied by `scale` (a replica's share n_r/n of the global batch, so the
   * replicas' gradients sum to the full batch's). The caller owns and disposes `grads`.
   */
  gradients(pixels: Float32Array, labels: ArrayLike<number>, n: number, scale = 1, soft?: Float32Array): StepResult & { grads: tf.NamedTensorMap } {
    const { shape, numClasses: k, labelSmoothing, classWeights } = this.settings;
    if (soft) {
      // Mixup's blended targets, then smoothed like one-hot ones (both steps are affine).
      const off = labelSmoothing / k;
      for (let i = 0; i < n * k; i++) this.targets[i] = (1 - labelSmoothing) * soft[i]! + off;
    } else {
      smoothedTargets(labels, n, k, labelSmoothing, this.targets);
    }
    const xs = tf.tensor4d(pixels.subarray(0, n * shape[0] * shape[1] * shape[2]), [n, ...shape]);
    const ys = tf.tensor2d(this.targets.subarray(0, n * k), [n, k]);
    const ids = tf.tensor1d(Int32Array.from({ length: n }, (_, i) => labels[i]!), 'int32');
    let ws: tf.Tensor1D | undefined;
    if (classWeights) {
      for (let i = 0; i < n; i++) this.weights[i] = classWeights[labels[i]!]!;
      ws = tf.tensor1d(this.weights.subarray(0, n));
    }
    let correct: tf.Scalar | undefined;
    const { value, grads } = tf.variableGrads(() => {
      const probs = this.model.apply(xs, { training: true }) as tf.Tensor2D;
      correct = tf.keep(tf.sum(tf.cast(tf.equal(tf.argMax(probs, 1), ids), 'int32'))) as tf.Scalar;
      const total = tf.add(objective(probs, ys, ws), penalty(this.model)) as tf.Scalar;
      return scale === 1 ? total : (tf.mul(total, scale) as tf.Scalar);
    }, this.variables.map((v) => v.variable));
    const loss = value.dataSync()[0]!;
    const right = correct!.dataSync()[0]!;
    tf.dispose([value, correct!, xs, ys, ids, ...(ws ? [ws] : [])]);
    return { loss, correct: right, grads };
  }

  /** Clip, decay and apply `grads` (in trainable-variable order), then dispose them. */
  apply(grads: tf.NamedTensorMap, optimizer: PhaseOptimizer): void {
    const clip = this.settings.clip;
    const clipped = clip ? clipGradients(grads, clip) : grads;
    optimizer.apply(clipped, this.variables);
    if (clipped !== grads) tf.dispose(Object.values(clipped));
    tf.dispose(Object.values(grads));
  }

  /** Trainable variables in the order gradients are exchanged and applied. */
  get trainableVariables(): readonly Trainable[] {
    return this.variables;
  }

  /** One step on `n` images: gradients, then (when the loss is finite) the update. */
  run(pixels: Float32Array, labels: ArrayLike<number>, n: number, optimizer: PhaseOptimizer, soft?: Float32Array): StepResult {
    const { loss, correct, grads } = this.gradients(pixels, labels, n, 1, soft);
    if (Number.isFinite(loss)) this.apply(grads, optimizer);
    else tf.dispose(Object.values(grads));
    return { loss, correct };
  }
}

/**
 * Runs training steps in this process: one model, one optimizer, batches gathered from the
 * uint8 splits into a reused float buffer.
 */
import * as tf from '@tensorflow/tfjs';
import type { LayerSelector, OptimizerSpec } from '../config/spec.ts';
import { unfreezeBase } from '../model/pretrained.ts';
import { setRandomStep } from '../model/random-step.ts';
import { captureOptimizer, captureWeights, restoreOptimizer, restoreWeights, type SavedTensor } from './checkpoint.ts';
import { batchSettings } from './step.ts';
import { TrainBatches } from './batch.ts';
import type { Executor, StepPosition } from './executor.ts';
import { penalty } from './loss.ts';
import { makeOptimizer, type PhaseOptimizer } from './optimizers.ts';
import { predictProbabilities } from './predict.ts';
import { LocalStep, type StepResult, type StepSettings } from './step.ts';

/** A labelled split of uint8 images. */
export interface LabeledSplit {
  pixels: Uint8Array;
  labels: Uint8Array;
  count: number;
}

export class LocalExecutor implements Executor {
  readonly model: tf.LayersModel;
  private readonly baseLayers: readonly string[];
  private readonly settings: StepSettings;
  private readonly validation: LabeledSplit;
  private readonly stepper: LocalStep;
  private readonly batches: TrainBatches;
  private optimizer: PhaseOptimizer | undefined;

  /** `baseLayers`: a pretrained base's layer names in order (for unfreezing), else empty. */
  constructor(built: { model: tf.LayersModel; baseLayers: readonly string[] }, settings: StepSettings, train: LabeledSplit, validation: LabeledSplit, batchSize: number) {
    const { model } = built;
    this.model = model;
    this.baseLayers = built.baseLayers;
    this.settings = settings;
    this.validation = validation;
    this.stepper = new LocalStep(model, settings, batchSize);
    this.batches = new TrainBatches(train, batchSettings(settings), batchSize, batchSize);
  }

  async startPhase(spec: OptimizerSpec, learningRate: number, unfreeze?: LayerSelector): Promise<void> {
    if (unfreeze) unfreezeBase(this.model, this.baseLayers, unfreeze);
    this.optimizer?.dispose();
    this.optimizer = makeOptimizer(spec, learningRate);
    this.stepper.refreshTrainables();
  }

  async setLearningRate(learningRate: number): Promise<void> {
    this.optimizer!.setLearningRate(learningRate);
  }

  async step(order: Int32Array, start: number, end: number, at: StepPosition): Promise<StepResult> {
    const part = this.batches.prepare(order, start, end, 0, end - start, at.epoch, at.batch);
    setRandomStep(this.model, at.step);
    return this.stepper.run(part.pixels, part.labels, part.n, this.optimizer!, part.targets);
  }

  async predictValidation(): Promise<Float32Array> {
    return predictProbabilities(this.model, this.validation, this.settings.shape, 256, this.settings.normalization);
  }

  async penalty(): Promise<number> {
    return tf.tidy(() => penalty(this.model).dataSync()[0]!);
  }

  async captureWeights(): Promise<SavedTensor[]> {
    return captureWeights(this.model);
  }

  async restoreWeights(saved: SavedTensor[]): Promise<void> {
    restoreWeights(this.model, saved);
  }

  captureOptimizer(): Promise<SavedTensor[]> {
    return captureOptimizer(this.optimizer!.optimizer);
  }

  restoreOptimizer(saved: SavedTensor[]): Promise<void> {
    return restoreOptimizer(this.optimizer!.optimizer, saved);
  }

  async tensorBytes(): Promise<number> {
    return tf.memory().numBytes;
  }

  async dispose(): Promise<void> {
    this.optimizer?.dispose();
    this.optimizer = undefined;
  }
}

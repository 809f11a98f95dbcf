/**
 * One data-parallel replica, inside a worker thread: the same model as every other replica,
 * trained on its share of each batch.
 *
 *   step:  my rows of the batch → forward/backward with the objective scaled by my share n_r/n
 *          → [gradients | my batch-norm statistics · n_r/n | loss | correct] → all-reduce
 *          → every replica applies the same summed gradient and sets the same averaged statistics
 *
 * Because every replica sums the same vectors in the same order and runs the same optimizer,
 * the replicas' weights stay bit-identical without ever being sent around.
 */
import * as tf from '@tensorflow/tfjs';
import { buildModel, type BuiltModel } from '../../model/build.ts';
import { unfreezeBase } from '../../model/pretrained.ts';
import { setRandomStep } from '../../model/random-step.ts';
import type { LayerSelector, OptimizerSpec } from '../../config/spec.ts';
import { captureOptimizer, captureWeights, restoreOptimizer, restoreWeights, type SavedTensor } from '../checkpoint.ts';
import { penalty } from '../loss.ts';
import { makeOptimizer, type PhaseOptimizer } from '../optimizers.ts';
import { predictProbabilities } from '../predict.ts';
import { TrainBatches } from '../batch.ts';
import type { StepPosition } from '../executor.ts';
import { batchSettings, LocalStep, type StepResult, type StepSettings } from '../step.ts';
import { Exchange, type ExchangeBuffers } from './exchange.ts';
import type { ModelRecipe, SharedSplits } from './protocol.ts';

/** Rows [lo, hi) of `n` that replica `r` of `replicas` takes: contiguous, sizes differing by at most one. */
export function share(n: number, r: number, replicas: number): [number, number] {
  const base = Math.floor(n / replicas);
  const extra = n % replicas;
  const lo = r * base + Math.min(r, extra);
  return [lo, lo + base + (r < extra ? 1 : 0)];
}

/** What every replica is set up with. */
export interface ReplicaSetup {
  recipe: ModelRecipe;
  settings: StepSettings;
  data: SharedSplits;
  batchSize: number;
  exchange: ExchangeBuffers;
}

export class Replica {
  private readonly replica: number;
  private readonly replicas: number;
  readonly model: tf.LayersModel;
  private readonly baseLayers: readonly string[];
  private readonly settings: StepSettings;
  private readonly stepper: LocalStep;
  private readonly exchange: Exchange;
  private readonly batches: TrainBatches;
  private readonly order: Int32Array;
  private readonly validation: { pixels: Uint8Array; count: number };
  private readonly validationProbs: Float32Array;
  private optimizer: PhaseOptimizer | undefined;
  /** Moving statistics of batch-norm layers that train (frozen ones never change). */
  private statistics: tf.LayerVariable[] = [];
  private vector = new Float32Array(0);
  private reduced = new Float32Array(0);

  /** Build this replica's model (every replica builds the same one from the same seeds). */
  static async create(replica: number, replicas: number, setup: ReplicaSetup): Promise<Replica> {
    const { recipe } = setup;
    const built = await buildModel(recipe.model, { inputShape: recipe.inputShape, numClasses: recipe.numClasses, seeds: recipe.seeds });
    return new Replica(replica, replicas, setup, built);
  }

  private constructor(replica: number, replicas: number, setup: ReplicaSetup, built: BuiltModel) {
    this.replica = replica;
    this.replicas = replicas;
    const { recipe, settings, data, batchSize } = setup;
    this.settings = settings;
    this.model = built.model;
    this.baseLayers = built.baseLayers;
    const perReplica = share(batchSize, 0, replicas)[1];
    this.stepper = new LocalStep(this.model, settings, perReplica);
    this.exchange = new Exchange(setup.exchange, replica);
    const train = { pixels: new Uint8Array(data.trainPixels), labels: new Uint8Array(data.trainLabels) };
    this.batches = new TrainBatches(train, batchSettings(settings), perReplica, batchSize);
    this.order = new Int32Array(data.order);
    this.validation = { pixels: new Uint8Array(data.validationPixels), count: data.validationCount };
    this.validationProbs = new Float32Array(data.validationProbs);
  }

  startPhase(spec: OptimizerSpec, learningRate: number, unfreeze?: LayerSelector): void {
    if (unfreeze) unfreezeBase(this.model, this.baseLayers, unfreeze);
    this.optimizer?.dispose();
    this.optimizer = makeOptimizer(spec, learningRate);
    this.stepper.refreshTrainables();
    this.statistics = this.model.layers
      .filter((l) => l.getClassName() === 'BatchNormalization' && l.trainable)
      .flatMap((l) => l.nonTrainableWeights);
    const size = this.stepper.trainableVariables.reduce((s, v) => s + v.variable.size, 0) + this.statistics.reduce((s, w) => s + w.read().size, 0) + 2;
    this.vector = new Float32Array(size);
    this.reduced = new Float32Array(size);
  }

  setLearningRate(learningRate: number): void {
    this.optimizer!.setLearningRate(learningRate);
  }

  step(start: number, end: number, at: StepPosition): StepResult {
    const n = end - start;
    const [lo, hi] = share(n, this.replica, this.replicas);
    const mine = hi - lo;
    const vector = this.vector;
    let offset = 0;
    let grads: tf.NamedTensorMap | undefined;
    const variables = this.stepper.trainableVariables;
    if (mine > 0) {
      const part = this.batches.prepare(this.order, start, end, lo, hi, at.epoch, at.batch);
      setRandomStep(this.model, at.step, this.replica);
      const result = this.stepper.gradients(part.pixels, part.labels, mine, mine / n, part.targets);
      grads = result.grads;
      for (const v of variables) {
        const g = grads[v.variable.name];
        if (g) vector.set(g.dataSync() as Float32Array, offset);
        else vector.fill(0, offset, offset + v.variable.size);
        offset += v.variable.size;
      }
      for (const s of this.statistics) {
        const values = s.read().dataSync() as Float32Array;
        for (let i = 0; i < values.length; i++) vector[offset + i] = values[i]! * (mine / n);
        offset += values.length;
      }
      vector[offset] = result.loss;
      vector[offset + 1] = result.correct;
    } else {
      // A batch smaller than the replica count: take part in the exchange with nothing to add.
      vector.fill(0);
    }
    this.exchange.allReduce(vector, vector.length, this.reduced);
    if (grads) tf.dispose(Object.values(grads));
    const loss = this.reduced[vector.length - 2]!;
    const correct = this.reduced[vector.length - 1]!;
    if (!Number.isFinite(loss)) return { loss, correct };

    offset = 0;
    const summed: tf.NamedTensorMap = {};
    for (const v of variables) {
      summed[v.variable.name] = tf.tensor(this.reduced.subarray(offset, offset + v.variable.size), v.variable.shape);
      offset += v.variable.size;
    }
    this.stepper.apply(summed, this.optimizer!);
    for (const s of this.statistics) {
      const size = s.read().size;
      tf.tidy(() => {
        s.write(tf.tensor(this.reduced.subarray(offset, offset + size), s.read().shape));
      });
      offset += size;
    }
    return { loss, correct };
  }

  /** Writes this replica's rows of the validation probabilities into shared memory. */
  predictValidation(): void {
    const [lo, hi] = share(this.validation.count, this.replica, this.replicas);
    if (hi === lo) return;
    const [h, w, c] = this.settings.shape;
    const perImage = h * w * c;
    const k = this.settings.numClasses;
    const part = { pixels: this.validation.pixels.subarray(lo * perImage, hi * perImage), count: hi - lo };
    this.validationProbs.set(predictProbabilities(this.model, part, this.settings.shape, 256, this.settings.normalization), lo * k);
  }

  penalty(): number {
    return tf.tidy(() => penalty(this.model).dataSync()[0]!);
  }

  captureWeights(): SavedTensor[] {
    return captureWeights(this.model);
  }

  restoreWeights(saved: SavedTensor[]): void {
    restoreWeights(this.model, saved);
  }

  captureOptimizer(): Promise<SavedTensor[]> {
    return captureOptimizer(this.optimizer!.optimizer);
  }

  restoreOptimizer(saved: SavedTensor[]): Promise<void> {
    return restoreOptimizer(this.optimizer!.optimizer, saved);
  }

  dispose(): void {
    this.optimizer?.dispose();
    this.model.dispose();
  }
}

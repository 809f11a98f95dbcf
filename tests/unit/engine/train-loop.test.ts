/**
 * The training loop (src/engine/train.ts) driven through a scripted executor, so schedules,
 * early stopping, phases and checkpoint/resume are checked exactly and fast, without tfjs.
 *
 * The fake's only "weight" is the number of steps applied so far; its validation loss is a
 * scripted function of that weight, so restoring weights visibly changes what it reports.
 */
import { describe, expect, it } from 'vitest';
import type { LayerSelector, OptimizerSpec, TrainSpec } from '../../../src/config/spec.ts';
import type { SavedTensor } from '../../../src/engine/checkpoint.ts';
import type { Executor, StepPosition } from '../../../src/engine/executor.ts';
import { trainModel, TrainingDiverged, type Checkpoint, type TrainInput } from '../../../src/engine/train.ts';

const BATCHES = 2;
const COUNT = 8; // batch size 4

class FakeExecutor implements Executor {
  steps = 0;
  lrs: number[] = [];
  phases: [string, number, string?][] = [];
  restored: number[] = [];
  private readonly valLoss: (epochsOfWeights: number) => number;
  private readonly trainLoss: (step: number) => number;
  constructor(valLoss: (epochsOfWeights: number) => number, trainLoss: (step: number) => number = () => 0.5) {
    this.valLoss = valLoss;
    this.trainLoss = trainLoss;
  }
  async startPhase(o: OptimizerSpec, lr: number, unfreeze?: LayerSelector) {
    this.phases.push(unfreeze ? [o.type, lr, unfreeze.type] : [o.type, lr]);
  }
  async setLearningRate(lr: number) {
    this.lrs.push(lr);
  }
  async step(_order: Int32Array, start: number, end: number, at: StepPosition) {
    this.steps += 1;
    return { loss: this.trainLoss(at.step), correct: end - start };
  }
  async predictValidation() {
    // One validation image of class 0 with p = exp(−v): its cross-entropy is exactly v.
    const p = Math.exp(-this.valLoss(this.steps / BATCHES));
    return Float32Array.from([p, 1 - p]);
  }
  async penalty() {
    return 0;
  }
  async captureWeights(): Promise<SavedTensor[]> {
    return [{ name: 'steps', shape: [], dtype: 'float32', values: Float32Array.of(this.steps) }];
  }
  async restoreWeights(saved: SavedTensor[]) {
    this.steps = saved[0]!.values[0]!;
    this.restored.push(this.steps / BATCHES);
  }
  async captureOptimizer(): Promise<SavedTensor[]> {
    return [];
  }
  async restoreOptimizer() {}
  async tensorBytes() {
    return 1000;
  }
  async dispose() {}
}

const clock = { now: () => 0 };
const trainSpec = (extra: Partial<TrainSpec> = {}): TrainSpec => ({
  epochs: 6,
  batchSize: 4,
  replicas: 1,
  optimizer: { type: 'sgd', learningRate: 0.1, momentum: 0, nesterov: false, weightDecay: 0 },
  schedule: { type: 'constant' },
  labelSmoothing: 0,
  ...extra,
});

function input(executor: Executor, spec: TrainSpec, extra: Partial<TrainInput> = {}): TrainInput {
  return { executor, spec, shuffleSeed: 1, numClasses: 2, train: { count: COUNT }, validation: { count: 1, labels: Uint8Array.of(0) }, clock, ...extra };
}

describe('the training loop', () => {
  it('records the scheduled learning rate of every epoch in the history', async () => {
    const fake = new FakeExecutor(() => 1);
    const spec = trainSpec({ schedule: { type: 'piecewise', boundaries: [1, 3], factors: [1, 0.5, 0.25] } });
    const { history } = await trainModel(input(fake, spec));
    expect(history.map((r) => r.lr)).toEqual([0.1, 0.1, 0.05, 0.05, 0.025, 0.025]);
    expect(history.map((r) => r.epoch)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(fake.steps).toBe(6 * BATCHES);
  });

  it('early stopping with restoreBest: stops, restores the best epoch, and records both', async () => {
    const losses = [1, 0.6, 0.7, 0.8, 0.9, 1];
    const fake = new FakeExecutor((e) => losses[e - 1]!);
    const spec = trainSpec({ earlyStopping: { monitor: 'val_loss', mode: 'min', patience: 2, minDelta: 0, restoreBest: true } });
    const result = await trainModel(input(fake, spec));
    expect(result.history.map((r) => r.val_loss)).toEqual(losses.slice(0, 4).map((v) => expect.closeTo(v, 6)));
    expect(result.phases).toEqual([{ phase: 'train', firstEpoch: 1, lastEpoch: 4, stoppedEpoch: 4, restoredEpoch: 2 }]);
    expect(fake.restored).toEqual([2]);
    expect(fake.steps).toBe(2 * BATCHES);
  });

  it('reduce-on-plateau lowers the rate of the following epochs', async () => {
    const fake = new FakeExecutor(() => 1);
    const spec = trainSpec({ schedule: { type: 'reduceOnPlateau', monitor: 'val_loss', mode: 'min', factor: 0.5, patience: 2, minDelta: 0, cooldown: 0, minFactor: 0 } });
    const { history } = await trainModel(input(fake, spec));
    // Epoch 1 sets the best; epochs 2 and 3 do not improve → the factor halves for epoch 4, again after 5.
    expect(history.map((r) => r.lr)).toEqual([0.1, 0.1, 0.1, 0.05, 0.05, 0.025]);
  });

  it('a fine-tuning phase: unfreezes once, fresh optimizer at its own rate, epochs continue', async () => {
    const fake = new FakeExecutor(() => 1);
    const spec = trainSpec({ epochs: 2, fineTune: { epochs: 3, learningRate: 0.001, unfreeze: { type: 'all' } } });
    const result = await trainModel(input(fake, spec));
    expect(fake.phases).toEqual([['sgd', 0.1], ['sgd', 0.001, 'all']]);
    expect(result.history.map((r) => [r.epoch, r.lr])).toEqual([[1, 0.1], [2, 0.1], [3, 0.001], [4, 0.001], [5, 0.001]]);
    expect(result.phases).toEqual([
      { phase: 'train', firstEpoch: 1, lastEpoch: 2 },
      { phase: 'fineTune', firstEpoch: 3, lastEpoch: 5 },
    ]);
  });

  it('resuming from any checkpoint ends with the same history and phases as the uninterrupted run', async () => {
    const losses = [1, 0.6, 0.7, 0.8, 0.5, 0.4, 0.45, 0.5, 0.55];
    const spec = trainSpec({
      epochs: 5,
      schedule: { type: 'reduceOnPlateau', monitor: 'val_loss', mode: 'min', factor: 0.5, patience: 1, minDelta: 0, cooldown: 0, minFactor: 0 },
      earlyStopping: { monitor: 'val_loss', mode: 'min', patience: 2, minDelta: 0, restoreBest: true },
      fineTune: { epochs: 4, learningRate: 0.01, unfreeze: { type: 'all' } },
    });
    const checkpoints: Checkpoint[] = [];
    const make = () => new FakeExecutor((e) => losses[e - 1] ?? 9);
    const whole = await trainModel(input(make(), spec, { saveCheckpoint: async (c) => void checkpoints.push(structuredClone(c)) }));
    expect(checkpoints.length).toBe(whole.history.length);
    expect(whole.phases.map((p) => p.phase)).toEqual(['train', 'fineTune']);
    for (const resume of checkpoints) {
      const fake = make();
      const resumed = await trainModel(input(fake, spec, { resume }));
      expect(resumed.history).toEqual(whole.history);
      expect(resumed.phases).toEqual(whole.phases);
      // Every resume still has fine-tuning epochs ahead (so unfreezes once), except from the last checkpoint.
      expect(fake.phases.filter((p) => p[2] === 'all')).toHaveLength(resume === checkpoints.at(-1) ? 0 : 1);
    }
  });

  it('a NaN loss stops training with the epoch, the batch and the epochs completed so far', async () => {
    const fake = new FakeExecutor(() => 1, (step) => (step === 2 * BATCHES + 1 ? Number.NaN : 0.5));
    const error = await trainModel(input(fake, trainSpec())).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TrainingDiverged);
    const d = error as TrainingDiverged;
    expect(d.message).toBe(
      "Training diverged: the loss became NaN or infinite at epoch 3, batch 2. Lower train.optimizer's learningRate (for example by a factor of 10) and run again.",
    );
    expect(d.history.map((r) => r.epoch)).toEqual([1, 2]);
  });

  it("finite batch losses but broken weights after an epoch's last update stop training at that batch", async () => {
    // The model's outputs become NaN after epoch 3's last update: the batch losses (computed before each update) never saw it.
    const fake = new FakeExecutor((epochs) => (epochs >= 3 ? Number.NaN : 1));
    const error = await trainModel(input(fake, trainSpec())).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TrainingDiverged);
    expect((error as Error).message).toBe(
      "Training diverged: the model's weights became NaN or infinite at epoch 3, batch 2. Lower train.optimizer's learningRate (for example by a factor of 10) and run again.",
    );
    expect((error as TrainingDiverged).history.map((r) => r.epoch)).toEqual([1, 2]);
    // Without a validation set the weights themselves are checked.
    class InfWeights extends FakeExecutor {
      override async captureWeights(): Promise<SavedTensor[]> {
        return [{ name: 'w', shape: [1], dtype: 'float32', values: Float32Array.of(this.steps >= 4 * BATCHES ? Infinity : 1) }];
      }
    }
    const noValidation = await trainModel(input(new InfWeights(() => 1), trainSpec(), { validation: { count: 0, labels: new Uint8Array(0) } })).catch((e: unknown) => e);
    expect((noValidation as Error).message).toBe(
      "Training diverged: the model's weights became NaN or infinite at epoch 4, batch 2. Lower train.optimizer's learningRate (for example by a factor of 10) and run again.",
    );
    expect((noValidation as TrainingDiverged).history.map((r) => r.epoch)).toEqual([1, 2, 3]);
  });
});

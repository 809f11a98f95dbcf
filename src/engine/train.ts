/**
 * The training loop: epochs of seeded batches through an Executor, with the learning-rate
 * schedule, early stopping, a fine-tuning phase, a checkpoint after every epoch, and progress.
 *
 *   for each phase (train, then fineTune when the spec has one):
 *     startPhase (fresh optimizer; the fine-tuning phase first unfreezes base layers)
 *     for each epoch:  lr = base · schedule(epoch) → batches in a seeded order → validation
 *                      → history row → plateau / early stopping → checkpoint
 *     restore the best weights when early stopping asks for them
 *
 * We do not use `model.fit`: it shuffles with Math.random. Each epoch's order comes from a
 * stream derived from the `shuffle` seed and the history epoch, and each batch's dropout masks
 * from its global step number, so a run resumed from a checkpoint continues exactly as the
 * uninterrupted run would have (same seed, same backend).
 */
import type { EarlyStoppingSpec, ScheduleSpec, TrainSpec } from '../config/spec.ts';
import { deriveSeed, mulberry32, permutation } from '../lib/rng.ts';
import { accuracy, argmaxRows } from '../analysis/metrics/classification.ts';
import type { Clock } from '../lib/clock.ts';
import { UserError } from '../lib/errors.ts';
import { earlyStoppingState, observeEarlyStopping, type EarlyStoppingState } from './callbacks/early-stopping.ts';
import type { SavedTensor } from './checkpoint.ts';
import type { Executor } from './executor.ts';
import { objectiveOnArrays } from './loss.ts';
import { observePlateau, plateauState, scheduledFactor, type PlateauState } from './schedules.ts';

/** One epoch of history, as published in history.csv. Epochs are 1-based and continue across phases. */
export interface HistoryRow {
  epoch: number;
  loss: number;
  accuracy: number;
  val_loss: number | null;
  val_accuracy: number | null;
  /** The learning rate of the epoch; null in an imported history that did not record it. */
  lr: number | null;
}

/** Emitted after every batch; the progress display decides what to show. */
export interface TrainProgress {
  epoch: number;
  epochs: number;
  batch: number;
  batches: number;
  loss: number;
  imagesPerSecond: number;
  etaSeconds: number;
  /** Set on the last batch of an epoch, once validation ran. */
  row?: HistoryRow;
}

export type PhaseName = 'train' | 'fineTune';

/** What happened in one phase, for the report (history epochs, 1-based). */
export interface PhaseRecord {
  phase: PhaseName;
  firstEpoch: number;
  lastEpoch: number;
  /** Set when early stopping ended the phase before its last epoch. */
  stoppedEpoch?: number;
  /** Set when the weights of this (best) epoch were restored at the end of the phase. */
  restoredEpoch?: number;
}

/** The loop's own state after a completed epoch: with the executor's tensors, a checkpoint. */
export interface LoopState {
  /** Last completed history epoch. */
  epoch: number;
  phase: PhaseName;
  /** Epochs completed within the current phase. */
  phaseEpoch: number;
  history: HistoryRow[];
  phases: PhaseRecord[];
  plateau?: PlateauState;
  earlyStopping?: EarlyStoppingState;
  /** The current phase has ended (early stop); the next phase starts on resume. */
  phaseDone: boolean;
  trainingMs: number;
  imagesSeen: number;
  peakTensorBytes: number;
}

/** A checkpoint: the loop state plus the executor's weights, optimizer slots and best weights. */
export interface Checkpoint {
  state: LoopState;
  weights: SavedTensor[];
  optimizer: SavedTensor[];
  best?: SavedTensor[];
}

export interface TrainInput {
  executor: Executor;
  spec: TrainSpec;
  shuffleSeed: number;
  numClasses: number;
  train: { count: number };
  validation: { count: number; labels: Uint8Array };
  clock: Clock;
  onProgress?: (p: TrainProgress) => void;
  /** Continue from this checkpoint instead of from the initial weights. */
  resume?: Checkpoint;
  /** Called after every epoch with a checkpoint of the run so far. */
  saveCheckpoint?: (c: Checkpoint) => Promise<void>;
}

export interface TrainResult {
  history: HistoryRow[];
  phases: PhaseRecord[];
  seconds: number;
  /** Training images per second over the whole run (excluding validation). */
  imagesPerSecond: number;
  /** The largest number of bytes tfjs held in tensors, sampled after every epoch. */
  peakTensorBytes: number;
}

interface Phase {
  name: PhaseName;
  epochs: number;
  learningRate: number;
  schedule: ScheduleSpec;
  earlyStopping: EarlyStoppingSpec | undefined;
}

function phasesOf(spec: TrainSpec): Phase[] {
  const phases: Phase[] = [
    { name: 'train', epochs: spec.epochs, learningRate: spec.optimizer.learningRate, schedule: spec.schedule, earlyStopping: spec.earlyStopping },
  ];
  // Fine-tuning keeps the optimizer kind at its own (low) constant rate, as a Keras recompile would.
  if (spec.fineTune) {
    phases.push({ name: 'fineTune', epochs: spec.fineTune.epochs, learningRate: spec.fineTune.learningRate, schedule: { type: 'constant' }, earlyStopping: spec.earlyStopping });
  }
  return phases;
}

function monitorValue(row: HistoryRow, monitor: EarlyStoppingSpec['monitor']): number {
  return row[monitor] ?? Number.NaN;
}

/** Train through `input.executor`; returns the history and what each phase did. */
export async function trainModel(input: TrainInput): Promise<TrainResult> {
  const { executor, spec, clock } = input;
  const phases = phasesOf(spec);
  const totalEpochs = phases.reduce((s, p) => s + p.epochs, 0);
  const batchSize = Math.min(spec.batchSize, input.train.count);
  const batches = Math.ceil(input.train.count / batchSize);
  const started = clock.now();

  let state: LoopState = input.resume?.state ?? {
    epoch: 0,
    phase: 'train',
    phaseEpoch: 0,
    history: [],
    phases: [],
    phaseDone: false,
    trainingMs: 0,
    imagesSeen: 0,
    peakTensorBytes: 0,
  };
  let best: SavedTensor[] | undefined = input.resume?.best;
  if (input.resume) await executor.restoreWeights(input.resume.weights);
  const first = phases.findIndex((p) => p.name === state.phase);

  for (let pi = first; pi < phases.length; pi++) {
    const phase = phases[pi]!;
    const continuing = input.resume !== undefined && pi === first;
    // A checkpoint written at the end of a phase resumes with the next phase.
    if (continuing && (state.phaseDone || state.phaseEpoch >= phase.epochs)) continue;
    await executor.startPhase(spec.optimizer, phase.learningRate, phase.name === 'fineTune' ? spec.fineTune?.unfreeze : undefined);
    if (continuing) {
      await executor.restoreOptimizer(input.resume!.optimizer);
    } else {
      best = undefined;
      state = {
        ...state,
        phase: phase.name,
        phaseEpoch: 0,
        phaseDone: false,
        phases: [...state.phases, { phase: phase.name, firstEpoch: state.epoch + 1, lastEpoch: state.epoch }],
        plateau: phase.schedule.type === 'reduceOnPlateau' ? plateauState(phase.schedule) : undefined,
        earlyStopping: phase.earlyStopping ? earlyStoppingState(phase.earlyStopping) : undefined,
      };
    }

    while (state.phaseEpoch < phase.epochs && !state.phaseDone) {
      const e0 = state.phaseEpoch;
      const epoch = state.epoch + 1;
      const factor = phase.schedule.type === 'reduceOnPlateau' ? state.plateau!.factor : scheduledFactor(phase.schedule, e0, phase.epochs);
      const lr = phase.learningRate * factor;
      await executor.setLearningRate(lr);

      const order = permutation(input.train.count, mulberry32(deriveSeed(input.shuffleSeed, `epoch:${epoch}`)));
      let lossSum = 0;
      let correct = 0;
      let trainingMs = state.trainingMs;
      let imagesSeen = state.imagesSeen;
      for (let b = 0; b < batches; b++) {
        const t0 = clock.now();
        const start = b * batchSize;
        const end = Math.min(start + batchSize, input.train.count);
        const result = await executor.step(order, start, end, { epoch, batch: b, step: (epoch - 1) * batches + b });
        if (!Number.isFinite(result.loss)) throw new TrainingDiverged(epoch, b + 1, state.history);
        lossSum += result.loss * (end - start);
        correct += result.correct;
        trainingMs += clock.now() - t0;
        imagesSeen += end - start;
        const rate = imagesSeen / Math.max(trainingMs / 1000, 1e-9);
        const remaining = (totalEpochs - epoch) * input.train.count + (input.train.count - end);
        if (b + 1 < batches) {
          input.onProgress?.({ epoch, epochs: totalEpochs, batch: b + 1, batches, loss: lossSum / end, imagesPerSecond: rate, etaSeconds: remaining / rate });
        }
      }

      const row = await epochRow(input, epoch, lossSum / input.train.count, correct / input.train.count, lr);
      // The batch losses are computed before each update and clipped (log of at least 1e-7), so a
      // last update that overflows the weights only shows in the validation loss or the weights.
      const weights = await executor.captureWeights();
      if ((row.val_loss !== null && !Number.isFinite(row.val_loss)) || !weights.every((w) => w.values.every(Number.isFinite))) {
        throw new TrainingDiverged(epoch, batches, state.history, 'weights');
      }
      const history = [...state.history, row];
      const rate = imagesSeen / Math.max(trainingMs / 1000, 1e-9);
      input.onProgress?.({
        epoch,
        epochs: totalEpochs,
        batch: batches,
        batches,
        loss: row.loss,
        imagesPerSecond: rate,
        etaSeconds: ((totalEpochs - epoch) * input.train.count) / rate,
        row,
      });

      let plateau = state.plateau;
      if (phase.schedule.type === 'reduceOnPlateau') plateau = observePlateau(phase.schedule, plateau!, monitorValue(row, phase.schedule.monitor));
      let earlyStopping = state.earlyStopping;
      let phaseDone = false;
      const record = { ...state.phases.at(-1)!, lastEpoch: epoch };
      if (phase.earlyStopping) {
        const observed = observeEarlyStopping(phase.earlyStopping, earlyStopping!, epoch, monitorValue(row, phase.earlyStopping.monitor));
        earlyStopping = observed.state;
        if (observed.improved && phase.earlyStopping.restoreBest) best = weights;
        if (earlyStopping.stoppedEpoch > 0) {
          phaseDone = true;
          record.stoppedEpoch = epoch;
        }
      }
      const phaseEnds = phaseDone || e0 + 1 === phase.epochs;
      if (phaseEnds && phase.earlyStopping?.restoreBest && best && earlyStopping!.bestEpoch !== epoch) {
        await executor.restoreWeights(best);
        record.restoredEpoch = earlyStopping!.bestEpoch;
      }
      state = {
        ...state,
        epoch,
        phaseEpoch: e0 + 1,
        history,
        phases: [...state.phases.slice(0, -1), record],
        plateau,
        earlyStopping,
        phaseDone,
        trainingMs,
        imagesSeen,
        peakTensorBytes: Math.max(state.peakTensorBytes, await executor.tensorBytes()),
      };
      if (input.saveCheckpoint) {
        await input.saveCheckpoint({
          state,
          // Captured again: restoring the best epoch's weights may have replaced them since.
          weights: await executor.captureWeights(),
          optimizer: await executor.captureOptimizer(),
          ...(best && { best }),
        });
      }
    }
  }
  return {
    history: state.history,
    phases: state.phases,
    seconds: (clock.now() - started) / 1000,
    imagesPerSecond: state.imagesSeen / Math.max(state.trainingMs / 1000, 1e-9),
    peakTensorBytes: state.peakTensorBytes,
  };
}

async function epochRow(input: TrainInput, epoch: number, loss: number, acc: number, lr: number): Promise<HistoryRow> {
  let valLoss: number | null = null;
  let valAcc: number | null = null;
  if (input.validation.count > 0) {
    const probs = await input.executor.predictValidation();
    const k = input.numClasses;
    valLoss = objectiveOnArrays(probs, input.validation.labels, k, input.spec.labelSmoothing) + (await input.executor.penalty());
    valAcc = accuracy(argmaxRows(probs, k), input.validation.labels);
  }
  return { epoch, loss, accuracy: acc, val_loss: valLoss, val_accuracy: valAcc, lr };
}

/**
 * Loss or weights became NaN or infinite: training cannot continue meaningfully. `history` holds
 * the completed epochs before the one that diverged.
 */
export class TrainingDiverged extends UserError {
  override name = 'TrainingDiverged';
  readonly epoch: number;
  readonly batch: number;
  readonly history: HistoryRow[];
  constructor(epoch: number, batch: number, history: HistoryRow[], what: 'loss' | 'weights' = 'loss') {
    super(
      `Training diverged: the ${what === 'loss' ? 'loss' : "model's weights"} became NaN or infinite at epoch ${epoch}, batch ${batch}. ` +
        `Lower train.optimizer's learningRate (for example by a factor of 10) and run again.`,
    );
    this.epoch = epoch;
    this.batch = batch;
    this.history = history;
  }
}

/**
 * The seeded training loop.
 *
 * We do not use `model.fit`: it shuffles with Math.random, so two runs with the same seed
 * would differ. Instead each epoch draws its permutation from a stream derived from the
 * `shuffle` seed and the epoch number (so a run resumed at epoch e draws the same batches),
 * and each batch goes through `trainOnBatch`. Validation loss/accuracy use the same
 * definitions as the test metrics (analysis/metrics).
 */
import * as tf from '@tensorflow/tfjs';
import type { ExperimentSpec, OptimizerSpec } from '../config/spec.ts';
import { gatherBatch } from '../data/preprocess.ts';
import { deriveSeed, mulberry32, permutation } from '../lib/rng.ts';
import { accuracy, argmaxRows, crossEntropy } from '../analysis/metrics/classification.ts';
import { predictProbabilities } from './predict.ts';
import type { Clock } from '../lib/clock.ts';
import { UserError } from '../lib/errors.ts';

/** One epoch of history, as published in history.csv. Epochs are 1-based. */
export interface HistoryRow {
  epoch: number;
  loss: number;
  accuracy: number;
  val_loss: number | null;
  val_accuracy: number | null;
  lr: number;
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

export interface LabeledSplit {
  pixels: Uint8Array;
  labels: Uint8Array;
  count: number;
}

export interface TrainInput {
  model: tf.LayersModel;
  train: ExperimentSpec['train'];
  shuffleSeed: number;
  shape: [number, number, number];
  numClasses: number;
  trainSplit: LabeledSplit;
  validationSplit: LabeledSplit;
  clock: Clock;
  onProgress?: (p: TrainProgress) => void;
}

export interface TrainResult {
  history: HistoryRow[];
  seconds: number;
  /** Training images per second over the whole run (excluding validation). */
  imagesPerSecond: number;
}

function makeOptimizer(spec: OptimizerSpec): tf.Optimizer {
  switch (spec.type) {
    case 'adam':
      return tf.train.adam(spec.learningRate, spec.beta1, spec.beta2, spec.epsilon);
    case 'sgd':
      return spec.momentum > 0 ? tf.train.momentum(spec.learningRate, spec.momentum) : tf.train.sgd(spec.learningRate);
  }
}

/** Train `model` in place; returns the per-epoch history. */
export async function trainModel(input: TrainInput): Promise<TrainResult> {
  const { model, train, shape, numClasses, trainSplit, validationSplit, clock } = input;
  const optimizer = makeOptimizer(train.optimizer);
  model.compile({ optimizer, loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  try {
    return await trainLoop(input, optimizer);
  } finally {
    // tfjs models do not own optimizers passed as objects: Adam's slot variables would leak.
    optimizer.dispose();
  }
}

async function trainLoop(input: TrainInput, optimizer: tf.Optimizer): Promise<TrainResult> {
  const { model, train, shape, numClasses, trainSplit, clock } = input;

  const perImage = shape[0] * shape[1] * shape[2];
  const batchSize = Math.min(train.batchSize, trainSplit.count);
  const batches = Math.ceil(trainSplit.count / batchSize);
  const xBuffer = new Float32Array(batchSize * perImage);
  const yBuffer = new Float32Array(batchSize * numClasses);
  const history: HistoryRow[] = [];
  const started = clock.now();
  let trainingMs = 0;
  let imagesSeen = 0;

  for (let epoch = 1; epoch <= train.epochs; epoch++) {
    const order = permutation(trainSplit.count, mulberry32(deriveSeed(input.shuffleSeed, `epoch:${epoch}`)));
    let lossSum = 0;
    let accSum = 0;
    for (let b = 0; b < batches; b++) {
      const batchStart = clock.now();
      const start = b * batchSize;
      const end = Math.min(start + batchSize, trainSplit.count);
      const n = end - start;
      gatherBatch(trainSplit.pixels, order, start, end, perImage, xBuffer);
      yBuffer.fill(0);
      for (let i = 0; i < n; i++) yBuffer[i * numClasses + trainSplit.labels[order[i + start]!]!] = 1;
      const xs = tf.tensor4d(xBuffer.subarray(0, n * perImage), [n, ...shape]);
      const ys = tf.tensor2d(yBuffer.subarray(0, n * numClasses), [n, numClasses]);
      const [loss, acc] = (await model.trainOnBatch(xs, ys)) as number[];
      xs.dispose();
      ys.dispose();
      if (!Number.isFinite(loss!)) {
        throw new TrainingDiverged(epoch, b + 1);
      }
      lossSum += loss! * n;
      accSum += acc! * n;
      trainingMs += clock.now() - batchStart;
      imagesSeen += n;
      const rate = imagesSeen / Math.max(trainingMs / 1000, 1e-9);
      const remaining = (train.epochs - epoch) * trainSplit.count + (trainSplit.count - end);
      const progress: TrainProgress = { epoch, epochs: train.epochs, batch: b + 1, batches, loss: lossSum / end, imagesPerSecond: rate, etaSeconds: remaining / rate };
      if (b + 1 < batches) input.onProgress?.(progress);
      else {
        const row = epochRow(epoch, lossSum / trainSplit.count, accSum / trainSplit.count, optimizer, input);
        history.push(row);
        input.onProgress?.({ ...progress, row });
      }
    }
  }
  return { history, seconds: (clock.now() - started) / 1000, imagesPerSecond: imagesSeen / Math.max(trainingMs / 1000, 1e-9) };
}

function epochRow(epoch: number, loss: number, acc: number, optimizer: tf.Optimizer, input: TrainInput): HistoryRow {
  let valLoss: number | null = null;
  let valAcc: number | null = null;
  if (input.validationSplit.count > 0) {
    const probs = predictProbabilities(input.model, input.validationSplit, input.shape);
    valLoss = crossEntropy(probs, input.validationSplit.labels, input.numClasses);
    valAcc = accuracy(argmaxRows(probs, input.numClasses), input.validationSplit.labels);
  }
  const lr = (optimizer as unknown as { learningRate: number }).learningRate;
  return { epoch, loss, accuracy: acc, val_loss: valLoss, val_accuracy: valAcc, lr };
}

/** Loss became NaN or infinite: training cannot continue meaningfully. */
export class TrainingDiverged extends UserError {
  override name = 'TrainingDiverged';
  readonly epoch: number;
  readonly batch: number;
  constructor(epoch: number, batch: number) {
    super(
      `Training diverged: the loss became NaN or infinite at epoch ${epoch}, batch ${batch}. ` +
        `Lower train.optimizer's learningRate (for example by a factor of 10) and run again.`,
    );
    this.epoch = epoch;
    this.batch = batch;
  }
}

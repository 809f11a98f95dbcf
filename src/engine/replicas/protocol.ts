/**
 * Messages between the main thread (pool.ts) and replica workers (worker.ts). Every request
 * carries an id; the worker answers each with a Reply of the same id, in order.
 */
import type { LayerSelector, ModelSpec, OptimizerSpec, Seeds } from '../../config/spec.ts';
import type { BackendName } from '../backend.ts';
import type { SavedTensor } from '../checkpoint.ts';
import type { StepPosition } from '../executor.ts';
import type { StepSettings } from '../step.ts';
import type { ExchangeBuffers } from './exchange.ts';

/** What a replica needs to build the same model as every other replica. */
export interface ModelRecipe {
  model: ModelSpec;
  inputShape: [number, number, number];
  numClasses: number;
  seeds: Pick<Seeds, 'init' | 'dropout'>;
}

/** The training data in shared memory: pixels as uint8, labels as uint8, the epoch order as int32. */
export interface SharedSplits {
  trainPixels: SharedArrayBuffer;
  trainLabels: SharedArrayBuffer;
  trainCount: number;
  validationPixels: SharedArrayBuffer;
  validationCount: number;
  /** The current epoch's permutation of the training split (written by the main thread). */
  order: SharedArrayBuffer;
  /** Validation probabilities, validationCount × numClasses floats (written by the replicas). */
  validationProbs: SharedArrayBuffer;
}

export type Request =
  | { cmd: 'init'; backend: BackendName; replica: number; replicas: number }
  | { cmd: 'setup'; recipe: ModelRecipe; settings: StepSettings; data: SharedSplits; batchSize: number; exchange: ExchangeBuffers }
  | { cmd: 'startPhase'; optimizer: OptimizerSpec; learningRate: number; unfreeze?: LayerSelector }
  | { cmd: 'setLearningRate'; learningRate: number }
  | { cmd: 'step'; start: number; end: number; at: StepPosition }
  | { cmd: 'predictValidation' }
  | { cmd: 'penalty' }
  | { cmd: 'captureWeights' }
  | { cmd: 'restoreWeights'; weights: SavedTensor[] }
  | { cmd: 'captureOptimizer' }
  | { cmd: 'restoreOptimizer'; saved: SavedTensor[] }
  | { cmd: 'tensorBytes' }
  /** Class probabilities of this replica's share of `count` uint8 images, `batchSize` at a time, into `out`. */
  | { cmd: 'predict'; pixels: SharedArrayBuffer; count: number; shape: [number, number, number]; out: SharedArrayBuffer; numClasses: number; batchSize: number }
  | { cmd: 'teardown' };

export type Envelope = Request & { id: number };

export type Reply = { id: number; ok: true; value: unknown } | { id: number; ok: false; message: string; user: boolean; stack?: string };

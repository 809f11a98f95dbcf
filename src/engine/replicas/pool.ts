/**
 * Data-parallel training on the wasm and cpu backends: worker threads, each a replica with its
 * own tfjs instance, splitting every batch between them (see replica.ts for the step).
 *
 * tfjs's wasm backend runs on one thread in Node; replicas are how a build uses every core.
 * The number of replicas is part of the training cache key: each replica normalizes batch
 * norm over its share of the batch (the usual data-parallel semantics), so results are
 * reproducible for the same replica count, not across counts.
 *
 * A replica that fails mid-step would leave the others waiting at the exchange barrier, so any
 * failure terminates the whole pool; the next experiment starts a fresh one.
 */
import { Worker } from 'node:worker_threads';
import type { LayerSelector, OptimizerSpec } from '../../config/spec.ts';
import { UserError } from '../../lib/errors.ts';
import type { BackendName } from '../backend.ts';
import type { SavedTensor } from '../checkpoint.ts';
import type { Executor, StepPosition } from '../executor.ts';
import type { LabeledSplit } from '../local-executor.ts';
import type { StepResult, StepSettings } from '../step.ts';
import { allocateExchange } from './exchange.ts';
import type { Envelope, ModelRecipe, Reply, Request, SharedSplits } from './protocol.ts';

const WORKER = new URL('./worker.ts', import.meta.url);

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

/** Worker threads ready to train; reuse one pool for every experiment of a build. */
export class ReplicaPool {
  readonly size: number;
  private readonly workers: Worker[];
  private readonly pending: Map<number, Pending>[];
  private nextId = 0;
  private failure: Error | undefined;

  private constructor(size: number) {
    this.size = size;
    this.workers = Array.from({ length: size }, () => new Worker(WORKER));
    this.pending = this.workers.map(() => new Map());
    this.workers.forEach((worker, r) => {
      worker.on('message', (reply: Reply) => this.settle(r, reply));
      worker.on('error', (error) => this.fail(error));
      worker.on('exit', (code) => {
        if (!this.failure) this.fail(new Error(`replica worker ${r} exited unexpectedly (code ${code}).`));
      });
    });
  }

  /** Start `size` replica workers on `backend`. */
  static async start(size: number, backend: BackendName): Promise<ReplicaPool> {
    const pool = new ReplicaPool(size);
    await pool.all((r) => ({ cmd: 'init', backend, replica: r, replicas: size }));
    return pool;
  }

  /** True once a failure has stopped the pool. */
  get broken(): boolean {
    return this.failure !== undefined;
  }

  private settle(r: number, reply: Reply): void {
    const pending = this.pending[r]!.get(reply.id);
    if (!pending) return;
    this.pending[r]!.delete(reply.id);
    if (reply.ok) pending.resolve(reply.value);
    else {
      const error = reply.user ? new UserError(reply.message) : new Error(reply.message);
      if (reply.stack) error.stack = reply.stack;
      // Another replica may be blocked at the barrier waiting for this one.
      this.fail(error);
      pending.reject(error);
    }
  }

  private fail(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    for (const worker of this.workers) void worker.terminate();
    for (const map of this.pending) {
      for (const p of map.values()) p.reject(error);
      map.clear();
    }
  }

  /** Send a request to replica `r`. */
  ask<T>(r: number, request: Request): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending[r]!.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.workers[r]!.postMessage({ ...request, id } satisfies Envelope);
    });
  }

  /** Send a request to every replica; resolves with their answers in replica order. */
  all<T>(request: (r: number) => Request): Promise<T[]> {
    return Promise.all(this.workers.map((_, r) => this.ask<T>(r, request(r))));
  }

  /** Prepare every replica to train the recipe's model on these splits. */
  async trainer(recipe: ModelRecipe, settings: StepSettings, train: LabeledSplit, validation: LabeledSplit, batchSize: number): Promise<ReplicaExecutor> {
    const shared = (bytes: Uint8Array) => {
      const buffer = new SharedArrayBuffer(bytes.byteLength);
      new Uint8Array(buffer).set(bytes);
      return buffer;
    };
    const data: SharedSplits = {
      trainPixels: shared(train.pixels),
      trainLabels: shared(train.labels),
      trainCount: train.count,
      validationPixels: shared(validation.pixels),
      validationCount: validation.count,
      order: new SharedArrayBuffer(train.count * 4),
      validationProbs: new SharedArrayBuffer(validation.count * settings.numClasses * 4),
    };
    // Slots hold every weight of the model (an upper bound on gradients + statistics) plus loss and count.
    const weights = await this.workersWeightCount(recipe);
    const exchange = allocateExchange(this.size, weights + 2);
    await this.all(() => ({ cmd: 'setup', recipe, settings, data, batchSize, exchange }));
    return new ReplicaExecutor(this, data, settings.numClasses);
  }

  private async workersWeightCount(recipe: ModelRecipe): Promise<number> {
    const { buildModel } = await import('../../model/build.ts');
    const { model } = await buildModel(recipe.model, { inputShape: recipe.inputShape, numClasses: recipe.numClasses, seeds: recipe.seeds });
    const count = model.countParams();
    model.dispose();
    return count;
  }

  /**
   * Class probabilities [count × numClasses] of uint8 images through the replicas' current
   * model; each replica takes a contiguous share and runs it `batchSize / replicas` at a time.
   */
  async predict(images: { pixels: Uint8Array; count: number }, shape: [number, number, number], numClasses: number, batchSize = 256): Promise<Float32Array> {
    const pixels = new SharedArrayBuffer(images.pixels.byteLength);
    new Uint8Array(pixels).set(images.pixels);
    const out = new SharedArrayBuffer(images.count * numClasses * 4);
    const perReplica = Math.max(1, Math.ceil(batchSize / this.size));
    await this.all(() => ({ cmd: 'predict', pixels, count: images.count, shape, out, numClasses, batchSize: perReplica }));
    return new Float32Array(out).slice();
  }

  /** Stop every worker. */
  async close(): Promise<void> {
    this.failure ??= new Error('the replica pool was closed.');
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** The Executor over a pool: the training loop drives every replica in lock-step. */
export class ReplicaExecutor implements Executor {
  private readonly pool: ReplicaPool;
  private readonly order: Int32Array;
  private readonly validationProbs: Float32Array;
  private currentOrder: Int32Array | undefined;

  constructor(pool: ReplicaPool, data: SharedSplits, numClasses: number) {
    this.pool = pool;
    this.order = new Int32Array(data.order);
    this.validationProbs = new Float32Array(data.validationProbs, 0, data.validationCount * numClasses);
  }

  async startPhase(optimizer: OptimizerSpec, learningRate: number, unfreeze?: LayerSelector): Promise<void> {
    await this.pool.all(() => ({ cmd: 'startPhase', optimizer, learningRate, ...(unfreeze && { unfreeze }) }));
  }

  async setLearningRate(learningRate: number): Promise<void> {
    await this.pool.all(() => ({ cmd: 'setLearningRate', learningRate }));
  }

  async step(order: Int32Array, start: number, end: number, at: StepPosition): Promise<StepResult> {
    if (order !== this.currentOrder) {
      this.order.set(order);
      this.currentOrder = order;
    }
    const results = await this.pool.all<StepResult>(() => ({ cmd: 'step', start, end, at }));
    return results[0]!;
  }

  async predictValidation(): Promise<Float32Array> {
    await this.pool.all(() => ({ cmd: 'predictValidation' }));
    return this.validationProbs.slice();
  }

  penalty(): Promise<number> {
    return this.pool.ask<number>(0, { cmd: 'penalty' });
  }

  captureWeights(): Promise<SavedTensor[]> {
    return this.pool.ask<SavedTensor[]>(0, { cmd: 'captureWeights' });
  }

  async restoreWeights(weights: SavedTensor[]): Promise<void> {
    await this.pool.all(() => ({ cmd: 'restoreWeights', weights }));
  }

  captureOptimizer(): Promise<SavedTensor[]> {
    return this.pool.ask<SavedTensor[]>(0, { cmd: 'captureOptimizer' });
  }

  async restoreOptimizer(saved: SavedTensor[]): Promise<void> {
    await this.pool.all(() => ({ cmd: 'restoreOptimizer', saved }));
  }

  async tensorBytes(): Promise<number> {
    return (await this.pool.all<number>(() => ({ cmd: 'tensorBytes' }))).reduce((a, b) => a + b, 0);
  }

  async dispose(): Promise<void> {
    if (!this.pool.broken) await this.pool.all(() => ({ cmd: 'teardown' }));
  }
}

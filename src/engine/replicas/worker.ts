/**
 * Entry point of a replica worker thread: starts tfjs on the requested backend (with
 * convlens's wasm kernels), then answers the pool's requests one at a time, in order.
 */
import { parentPort } from 'node:worker_threads';
import { UserError } from '../../lib/errors.ts';
import { initEngine } from '../backend.ts';
import type { Envelope, Reply } from './protocol.ts';
import { predictProbabilities } from '../predict.ts';
import { Replica, share } from './replica.ts';

const port = parentPort!;
let index = 0;
let count = 1;
let replica: Replica | undefined;

function dropModels(): void {
  replica?.dispose();
  replica = undefined;
}

async function handle(request: Envelope): Promise<unknown> {
  switch (request.cmd) {
    case 'init': {
      index = request.replica;
      count = request.replicas;
      const engine = await initEngine(request.backend);
      return engine.backend;
    }
    case 'setup':
      dropModels();
      replica = await Replica.create(index, count, request);
      return null;
    case 'predict': {
      const model = replica?.model;
      if (!model) throw new Error('predict before setup');
      const [lo, hi] = share(request.count, index, count);
      const perImage = request.shape[0] * request.shape[1] * request.shape[2];
      const pixels = new Uint8Array(request.pixels, lo * perImage, (hi - lo) * perImage);
      const probs = predictProbabilities(model, { pixels, count: hi - lo }, request.shape, request.batchSize);
      new Float32Array(request.out).set(probs, lo * request.numClasses);
      return null;
    }
    case 'startPhase':
      return replica!.startPhase(request.optimizer, request.learningRate, request.unfreeze);
    case 'setLearningRate':
      return replica!.setLearningRate(request.learningRate);
    case 'step':
      return replica!.step(request.start, request.end, request.at);
    case 'predictValidation':
      return replica!.predictValidation();
    case 'penalty':
      return replica!.penalty();
    case 'captureWeights':
      return replica!.captureWeights();
    case 'restoreWeights':
      return replica!.restoreWeights(request.weights);
    case 'captureOptimizer':
      return replica!.captureOptimizer();
    case 'restoreOptimizer':
      return replica!.restoreOptimizer(request.saved);
    case 'tensorBytes': {
      const tf = await import('@tensorflow/tfjs');
      return tf.memory().numBytes;
    }
    case 'teardown':
      dropModels();
      return null;
  }
}

// Requests are handled strictly one after another: a step must never overlap another request.
let queue = Promise.resolve();
port.on('message', (request: Envelope) => {
  queue = queue.then(async () => {
    let reply: Reply;
    try {
      reply = { id: request.id, ok: true, value: (await handle(request)) ?? null };
    } catch (error) {
      const e = error instanceof Error ? error : new Error(String(error));
      reply = { id: request.id, ok: false, message: e.message, user: error instanceof UserError, ...(e.stack !== undefined && { stack: e.stack }) };
    }
    port.postMessage(reply);
  });
});

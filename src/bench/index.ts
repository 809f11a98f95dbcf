/**
 * `convlens bench`: training and inference throughput of the benchmark models on the backend in
 * use, measured as BENCHMARK.md prescribes so the figures compare with the PyTorch anchor:
 *
 *   training   Adam, batch 64, categorical cross-entropy, 512 random images; best of 3 passes
 *              after a warm-up pass; through the same executor `convlens run` trains with
 *              (data-parallel replicas on wasm/cpu)
 *   inference  batch 256 (split across the replicas), the same 512 images; best of 3 after a warm-up
 *   explain    images/s of Grad-CAM, saliency, SmoothGrad, Integrated Gradients and occlusion (bench/explain.ts)
 *   data       decode + resize of generated JPEG/PNG photos (bench/decode.ts) and augmentation with
 *              the book chapter's settings (bench/augment.ts), to show the input path keeps up
 *
 * Random data is fine: this measures speed, not learning.
 */
import type { OptimizerSpec } from '../config/spec.ts';
import { mulberry32 } from '../lib/rng.ts';
import type { Clock } from '../lib/clock.ts';
import type { BackendName, BackendRequest } from '../engine/backend.ts';
import type { Executor } from '../engine/executor.ts';
import { BENCH_MODELS, type BenchModel } from './models.ts';
import { bestTime, perSecond } from './timing.ts';
import type { DecodeBenchReport } from './decode.ts';
import type { ExplainBenchReport } from './explain.ts';

/** What `convlens bench --json` prints (BENCHMARK.md). */
export interface BenchReport {
  backend: BackendName;
  tfjs: string;
  node: string;
  replicas: number;
  models: Record<string, { train_img_s: number; infer_img_s: number; explain?: ExplainBenchReport }>;
  /** The data path: decoding + resizing photos, and augmenting batches (one thread, the book chapter's settings). */
  data?: { decode: DecodeBenchReport; augment_img_s: Record<string, number> };
}

export interface BenchOptions {
  backend: BackendRequest;
  /** Data-parallel replicas on wasm/cpu (the experiment default is 2). */
  replicas: number;
  clock: Clock;
  /** Progress lines ("small-cnn-28x28x1: training…"). */
  onProgress?: (line: string) => void;
  /** The models to measure (default: BENCHMARK.md's two); tests pass tiny ones. */
  models?: BenchModel[];
  /** Also measure decoding and augmentation (default true). */
  data?: boolean;
  /** Also measure the explanation methods on each model, one process (default true). */
  explain?: boolean;
}

const IMAGES = 512;
const TRAIN_BATCH = 64;
const INFER_BATCH = 256;
const ADAM: OptimizerSpec = { type: 'adam', learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, weightDecay: 0 };

function randomImages(shape: [number, number, number], seed: number) {
  const random = mulberry32(seed);
  const size = shape[0] * shape[1] * shape[2];
  return {
    pixels: Uint8Array.from({ length: IMAGES * size }, () => Math.floor(random() * 256)),
    labels: Uint8Array.from({ length: IMAGES }, () => Math.floor(random() * 10)),
    count: IMAGES,
  };
}

/** Images per second of the best of 3 timed runs of `pass` (after one untimed warm-up). */
async function bestRate(clock: Clock, pass: () => Promise<void>): Promise<number> {
  return perSecond(IMAGES, await bestTime(clock, 3, pass));
}

async function trainRate(executor: Executor, clock: Clock): Promise<number> {
  await executor.startPhase(ADAM, ADAM.learningRate);
  const order = Int32Array.from({ length: IMAGES }, (_, i) => i);
  let step = 0;
  return bestRate(clock, async () => {
    for (let start = 0; start < IMAGES; start += TRAIN_BATCH) await executor.step(order, start, start + TRAIN_BATCH, { epoch: 1, batch: start / TRAIN_BATCH, step: step++ });
  });
}

/** Measure both benchmark models. */
export async function runBench(options: BenchOptions): Promise<BenchReport> {
  const { initEngine } = await import('../engine/backend.ts');
  const engine = await initEngine(options.backend);
  const replicas = engine.backend === 'tensorflow' ? 1 : options.replicas;
  const report: BenchReport = { backend: engine.backend, tfjs: engine.versions['tfjs'] ?? '', node: process.version, replicas, models: {} };
  const { buildModel } = await import('../model/build.ts');
  const { LocalExecutor } = await import('../engine/local-executor.ts');
  const { predictProbabilities } = await import('../engine/predict.ts');
  const { ReplicaPool } = await import('../engine/replicas/pool.ts');
  const pool = replicas > 1 ? await ReplicaPool.start(replicas, engine.backend) : undefined;
  try {
    for (const m of options.models ?? BENCH_MODELS) {
      const data = randomImages(m.shape, 1);
      const none = { pixels: new Uint8Array(0), labels: new Uint8Array(0), count: 0 };
      const settings = { shape: m.shape, numClasses: 10, labelSmoothing: 0 };
      const recipe = { model: m.model, inputShape: m.shape, numClasses: 10, seeds: { init: 1, dropout: 2 } };
      options.onProgress?.(`${m.name}: training`);
      let train: number;
      let infer: number;
      if (pool) {
        const executor = await pool.trainer(recipe, settings, data, none, TRAIN_BATCH);
        train = await trainRate(executor, options.clock);
        options.onProgress?.(`${m.name}: inference`);
        infer = await bestRate(options.clock, async () => void (await pool.predict(data, m.shape, 10, INFER_BATCH)));
        await executor.dispose();
      } else {
        const built = await buildModel(m.model, recipe);
        const { model } = built;
        const executor = new LocalExecutor(built, settings, data, none, TRAIN_BATCH);
        train = await trainRate(executor, options.clock);
        options.onProgress?.(`${m.name}: inference`);
        infer = await bestRate(options.clock, async () => void predictProbabilities(model, data, m.shape, INFER_BATCH));
        await executor.dispose();
        model.dispose();
      }
      report.models[m.name] = { train_img_s: train, infer_img_s: infer };
      if (options.explain ?? true) {
        options.onProgress?.(`${m.name}: explanations`);
        const { benchExplain } = await import('./explain.ts');
        const { model } = await buildModel(m.model, recipe);
        report.models[m.name]!.explain = benchExplain(model, m.shape, { clock: options.clock });
        model.dispose();
      }
    }
  } finally {
    await pool?.close();
  }
  if (options.data ?? true) {
    options.onProgress?.('data: decoding and augmentation');
    const { measureDecode } = await import('./decode.ts');
    const { measureAugment } = await import('./augment.ts');
    report.data = { decode: await measureDecode({ clock: options.clock }), augment_img_s: measureAugment({ clock: options.clock }) };
  }
  return report;
}

/**
 * Benchmark for the wasm training kernels (src/engine/kernels/). Not part of the test suite.
 *
 *   node scripts/bench-kernels.ts [stock|ours] [profile] [micro] [small|resnet|bundled ...]
 *
 * - `ours` (default) registers convlens's kernels; `stock` runs tfjs-backend-wasm as shipped
 *   (it cannot train a conv2d, so only `micro` forward/dInput figures make sense there).
 * - Models (default: small and resnet unless only `micro` is asked for, the two of /work/shared/design/BENCHMARK.md): training
 *   img/s (Adam, batch 64, 512 random images = 8 trainOnBatch calls, best of 3 passes after a
 *   warm-up pass) and inference img/s (batch 256, 512 images, best of 3 after a warm-up).
 * - `profile`: kernel ms per training step and per inference batch (tf.profile, summed by kernel
 *   name, with call counts), best of 3 profiled steps per kernel.
 * - `micro`: GFLOP/s (2·N·OH·OW·KH·KW·Cin·Cout per call) of forward conv, dInput and dFilter for
 *   the benchmark models' conv shapes at batch 64.
 * Runs on one thread (the wasm backend's non-threaded SIMD build).
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { buildLayersModel } from '../src/model/build.ts';
import { presetLayers } from '../src/model/presets.ts';
import { loadExperiments } from '../src/config/index.ts';
import type { LayerSpec } from '../src/config/spec.ts';
import { bestTime } from '../src/bench/timing.ts';
import { systemClock } from '../src/lib/clock.ts';

await tf.setBackend('wasm');
const args = process.argv.slice(2);
const mode = args.includes('stock') ? 'stock' : 'ours';
if (mode === 'ours') {
  const { registerWasmTrainingKernels } = await import('../src/engine/kernels/index.ts');
  registerWasmTrainingKernels();
}

interface ModelCase { name: string; key: string; input: [number, number, number]; layers: LayerSpec[] }
// The two benchmark models are the presets (BENCHMARK.md); the bundled experiment's layers come from its YAML.
const bundled = (await loadExperiments(['experiments/fashion-mnist-cnn.yaml'])).experiments[0]!.model;
const models: ModelCase[] = [
  { name: 'small-cnn-28x28x1', key: 'small', input: [28, 28, 1], layers: presetLayers('simple-cnn', 1, 10) },
  { name: 'resnet-w16-32x32x3', key: 'resnet', input: [32, 32, 3], layers: presetLayers('resnet', 0.25, 10) },
  { name: 'bundled fashion-mnist-cnn', key: 'bundled', input: [28, 28, 1], layers: bundled.kind === 'layers' ? bundled.layers : [] },
];

const chosen = models.filter((m) => args.includes(m.key));
const run = chosen.length > 0 ? chosen : args.includes('micro') ? [] : models.slice(0, 2);

const best = (reps: number, f: () => Promise<void>): Promise<number> => bestTime(systemClock, reps, f);

/** Kernel ms by name for one call of `f`, best of 3 profiled runs per kernel, with call counts. */
async function profile(f: () => Promise<void>): Promise<string> {
  const bestMs = new Map<string, number>();
  const calls = new Map<string, number>();
  for (let r = 0; r < 3; r++) {
    const info = await tf.profile(f);
    const ms = new Map<string, number>();
    const count = new Map<string, number>();
    for (const k of info.kernels) {
      if (k.name.endsWith('__op')) continue; // op-level records wrap the kernels listed beside them
      ms.set(k.name, (ms.get(k.name) ?? 0) + (k.kernelTimeMs as number));
      count.set(k.name, (count.get(k.name) ?? 0) + 1);
    }
    for (const [k, v] of ms) bestMs.set(k, Math.min(bestMs.get(k) ?? Infinity, v));
    for (const [k, v] of count) calls.set(k, v);
  }
  const total = [...bestMs.values()].reduce((a, b) => a + b, 0);
  const top = [...bestMs].sort((a, b) => b[1] - a[1]).filter(([, v]) => v >= 0.5);
  return `total ${total.toFixed(0)} ms: ` + top.map(([k, v]) => `${k} ${v.toFixed(1)} (${calls.get(k)})`).join(', ');
}

if (mode === 'ours') {
  for (const m of run) {
    const n = 512;
    const xs = tf.randomNormal([n, ...m.input], 0, 1, 'float32', 4);
    const ys = tf.oneHot(tf.randomUniform([n], 0, 10, 'int32', 5) as tf.Tensor1D, 10);
    const batches = Array.from({ length: n / 64 }, (_, b) => [xs.slice(b * 64, 64), ys.slice(b * 64, 64)] as const);
    const inferBatches = Array.from({ length: n / 256 }, (_, b) => xs.slice(b * 256, 256));
    const model = buildLayersModel(m.layers, { inputShape: m.input, numClasses: 10, seeds: { init: 1, dropout: 2 } });
    const optimizer = tf.train.adam(0.001);
    model.compile({ optimizer, loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    const trainMs = await best(3, async () => {
      for (const [x, y] of batches) await model.trainOnBatch(x, y);
    });
    const infer = async (): Promise<void> => {
      for (const x of inferBatches) {
        const p = model.predict(x, { batchSize: 256 }) as tf.Tensor;
        p.dataSync();
        p.dispose();
      }
    };
    const inferMs = await best(3, infer);
    console.log(JSON.stringify({ model: m.name, train_img_s: Math.round(n / (trainMs / 1e3)), infer_img_s: Math.round(n / (inferMs / 1e3)) }));
    if (args.includes('profile')) {
      const [x, y] = batches[0]!;
      console.log(`  train step (batch 64) ${await profile(async () => void (await model.trainOnBatch(x, y)))}`);
      console.log(`  infer batch (256)     ${await profile(async () => {
        const p = model.predict(inferBatches[0]!, { batchSize: 256 }) as tf.Tensor;
        p.dataSync();
        p.dispose();
      })}`);
    }
    optimizer.dispose();
    model.dispose();
    tf.dispose([xs, ys, ...batches.flat(), ...inferBatches]);
  }
}

if (args.includes('micro')) {
  type Shape = { n: number; h: number; w: number; cin: number; cout: number; k: number; s?: number };
  const shapes: Shape[] = [
    { n: 64, h: 28, w: 28, cin: 1, cout: 32, k: 3 },
    { n: 64, h: 14, w: 14, cin: 32, cout: 64, k: 3 },
    { n: 64, h: 7, w: 7, cin: 64, cout: 128, k: 3 },
    { n: 64, h: 32, w: 32, cin: 3, cout: 16, k: 3 },
    { n: 64, h: 32, w: 32, cin: 16, cout: 16, k: 3 },
    { n: 64, h: 16, w: 16, cin: 32, cout: 32, k: 3 },
    { n: 64, h: 8, w: 8, cin: 64, cout: 64, k: 3 },
    { n: 64, h: 16, w: 16, cin: 16, cout: 32, k: 1 },
    { n: 64, h: 32, w: 32, cin: 16, cout: 32, k: 3, s: 2 },
    { n: 64, h: 16, w: 16, cin: 32, cout: 64, k: 3, s: 2 },
  ];
  const ms = (g: () => tf.Tensor): number => {
    let bestMs = Infinity;
    for (let r = 0; r < 9; r++) {
      const t0 = performance.now();
      const t = g();
      t.dataSync();
      t.dispose();
      if (r >= 2) bestMs = Math.min(bestMs, performance.now() - t0);
    }
    return bestMs;
  };
  for (const s of shapes) {
    const x = tf.randomNormal([s.n, s.h, s.w, s.cin], 0, 1, 'float32', 1) as tf.Tensor4D;
    const f = tf.randomNormal([s.k, s.k, s.cin, s.cout], 0, 1, 'float32', 2) as tf.Tensor4D;
    const stride = s.s ?? 1;
    const [oh, ow] = [Math.ceil(s.h / stride), Math.ceil(s.w / stride)];
    const dy = tf.randomNormal([s.n, oh, ow, s.cout], 0, 1, 'float32', 3) as tf.Tensor4D;
    const gf = (2 * s.n * oh * ow * s.k * s.k * s.cin * s.cout) / 1e9;
    const row: Record<string, string> = { shape: `${s.h}x${s.w}x${s.cin}->${s.cout} k${s.k}${stride > 1 ? ` s${stride}` : ''}` };
    row['fwd GFLOP/s'] = (gf / (ms(() => tf.conv2d(x, f, stride, 'same')) / 1e3)).toFixed(1);
    row['dInput GFLOP/s'] = (gf / (ms(() => tf.conv2dTranspose(dy, f, x.shape, stride, 'same')) / 1e3)).toFixed(1);
    if (tf.getKernel('Conv2DBackpropFilter', 'wasm')) {
      const attrs = { strides: stride, pad: 'same', dataFormat: 'NHWC', filterShape: f.shape };
      row['dFilter GFLOP/s'] = (gf / (ms(() => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, attrs) as tf.Tensor) / 1e3)).toFixed(1);
    }
    console.log(JSON.stringify(row));
    tf.dispose([x, f, dy]);
  }
}

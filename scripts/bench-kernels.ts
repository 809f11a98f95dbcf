/**
 * Scratch benchmark for the wasm training kernels (src/engine/kernels/). Not part of the suite.
 *
 *   node scripts/bench-kernels.ts [variant...]
 *
 * Prints GFLOP/s (2·N·OH·OW·KH·KW·Cin·Cout per call) for the small-CNN layer shapes at batch 64.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';

await tf.setBackend('wasm');

type Shape = { n: number; h: number; w: number; cin: number; cout: number; k: number; stride: number };
const shapes: Shape[] = [
  { n: 64, h: 28, w: 28, cin: 1, cout: 32, k: 3, stride: 1 },
  { n: 64, h: 14, w: 14, cin: 32, cout: 64, k: 3, stride: 1 },
  { n: 64, h: 7, w: 7, cin: 64, cout: 128, k: 3, stride: 1 },
];

function flops(s: Shape): number {
  const oh = Math.ceil(s.h / s.stride);
  const ow = Math.ceil(s.w / s.stride);
  return 2 * s.n * oh * ow * s.k * s.k * s.cin * s.cout;
}

function time(f: () => void, reps: number): number {
  f();
  f();
  let best = Infinity;
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    f();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

const mode = process.argv[2] ?? 'stock';
if (mode === 'ours') {
  const { registerWasmTrainingKernels } = await import('../src/engine/kernels/index.ts');
  registerWasmTrainingKernels();
  const chunk = Number(process.argv[3] ?? 0);
  if (chunk > 0) {
    const { setBackpropFilterChunkFloats } = await import('../src/engine/kernels/conv2d-backprop-filter.ts');
    setBackpropFilterChunkFloats(chunk);
  }
}

for (const s of shapes) {
  const x = tf.randomNormal([s.n, s.h, s.w, s.cin], 0, 1, 'float32', 1) as tf.Tensor4D;
  const f = tf.randomNormal([s.k, s.k, s.cin, s.cout], 0, 1, 'float32', 2) as tf.Tensor4D;
  const y = tf.conv2d(x, f, s.stride, 'same');
  const dy = tf.randomNormal(y.shape, 0, 1, 'float32', 3) as tf.Tensor4D;
  const gf = flops(s) / 1e9;
  const row: Record<string, string> = { shape: `${s.h}x${s.w}x${s.cin}->${s.cout}` };
  const ms = (g: () => tf.Tensor): number =>
    time(() => {
      const t = g();
      t.dataSync();
      t.dispose();
    }, 7);
  const fwd = ms(() => tf.conv2d(x, f, s.stride, 'same'));
  row['fwd GFLOP/s'] = (gf / (fwd / 1e3)).toFixed(2);
  const bi = ms(() => tf.conv2dTranspose(dy, f, x.shape, s.stride, 'same'));
  row['dInput GFLOP/s'] = (gf / (bi / 1e3)).toFixed(2);
  if (tf.getKernel('Conv2DBackpropFilter', 'wasm')) {
    const attrs = { strides: s.stride, pad: 'same', dataFormat: 'NHWC', filterShape: f.shape };
    const bf = ms(() => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, attrs) as tf.Tensor);
    row['dFilter GFLOP/s'] = (gf / (bf / 1e3)).toFixed(2);
  }
  console.log(JSON.stringify(row));
  tf.dispose([x, f, y, dy]);
}

// Training throughput (Adam, batch 64, 512 random images, best of 3 passes after a warm-up):
// the bundled experiment's model (experiments/fashion-mnist-cnn.yaml, built by buildModel and
// trained with trainOnBatch like src/engine/train.ts) and the BENCHMARK.md small CNN.
// `profile` as an extra argument prints kernel ms per step (tf.profile) for the bundled model.
if (mode === 'ours') {
  const { buildModel } = await import('../src/model/build.ts');
  type LayerSpec = import('../src/config/spec.ts').LayerSpec;
  const conv = (filters: number): LayerSpec => ({ type: 'conv2d', filters, kernel: [3, 3], strides: [1, 1], padding: 'same', activation: 'relu', useBias: true });
  const pool: LayerSpec = { type: 'maxPool', size: [2, 2], strides: [2, 2], padding: 'valid' };
  const bn: LayerSpec = { type: 'batchNorm', momentum: 0.99, epsilon: 0.001 };
  const bundled: LayerSpec[] = [
    conv(16), bn, pool, conv(32), bn, pool, { type: 'flatten' },
    { type: 'dense', units: 128, activation: 'relu' }, { type: 'dropout', rate: 0.3 }, { type: 'dense', units: 10, activation: 'softmax' },
  ];
  const smallCnn: LayerSpec[] = [
    conv(32), bn, pool, conv(64), pool, conv(128), { type: 'globalAvgPool' }, { type: 'dense', units: 10, activation: 'softmax' },
  ];
  const xs = tf.randomNormal([512, 28, 28, 1], 0, 1, 'float32', 4);
  const ys = tf.oneHot(tf.randomUniform([512], 0, 10, 'int32', 5) as tf.Tensor1D, 10);
  const batches = Array.from({ length: 8 }, (_, b) => [xs.slice(b * 64, 64), ys.slice(b * 64, 64)] as const);
  for (const [name, layers] of [['bundled fashion-mnist-cnn', bundled], ['small-cnn-28x28x1', smallCnn]] as const) {
    const model = buildModel([...layers], { inputShape: [28, 28, 1], numClasses: 10, seeds: { init: 1, dropout: 2 } });
    const optimizer = tf.train.adam(0.001);
    model.compile({ optimizer, loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    const pass = async (): Promise<void> => {
      for (const [x, y] of batches) await model.trainOnBatch(x, y);
    };
    await pass();
    let best = Infinity;
    for (let r = 0; r < 3; r++) {
      const t0 = performance.now();
      await pass();
      best = Math.min(best, performance.now() - t0);
    }
    console.log(JSON.stringify({ model: name, train_img_s: Math.round(512 / (best / 1e3)) }));
    if (process.argv.includes('profile') && name.startsWith('bundled')) {
      const [x, y] = batches[0]!;
      const info = await tf.profile(async () => {
        await model.trainOnBatch(x, y);
      });
      const byKernel = new Map<string, number>();
      for (const k of info.kernels) byKernel.set(k.name, (byKernel.get(k.name) ?? 0) + (k.kernelTimeMs as number));
      const top = [...byKernel].sort((a, b) => b[1] - a[1]).slice(0, 16);
      console.log('profile (kernel ms, one step):', top.map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', '));
    }
    optimizer.dispose();
    model.dispose();
  }
  tf.dispose([xs, ys, ...batches.flat()]);
}

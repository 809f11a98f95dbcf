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

// Training throughput of the BENCHMARK.md small CNN (Adam, batch 64, 512 random images, best of 3).
if (mode === 'ours') {
  const model = tf.sequential();
  model.add(tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 32, kernelSize: 3, padding: 'same', activation: 'relu' }));
  model.add(tf.layers.batchNormalization());
  model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tf.layers.conv2d({ filters: 64, kernelSize: 3, padding: 'same', activation: 'relu' }));
  model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tf.layers.conv2d({ filters: 128, kernelSize: 3, padding: 'same', activation: 'relu' }));
  model.add(tf.layers.globalAveragePooling2d({}));
  model.add(tf.layers.dense({ units: 10, activation: 'softmax' }));
  model.compile({ optimizer: tf.train.adam(), loss: 'categoricalCrossentropy' });
  const xs = tf.randomNormal([512, 28, 28, 1], 0, 1, 'float32', 4);
  const ys = tf.oneHot(tf.randomUniform([512], 0, 10, 'int32', 5) as tf.Tensor1D, 10);
  await model.fit(xs, ys, { batchSize: 64, epochs: 1, shuffle: false, verbose: 0 });
  let best = Infinity;
  for (let r = 0; r < 3; r++) {
    const t0 = performance.now();
    await model.fit(xs, ys, { batchSize: 64, epochs: 1, shuffle: false, verbose: 0 });
    best = Math.min(best, performance.now() - t0);
  }
  console.log(JSON.stringify({ 'small-cnn train_img_s': Math.round(512 / (best / 1e3)) }));
}

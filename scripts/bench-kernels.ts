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

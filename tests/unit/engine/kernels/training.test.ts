/**
 * End-to-end gradient wiring: the same tiny CNN trained on wasm (with convlens kernels) and on
 * cpu must end with the same weights, and tf.grad through conv2d must agree for x and filter.
 */
import { describe, expect, it } from 'vitest';
import { registerWasmTrainingKernels } from '../../../../src/engine/kernels/index.ts';
import { liveCounts, maxRelativeError, mulberry32, randomValues, tf, useCpu, useWasm } from './helpers.ts';

const TOLERANCE = 1e-4;
const X_SHAPE = [4, 9, 10, 2];

function buildModel(): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.conv2d({ inputShape: X_SHAPE.slice(1), filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' }));
  model.add(tf.layers.conv2d({ filters: 5, kernelSize: [2, 3], strides: 2, padding: 'same', activation: 'tanh' }));
  model.add(tf.layers.conv2d({ filters: 3, kernelSize: 3, padding: 'valid' }));
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({ units: 3, activation: 'softmax' }));
  return model;
}

/** Trains 3 SGD steps from seeded weights and returns every weight as a flat array (initial ones into `initial`). */
function train(initial: Float32Array[] = []): Float32Array[] {
  const random = mulberry32(99);
  const model = buildModel();
  tf.tidy(() => model.setWeights(model.getWeights().map((w) => tf.tensor(randomValues(random, w.size).map((v) => v * 0.5), w.shape))));
  initial.push(...model.getWeights().map((w) => w.dataSync() as Float32Array));
  const x = tf.tensor4d(randomValues(random, X_SHAPE.reduce((a, b) => a * b)), X_SHAPE as [number, number, number, number]);
  const labels = tf.tidy(() => tf.oneHot(tf.tensor1d([0, 2, 1, 2], 'int32'), 3));
  const optimizer = tf.train.sgd(0.5);
  for (let step = 0; step < 3; step++) {
    optimizer.minimize(() => tf.losses.softmaxCrossEntropy(labels, model.apply(x) as tf.Tensor));
  }
  const weights = model.getWeights().map((w) => w.dataSync() as Float32Array);
  tf.dispose([x, labels]);
  optimizer.dispose();
  model.dispose();
  return weights;
}

function convGrads(pad: 'same' | 'valid', strides: number): Float32Array[] {
  const random = mulberry32(5 + strides);
  return tf.tidy(() => {
    const x = tf.tensor4d(randomValues(random, 3 * 11 * 8 * 3), [3, 11, 8, 3]);
    const w = tf.tensor4d(randomValues(random, 3 * 3 * 3 * 6), [3, 3, 3, 6]);
    const r = tf.tensor(randomValues(random, 3 * 11 * 8 * 6)); // fixed random readout
    const f = (a: tf.Tensor, b: tf.Tensor): tf.Scalar => {
      const y = tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, strides, pad);
      return tf.sum(tf.mul(y.flatten(), r.slice(0, y.size)));
    };
    return tf.grads(f)([x, w]).map((g) => g.dataSync() as Float32Array);
  });
}

/** A small residual CNN touching every native kernel: Winograd and direct convs, batch norm, relu, pooling, add. */
function residualModel(): tf.LayersModel {
  const input = tf.input({ shape: [12, 12, 4] });
  const conv = (filters: number, k: number, strides = 1) =>
    tf.layers.conv2d({ filters, kernelSize: k, strides, padding: 'same', kernelInitializer: tf.initializers.glorotUniform({ seed: filters * 10 + k }) });
  let x = conv(8, 3).apply(input) as tf.SymbolicTensor;
  x = tf.layers.batchNormalization().apply(x) as tf.SymbolicTensor;
  x = tf.layers.activation({ activation: 'relu' }).apply(x) as tf.SymbolicTensor;
  let y = conv(8, 3).apply(x) as tf.SymbolicTensor;
  y = tf.layers.batchNormalization().apply(y) as tf.SymbolicTensor;
  x = tf.layers.activation({ activation: 'relu' }).apply(tf.layers.add().apply([x, y]) as tf.SymbolicTensor) as tf.SymbolicTensor;
  x = tf.layers.maxPooling2d({ poolSize: 2 }).apply(x) as tf.SymbolicTensor;
  x = conv(12, 3, 2).apply(x) as tf.SymbolicTensor;
  x = tf.layers.globalAveragePooling2d({}).apply(x) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}

/**
 * Weights after 3 SGD steps of the residual model from fixed initial weights and data. (SGD, not
 * Adam: Adam divides by the gradient's own magnitude, so the conv biases in front of batch norm,
 * whose true gradient is 0, would amplify rounding noise into lr-sized steps on both backends.)
 */
async function trainResidual(): Promise<Float32Array[]> {
  const model = residualModel();
  model.compile({ optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy' });
  const random = mulberry32(123);
  const x = tf.tensor4d(randomValues(random, 8 * 12 * 12 * 4), [8, 12, 12, 4]);
  const y = tf.tidy(() => tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1, 2, 0, 1], 'int32'), 3));
  for (let step = 0; step < 3; step++) await model.trainOnBatch(x, y);
  const weights = model.getWeights().map((w) => w.dataSync() as Float32Array);
  tf.dispose([x, y]);
  model.dispose();
  return weights;
}

describe('training a CNN on wasm', () => {
  it('is deterministic: two runs of a residual CNN give bit-identical weights, close to cpu', async () => {
    await useWasm();
    const first = await trainResidual();
    const second = await trainResidual();
    expect(second.length).toBe(first.length);
    for (let i = 0; i < first.length; i++) expect(Buffer.compare(Buffer.from(second[i]!.buffer), Buffer.from(first[i]!.buffer)), `weight ${i}`).toBe(0);
    await useCpu();
    const onCpu = await trainResidual();
    let worst = 0;
    for (let i = 0; i < first.length; i++) worst = Math.max(worst, maxRelativeError(first[i]!, onCpu[i]!));
    console.log(`residual CNN after 3 SGD steps, wasm vs cpu: max relative error ${worst.toExponential(2)}`);
    expect(worst).toBeLessThan(1e-4);
  });

  it('tf.grads through conv2d agree with cpu for x and filter', async () => {
    for (const [pad, strides] of [['same', 1], ['valid', 1], ['same', 2]] as const) {
      await useCpu();
      const expected = convGrads(pad, strides);
      await useWasm();
      const actual = convGrads(pad, strides);
      const errs = actual.map((a, i) => maxRelativeError(a, expected[i] as Float32Array));
      console.log(`tf.grads conv2d ${pad}/stride ${strides}: max relative error dx ${errs[0]?.toExponential(2)}, dW ${errs[1]?.toExponential(2)}`);
      for (const e of errs) expect(e).toBeLessThan(TOLERANCE);
    }
  });

  it('3 SGD steps give the same weights as on cpu, without leaking tensors', async () => {
    await useCpu();
    const initial: Float32Array[] = [];
    const expected = train(initial);
    // The comparison proves nothing unless training moved every weight tensor.
    for (let i = 0; i < expected.length; i++) {
      expect(maxRelativeError(expected[i] as Float32Array, initial[i] as Float32Array)).toBeGreaterThan(1e-3);
    }
    await useWasm();
    registerWasmTrainingKernels(); // a second call must be harmless
    train(); // warm-up: creates optimizer/engine state that persists by design
    const before = liveCounts();
    const actual = train();
    expect(liveCounts()).toEqual(before);
    expect(actual.length).toBe(expected.length);
    let worst = 0;
    for (let i = 0; i < actual.length; i++) worst = Math.max(worst, maxRelativeError(actual[i] as Float32Array, expected[i] as Float32Array));
    console.log(`weights after 3 SGD steps, wasm vs cpu: max relative error ${worst.toExponential(2)}`);
    expect(worst).toBeLessThan(TOLERANCE);
  });
});

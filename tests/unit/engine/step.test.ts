/**
 * The optimization step against independent computations on the cpu backend: the objective
 * (label smoothing, class weights, renormalize-and-clip), weight penalties, gradient clipping,
 * and both kinds of weight decay, each after one step from known weights.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { objective, objectiveOnArrays, smoothedTargets } from '../../../src/engine/loss.ts';
import { decays, makeOptimizer } from '../../../src/engine/optimizers.ts';
import { clipGradients, LocalStep, trainables } from '../../../src/engine/step.ts';
import type { OptimizerSpec } from '../../../src/config/spec.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** A dense softmax classifier on 4 inputs (reshaped 2x2x1 images) with known weights. */
function tinyModel(l2 = 0): tf.LayersModel {
  const input = tf.input({ shape: [2, 2, 1] });
  const flat = tf.layers.flatten().apply(input) as tf.SymbolicTensor;
  const dense = tf.layers.dense({ units: 3, activation: 'softmax', kernelRegularizer: l2 > 0 ? tf.regularizers.l2({ l2 }) : undefined });
  const model = tf.model({ inputs: input, outputs: dense.apply(flat) as tf.SymbolicTensor });
  model.setWeights([tf.tensor2d([0.1, -0.2, 0.3, 0.0, 0.5, -0.1, -0.3, 0.2, 0.1, 0.4, -0.4, 0.2], [4, 3]), tf.tensor1d([0.05, -0.05, 0])]);
  return model;
}

const X = Float32Array.from([0.2, 0.4, 0.6, 0.8, 1, 0, 0.5, 0.25]);
const LABELS = [2, 0];

/** Softmax probabilities of tinyModel for X, computed by hand in float64. */
function handProbs(w: number[][], b: number[]): number[][] {
  return [0, 1].map((i) => {
    const z = [0, 1, 2].map((c) => b[c]! + [0, 1, 2, 3].reduce((s, j) => s + X[i * 4 + j]! * w[j]![c]!, 0));
    const m = Math.max(...z);
    const e = z.map((v) => Math.exp(v - m));
    const s = e.reduce((a, v) => a + v, 0);
    return e.map((v) => v / s);
  });
}

describe('the objective', () => {
  it('smoothed targets and class weights, tensor and array forms, equal a hand computation', () => {
    const probs = [
      [0.7, 0.2, 0.1],
      [0.1, 0.1, 0.8],
    ];
    const labels = [0, 2];
    const s = 0.1;
    // Targets: (1 − 0.1)·onehot + 0.1/3.
    const t = (row: number, c: number) => (c === labels[row] ? 0.9 + 0.1 / 3 : 0.1 / 3);
    const ce = (row: number) => -[0, 1, 2].reduce((a, c) => a + t(row, c) * Math.log(probs[row]![c]!), 0);
    const weights = [2, 0.5];
    const expectedWeighted = (weights[0]! * ce(0) + weights[1]! * ce(1)) / 2;

    expect(Array.from(smoothedTargets(labels, 2, 3, s, new Float32Array(6)))).toEqual(
      [t(0, 0), t(0, 1), t(0, 2), t(1, 0), t(1, 1), t(1, 2)].map((v) => Math.fround(v)),
    );
    expect(objectiveOnArrays(probs.flat(), labels, 3, s)).toBeCloseTo((ce(0) + ce(1)) / 2, 6);
    const value = tf.tidy(() =>
      objective(tf.tensor2d(probs), tf.tensor2d(smoothedTargets(labels, 2, 3, s, new Float32Array(6)), [2, 3]), tf.tensor1d(weights)).dataSync()[0]!,
    );
    expect(value).toBeCloseTo(expectedWeighted, 6);
  });

  it('rows are renormalized and clipped like Keras: a zero probability costs −log(1e-7), not infinity', () => {
    expect(objectiveOnArrays([0, 2, 2], [0], 3, 0)).toBeCloseTo(-Math.log(1e-7), 4);
  });
});

describe('one step', () => {
  const sgd: OptimizerSpec = { type: 'sgd', learningRate: 0.5, momentum: 0, nesterov: false, weightDecay: 0 };

  /** Gradient of the mean plain CE w.r.t. the dense kernel and bias, by hand: dz = p − onehot. */
  function handGrads(w: number[][], b: number[]) {
    const p = handProbs(w, b);
    const gw = w.map(() => [0, 0, 0]);
    const gb = [0, 0, 0];
    for (let i = 0; i < 2; i++) {
      for (let c = 0; c < 3; c++) {
        const dz = (p[i]![c]! - (c === LABELS[i] ? 1 : 0)) / 2;
        gb[c]! += dz;
        for (let j = 0; j < 4; j++) gw[j]![c]! += dz * X[i * 4 + j]!;
      }
    }
    return { gw, gb, p };
  }

  function weightsOf(model: tf.LayersModel) {
    const [k, b] = model.getWeights();
    return { w: (k!.arraySync() as number[][]).map((r) => [...r]), b: [...(b!.dataSync() as Float32Array)] };
  }

  it('loss and accuracy of the batch, then SGD with L2 weight decay on the kernel only', () => {
    const model = tinyModel();
    const { w, b } = weightsOf(model);
    const { gw, gb, p } = handGrads(w, b);
    const step = new LocalStep(model, { shape: [2, 2, 1], numClasses: 3, labelSmoothing: 0 }, 2);
    const opt = makeOptimizer({ ...sgd, weightDecay: 0.1 });
    const result = step.run(X, LABELS, 2, opt);
    const ce = -(Math.log(p[0]![2]!) + Math.log(p[1]![0]!)) / 2;
    expect(result.loss).toBeCloseTo(ce, 5);
    const predicted = p.map((row) => row.indexOf(Math.max(...row)));
    expect(result.correct).toBe(predicted.filter((c, i) => c === LABELS[i]).length);
    const after = weightsOf(model);
    for (let j = 0; j < 4; j++) for (let c = 0; c < 3; c++) expect(after.w[j]![c]!).toBeCloseTo(w[j]![c]! - 0.5 * (gw[j]![c]! + 0.1 * w[j]![c]!), 5);
    for (let c = 0; c < 3; c++) expect(after.b[c]!).toBeCloseTo(b[c]! - 0.5 * gb[c]!, 5);
    opt.dispose();
    model.dispose();
  });

  it('AdamW decays the kernel directly: w ← w(1 − lr·wd) − lr·g/(|g|+ε) on the first step', () => {
    const model = tinyModel();
    const { w, b } = weightsOf(model);
    const { gw, gb } = handGrads(w, b);
    const step = new LocalStep(model, { shape: [2, 2, 1], numClasses: 3, labelSmoothing: 0 }, 2);
    const opt = makeOptimizer({ type: 'adamw', learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, weightDecay: 0.5 });
    step.run(X, LABELS, 2, opt);
    // First Adam step: m̂ = g, v̂ = g², so the update is lr·g/(|g| + ε).
    const adam = (g: number) => (0.01 * g) / (Math.abs(g) + 1e-7);
    const after = weightsOf(model);
    for (let j = 0; j < 4; j++) for (let c = 0; c < 3; c++) expect(after.w[j]![c]!).toBeCloseTo(w[j]![c]! * (1 - 0.01 * 0.5) - adam(gw[j]![c]!), 5);
    for (let c = 0; c < 3; c++) expect(after.b[c]!).toBeCloseTo(b[c]! - adam(gb[c]!), 5);
    opt.dispose();
    model.dispose();
  });

  it('a kernel regularizer adds l2·Σw² to the loss and 2·l2·w to the gradient', () => {
    const model = tinyModel(0.01);
    const { w, b } = weightsOf(model);
    const { gw, p } = handGrads(w, b);
    const step = new LocalStep(model, { shape: [2, 2, 1], numClasses: 3, labelSmoothing: 0 }, 2);
    const opt = makeOptimizer(sgd);
    const result = step.run(X, LABELS, 2, opt);
    const sq = w.flat().reduce((s, v) => s + v * v, 0);
    expect(result.loss).toBeCloseTo(-(Math.log(p[0]![2]!) + Math.log(p[1]![0]!)) / 2 + 0.01 * sq, 5);
    const after = weightsOf(model);
    expect(after.w[1]![2]!).toBeCloseTo(w[1]![2]! - 0.5 * (gw[1]![2]! + 2 * 0.01 * w[1]![2]!), 5);
    opt.dispose();
    model.dispose();
  });

  it('clipping by global norm scales every gradient by value/norm; by value clips each entry', () => {
    const grads = { a: tf.tensor1d([3, 0]), b: tf.tensor1d([0, 4]) }; // global norm 5
    const byNorm = clipGradients(grads, { type: 'norm', value: 1 });
    expect(Array.from(byNorm['a']!.dataSync())).toEqual([expect.closeTo(0.6, 5), 0]);
    expect(Array.from(byNorm['b']!.dataSync())).toEqual([0, expect.closeTo(0.8, 5)]);
    const under = clipGradients(grads, { type: 'norm', value: 10 });
    expect(Array.from(under['b']!.dataSync())).toEqual([0, 4]);
    const byValue = clipGradients(grads, { type: 'value', value: 2 });
    expect(Array.from(byValue['a']!.dataSync())).toEqual([2, 0]);
    tf.dispose([...Object.values(grads), ...Object.values(byNorm), ...Object.values(under), ...Object.values(byValue)]);
  });

  it('only kernels decay; frozen layers are not trained', () => {
    expect(['dense_1/kernel', 'conv2d_3/kernel_2', 'sep/depthwise_kernel', 'sep/pointwise_kernel'].every(decays)).toBe(true);
    expect(['dense_1/bias', 'bn/gamma', 'bn/beta', 'bn/moving_mean'].some(decays)).toBe(false);
    const model = tinyModel();
    model.layers[2]!.trainable = false;
    expect(trainables(model)).toEqual([]);
    model.dispose();
  });

  it('leaves no tensor behind', () => {
    const model = tinyModel(0.01);
    const step = new LocalStep(model, { shape: [2, 2, 1], numClasses: 3, labelSmoothing: 0.1, classWeights: Float32Array.of(1, 2, 3), clip: { type: 'norm', value: 0.1 } }, 2);
    const opt = makeOptimizer({ type: 'adam', learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, weightDecay: 0.01 });
    step.run(X, LABELS, 2, opt); // creates the optimizer's slots
    const before = tf.memory().numTensors;
    step.run(X, LABELS, 2, opt);
    expect(tf.memory().numTensors).toBe(before);
    opt.dispose();
    model.dispose();
  });
});

/**
 * Integrated Gradients against an independent computation: a tiny ReLU CNN with trained-like
 * biases whose weights, images and float64 attributions come from
 * scripts/fixtures/integrated_gradients_reference.py (hand-written NumPy forward and backward
 * pass, trapezoid on 2^18 intervals; its own error is recorded, ~5e-6). The model is rebuilt here
 * from tfjs layers with those weights.
 */
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completenessError, integratedGradients } from '../../../../src/analysis/explain/integrated-gradients.ts';
import { imageBatch } from '../../../../src/analysis/explain/images.ts';
import { setWeights, useCpu } from './helpers.ts';

interface Reference {
  weights: Record<'conv1_kernel' | 'conv1_bias' | 'conv2_kernel' | 'conv2_bias' | 'dense_kernel' | 'dense_bias', number[]>;
  images: number[];
  targets: number[];
  probability: number[];
  baseline_probability: number[];
  attributions: number[][];
  reference_error: number[];
}
const reference = JSON.parse(readFileSync(new URL('../../../fixtures/explain/integrated-gradients-reference.json', import.meta.url), 'utf8')) as Reference;
const SHAPE: [number, number, number] = [8, 8, 2];
const images = imageBatch(Float32Array.from(reference.images), SHAPE);
const black = new Float32Array(128);

/** ‖a − b‖ / ‖b‖. */
function relativeL2(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let difference = 0;
  let norm = 0;
  for (let j = 0; j < b.length; j++) {
    difference += (a[j]! - b[j]!) ** 2;
    norm += b[j]! ** 2;
  }
  return Math.sqrt(difference / norm);
}

let model: tf.LayersModel;
beforeAll(async () => {
  await useCpu();
  const input = tf.input({ shape: SHAPE });
  const conv1 = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' });
  const pool = tf.layers.averagePooling2d({ poolSize: 2 });
  const conv2 = tf.layers.conv2d({ filters: 6, kernelSize: 3, padding: 'same', activation: 'relu' });
  const gap = tf.layers.globalAveragePooling2d({});
  const dense = tf.layers.dense({ units: 3, activation: 'softmax' });
  model = tf.model({ inputs: input, outputs: dense.apply(gap.apply(conv2.apply(pool.apply(conv1.apply(input))))) as tf.SymbolicTensor });
  const w = reference.weights;
  setWeights(conv1, w.conv1_kernel, w.conv1_bias);
  setWeights(conv2, w.conv2_kernel, w.conv2_bias);
  setWeights(dense, w.dense_kernel, w.dense_bias);
});
afterAll(() => model.dispose());

describe('Integrated Gradients against the float64 NumPy reference', () => {
  it('the reference is sound: its own error is tiny and its attributions add up to the change in probability', () => {
    reference.reference_error.forEach((e) => expect(e).toBeLessThan(1e-5));
    reference.attributions.forEach((a, i) => {
      const delta = reference.probability[i]! - reference.baseline_probability[i]!;
      expect(Math.abs(delta)).toBeGreaterThan(0.05);
      expect(completenessError(a.reduce((s, v) => s + v, 0), delta)).toBeLessThan(1e-4);
    });
  });

  it.each(['trapezoid', 'gaussLegendre'] as const)('%s, 1024 points: Δ to 1e-6, attributions within 0.1 percent (relative L2) of the reference', (rule) => {
    const result = integratedGradients(model, images, reference.targets, { steps: 1024, rule, baseline: black });
    reference.targets.forEach((_, i) => {
      expect(result.completeness!.delta[i]).toBeCloseTo(reference.probability[i]! - reference.baseline_probability[i]!, 6);
      // Measured 3e-4 to 6e-4: the kinks' O(1/n) error.
      expect(relativeL2(result.channels![i]!, reference.attributions[i]!)).toBeLessThan(1e-3);
    });
  });

  it.each(['trapezoid', 'gaussLegendre'] as const)('%s, adaptive to 0.2 percent: within the tolerance, and within 6 percent of the reference', (rule) => {
    const result = integratedGradients(model, images, reference.targets, { steps: 4, maxSteps: 4096, tolerance: 0.002, rule, baseline: black });
    expect(Array.from(result.completeness!.capped!)).toEqual([0, 0, 0]);
    reference.targets.forEach((_, i) => {
      const delta = reference.probability[i]! - reference.baseline_probability[i]!;
      expect(completenessError(result.completeness!.sum[i]!, delta)).toBeLessThanOrEqual(0.002);
      // Completeness is a weaker test than the attributions' own error: here the stop at 16 to 64
      // points leaves up to 4 % (measured; at most 25 times the completeness error).
      expect(relativeL2(result.channels![i]!, reference.attributions[i]!)).toBeLessThan(0.06);
    });
  });
});

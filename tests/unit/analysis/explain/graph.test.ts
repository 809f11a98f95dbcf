/**
 * The graph evaluator against tfjs's own predict: probabilities, logits (softmax(logits) = the
 * probabilities), the unfused path (separate conv/bias/activation ops) equal to the fused
 * layers, feeds, nested models, and where the softmax can be bypassed.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { classScores, Evaluation, resolveScore, scoreSource, scores } from '../../../../src/analysis/explain/graph.ts';
import { buildLayersModel } from '../../../../src/model/build.ts';
import { activation, conv, dense, flatten, maxPool } from '../../model/specs.ts';
import { maxAbsDiff, perturbBiases, predict, randomImages, useCpu } from './helpers.ts';

beforeAll(useCpu);

const SHAPE: [number, number, number] = [9, 9, 2];
const images = randomImages(3, SHAPE, 81, -1, 1);
const x = () => tf.tensor4d(images.data, [3, ...SHAPE]);

/** Strided and valid convolutions with fused activations, a max pool, dense layers; softmax as its own layer when `separate`. */
function model(separate: boolean): tf.LayersModel {
  const head = separate ? [dense(4), activation('softmax')] : [dense(4, { activation: 'softmax' })];
  const layers = [conv(3, { activation: 'relu', strides: [2, 2] }), conv(5, { activation: 'elu', padding: 'valid' }), maxPool(2), flatten, dense(6, { activation: 'tanh' }), ...head];
  return perturbBiases(buildLayersModel(layers, { inputShape: SHAPE, numClasses: 4, seeds: { init: 2, dropout: 1 } }));
}

describe('graph evaluation', () => {
  it.each([false, true])('gives predict’s probabilities, and logits whose softmax they are (softmax as its own layer: %s)', (separate) => {
    const m = model(separate);
    expect(scoreSource(m)).toBe(separate ? 'input' : 'dense');
    const expected = predict(m, images);
    tf.tidy(() => {
      expect(maxAbsDiff(scores(m, x(), 'probability').dataSync(), expected)).toBeLessThan(1e-6);
      const logits = scores(m, x(), 'logit');
      expect(maxAbsDiff(tf.softmax(logits).dataSync(), expected)).toBeLessThan(1e-6);
      // Unfused: the same values from separate ops.
      expect(maxAbsDiff(classScores(new Evaluation(m, [x()], undefined, true), 'probability').dataSync(), expected)).toBeLessThan(1e-6);
    });
    m.dispose();
  });

  it('a fed layer output replaces the computed one; feeding the computed value changes nothing', () => {
    const m = model(false);
    tf.tidy(() => {
      const layer = m.getLayer('conv2d_2');
      const a = new Evaluation(m, [x()]).layerOutput([layer]);
      const same = classScores(new Evaluation(m, [x()], new Map([[layer, a]])), 'probability');
      expect(maxAbsDiff(same.dataSync(), predict(m, images))).toBeLessThan(1e-6);
      const zeroed = classScores(new Evaluation(m, [x()], new Map([[layer, tf.zerosLike(a)]])), 'probability');
      expect(maxAbsDiff(zeroed.dataSync(), predict(m, images))).toBeGreaterThan(1e-3);
    });
    m.dispose();
  });

  it('reads and feeds layers inside a nested model; the whole model equals predict, fused or not', () => {
    const inner = model(false);
    const extractor = tf.model({ inputs: inner.inputs, outputs: inner.getLayer('max_pool_1').output as tf.SymbolicTensor, name: 'extractor' });
    const input = tf.input({ shape: SHAPE });
    const outer = tf.model({ inputs: input, outputs: tf.layers.dense({ units: 3, activation: 'softmax', name: 'head' }).apply(tf.layers.flatten().apply(extractor.apply(input))) as tf.SymbolicTensor });
    const expected = predict(outer, images);
    tf.tidy(() => {
      for (const unfused of [false, true]) expect(maxAbsDiff(classScores(new Evaluation(outer, [x()], undefined, unfused), 'probability').dataSync(), expected)).toBeLessThan(1e-6);
      const conv2 = extractor.getLayer('conv2d_2');
      const sub = tf.model({ inputs: inner.inputs, outputs: conv2.output as tf.SymbolicTensor });
      const a = new Evaluation(outer, [x()]).layerOutput([extractor, conv2]);
      expect(maxAbsDiff(a.dataSync(), (sub.predict(x()) as tf.Tensor).dataSync())).toBeLessThan(1e-6);
      const fed = classScores(new Evaluation(outer, [x()], new Map([[conv2, tf.zerosLike(a)]])), 'probability');
      expect(maxAbsDiff(fed.dataSync(), expected)).toBeGreaterThan(1e-3);
    });
    outer.dispose();
  });

  it('falls back to probabilities when the model does not end in a softmax it can bypass', () => {
    const input = tf.input({ shape: SHAPE });
    const m = tf.model({ inputs: input, outputs: tf.layers.dense({ units: 2, activation: 'sigmoid' }).apply(tf.layers.flatten().apply(input)) as tf.SymbolicTensor });
    expect(scoreSource(m)).toBe('none');
    expect(resolveScore(m, 'logit')).toBe('probability');
    m.dispose();
    const softmaxHead = model(false);
    expect(resolveScore(softmaxHead, 'logit')).toBe('logit');
    softmaxHead.dispose();
  });
});


/**
 * Fitting an imported model to the report: the checks against the dataset (each message exact),
 * the class permutation, the probability check, and the appended layers computed against plain
 * arithmetic on the cpu backend.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { adaptOutputs, checkFits, checkProbabilities, classPermutation } from '../../../src/import/adapt.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** A 4×4×1 → 3-class model: flatten, dense (no activation unless given). */
function tiny(activation: 'linear' | 'softmax' = 'linear', input: number[] = [4, 4, 1], units = 3): tf.LayersModel {
  const x = tf.input({ shape: input });
  const y = tf.layers.dense({ units, activation, kernelInitializer: 'glorotUniform', biasInitializer: 'ones' }).apply(tf.layers.flatten().apply(x)) as tf.SymbolicTensor;
  return tf.model({ inputs: x, outputs: y });
}

const fit = { file: '/models/net.h5', output: 'probabilities' as const, shape: [4, 4, 1] as [number, number, number], classes: ['a', 'b', 'c'] };

describe('checkFits', () => {
  it('accepts a model of the dataset image size and class count', () => {
    const model = tiny();
    expect(() => checkFits(model, fit)).not.toThrow();
    model.dispose();
  });

  it('names the size to set when the model takes other images', () => {
    const model = tiny('linear', [8, 6, 1]);
    expect(() => checkFits(model, fit)).toThrow("net.h5 takes 8×6 images, but the dataset's are 4×4. Set data.image.size: [8, 6] to resize them.");
    model.dispose();
  });

  it('names the channel count to set', () => {
    const model = tiny('linear', [4, 4, 3]);
    expect(() => checkFits(model, fit)).toThrow(
      'net.h5 takes 3-channel images, but data.image gives 1-channel ones. Set data.image.channels: 3 (grayscale images are then repeated into RGB).',
    );
    model.dispose();
  });

  it('refuses another class count', () => {
    const model = tiny('linear', [4, 4, 1], 5);
    expect(() => checkFits(model, fit)).toThrow('net.h5 outputs 5 classes, but the dataset has 3 (a, b, c). Use the dataset the model was trained on, or a model trained for these classes.');
    model.dispose();
  });

  it('refuses outputs that are not [batch, classes]', () => {
    const x = tf.input({ shape: [4, 4, 1] });
    const model = tf.model({ inputs: x, outputs: tf.layers.conv2d({ filters: 3, kernelSize: 1 }).apply(x) as tf.SymbolicTensor });
    expect(() => checkFits(model, fit)).toThrow(
      "net.h5's output has shape [any, 4, 4, 3], not [batch, classes]. Import a classifier whose last layer gives one score per class (e.g. ends in Dense and softmax).",
    );
    model.dispose();
  });
});

describe('classPermutation', () => {
  it('maps each model output to its dataset index', () => {
    expect(classPermutation('/m/net.h5', ['c', 'a', 'b'], ['a', 'b', 'c'])).toEqual([2, 0, 1]);
  });

  it('says what is missing, extra or repeated', () => {
    expect(() => classPermutation('/m/net.h5', ['a', 'a', 'd'], ['a', 'b', 'c'])).toThrow(
      'model.classes must list each of the dataset\'s 3 classes once, in the order of net.h5\'s outputs (missing "b", "c"; not in the dataset: "d"; repeated: "a"). The dataset\'s classes are: a, b, c.',
    );
  });
});

describe('checkProbabilities', () => {
  it('accepts rows that sum to 1 within 1e-3', () => {
    expect(() => checkProbabilities('/m/net.h5', Float32Array.from([0.2, 0.3, 0.5, 1, 0, 0.0004]), 3)).not.toThrow();
  });

  it('suggests logits for rows that are not distributions', () => {
    expect(() => checkProbabilities('/m/net.h5', Float32Array.from([0.2, 0.3, 0.5, 2.5, -1, 0.5]), 3)).toThrow(
      'net.h5 does not output probabilities: for test image 1 its outputs sum to 2 and include values outside 0..1. If its last layer has no softmax, set model.output: logits (the report then applies softmax).',
    );
  });
});

describe('adaptOutputs', () => {
  const input = tf.tensor4d(Float32Array.from({ length: 2 * 16 }, (_, i) => ((i * 37) % 11) / 10), [2, 4, 4, 1]);

  it('returns the same model when nothing is needed', () => {
    const model = tiny('softmax');
    expect(adaptOutputs(model, { output: 'probabilities', permutation: [0, 1, 2] })).toBe(model);
    model.dispose();
  });

  it('appends softmax to logits: exp(z) / Σ exp(z) per row', () => {
    const model = tiny('linear');
    const logits = (model.predict(input) as tf.Tensor).arraySync() as number[][];
    const adapted = adaptOutputs(model, { output: 'logits' });
    const probs = (adapted.predict(input) as tf.Tensor).arraySync() as number[][];
    logits.forEach((z, r) => {
      const e = z.map((v) => Math.exp(v - Math.max(...z)));
      const sum = e.reduce((a, b) => a + b, 0);
      e.forEach((v, k) => expect(probs[r]![k]).toBeCloseTo(v / sum, 6));
    });
    expect(adapted.layers.at(-1)!.name).toBe('convlens_softmax');
    adapted.dispose();
  });

  it('puts model output j at dataset index permutation[j], exactly', () => {
    const model = tiny('softmax');
    const before = (model.predict(input) as tf.Tensor).arraySync() as number[][];
    const adapted = adaptOutputs(model, { output: 'probabilities', permutation: [2, 0, 1] });
    const after = (adapted.predict(input) as tf.Tensor).arraySync() as number[][];
    before.forEach((row, r) => row.forEach((p, j) => expect(after[r]![[2, 0, 1][j]!]).toBe(p)));
    expect(adapted.layers.at(-1)!.trainable).toBe(false);
    adapted.dispose();
  });
});

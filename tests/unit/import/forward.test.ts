/**
 * Every real model fixture, imported and run on the cpu backend, against the outputs of an
 * independent NumPy forward pass of the same file (scripts/fixtures/keras_reference.py).
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { instantiateModel, readModelFile } from '../../../src/import/index.ts';
import { REFERENCES, loadReference, modelPath, referenceInputs } from './reference.ts';

/**
 * Largest |convlens − reference| allowed: 1e-4, or 1e-6 of the largest output where outputs are
 * far from 1 (dl4j-sepconv2d outputs ~6e4, where one float32 step is ~4e-3; the reference's own
 * float32 rerun differs from its float64 pass by 7e-3 there).
 */
const tolerance = (outputs: number[]) => Math.max(1e-4, 1e-6 * Math.max(...outputs.map(Math.abs)));

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('imported models compute what Keras computes', () => {
  for (const name of REFERENCES) {
    it(name, async () => {
      const ref = loadReference(name);
      const imported = await readModelFile(modelPath(ref));
      const inputs = referenceInputs(ref);
      expect(inputs.slice(0, ref.inputs_check.first.length)).toEqual(new Float32Array(ref.inputs_check.first));
      const before = tf.memory().numTensors;
      const model = await instantiateModel(imported);
      const x = tf.tensor(inputs, ref.input_shape);
      const y = model.predict(x) as tf.Tensor;
      expect(y.shape).toEqual(ref.output_shape);
      const out = await y.data();
      let maxDiff = 0;
      ref.outputs.forEach((v, i) => {
        maxDiff = Math.max(maxDiff, Math.abs(out[i]! - v));
      });
      console.log(`${name}: max |diff| = ${maxDiff.toExponential(2)}`);
      expect(maxDiff).toBeLessThanOrEqual(tolerance(ref.outputs));
      if (ref.output_shape.length === 2) {
        const top = y.argMax(-1);
        expect(Array.from(await top.data())).toEqual(ref.argmax);
        top.dispose();
      }
      tf.dispose([x, y]);
      model.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  }
});

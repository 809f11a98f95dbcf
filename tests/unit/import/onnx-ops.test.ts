/**
 * ONNX operator families, one small graph each (scripts/fixtures/onnx_ops.py), imported and run
 * on the cpu backend against the script's own NumPy implementation of every operator.
 * Inputs are NCHW in the JSON; convlens models take NHWC.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { instantiateModel, readModelFile } from '../../../src/import/index.ts';
import { MODELS } from './reference.ts';

export const OPS = join(MODELS, 'onnx-ops');

interface OpsReference {
  input_shape: [number, number, number, number];
  input: number[];
  output_shape: number[];
  output: number[];
  opset: number;
  image_size?: [number, number];
}

/** NCHW values → an NHWC tensor. */
export function nhwc(values: ArrayLike<number>, [n, c, h, w]: readonly number[]): tf.Tensor4D {
  return tf.tidy(() => tf.transpose(tf.tensor4d(Float32Array.from(values), [n!, c!, h!, w!]), [0, 2, 3, 1]));
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const CASES: [string, string][] = [
  ['conv', 'Conv: same, asymmetric stride-2 pads, dilation, SAME_UPPER, 3×1 kernel, no bias'],
  ['depthwise', 'depthwise Conv (multiplier 1 and 2), Clip(0, 6) at opset 11'],
  ['conv-transpose', 'ConvTranspose with pads and output_padding'],
  ['activations', 'BatchNormalization, LeakyRelu, HardSigmoid, HardSwish, Sigmoid, Clip, Tanh, Add, Softmax'],
  ['pool', 'MaxPool (signed, zero-padded after Relu, ceil_mode), Pad, AveragePool counting pads and not'],
  ['merge', 'squeeze-excitation Mul, Concat, arithmetic with constants'],
  ['head-view', 'opset-11 view(x.size(0), -1) folded, Dropout, Identity, MatMul + Add'],
  ['head-squeeze', 'Squeeze/Unsqueeze with axes inputs, Gemm alpha/beta/transB 0'],
  ['external', 'weights in an external data file'],
  ['dynamic', 'symbolic height and width filled from the image size'],
];

describe('ONNX operator families equal NumPy', () => {
  for (const [name, what] of CASES) {
    it(`${name}: ${what}`, async () => {
      const ref = JSON.parse(readFileSync(join(OPS, `${name}.json`), 'utf8')) as OpsReference;
      const imported = await readModelFile(join(OPS, `${name}.onnx`), undefined, ref.image_size ? { imageSize: ref.image_size } : {});
      expect(imported.format).toBe('onnx');
      expect(imported.producer).toBe(`convlens-onnx-ops 1.0 (ONNX opset ${ref.opset})`);
      expect(imported.inputShape).toEqual([ref.input_shape[2], ref.input_shape[3], ref.input_shape[1]]);
      const before = tf.memory().numTensors;
      const model = await instantiateModel(imported);
      const x = nhwc(ref.input, ref.input_shape);
      const y = model.predict(x) as tf.Tensor;
      expect(y.shape).toEqual(ref.output_shape);
      const out = await y.data();
      const maxDiff = ref.output.reduce((m, v, i) => Math.max(m, Math.abs(out[i]! - v)), 0);
      console.log(`onnx-ops ${name}: max |convlens − NumPy| = ${maxDiff.toExponential(2)} (${imported.layerClasses.join(', ')})`);
      expect(maxDiff).toBeLessThanOrEqual(1e-5);
      tf.dispose([x, y]);
      model.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  }
});

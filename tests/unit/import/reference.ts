/**
 * The reference outputs written by scripts/fixtures/keras_reference.py (NumPy forward passes
 * of each real model fixture), and the fixed input batch they were computed on.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** tests/fixtures/models (absolute). */
export const MODELS = join(import.meta.dirname, '../../fixtures/models');

/** One reference file's fields used by the tests. */
export interface Reference {
  model: string;
  format: string;
  input_shape: number[];
  preprocessing: 'raw' | 'x/255' | 'x/127.5-1';
  inputs: number[] | null;
  inputs_check: { first: number[]; sum: number };
  output_shape: number[];
  outputs: number[];
  argmax: number[];
  model_files_sha256_16: Record<string, string>;
  first_conv?: { name: string; class_name: string; shape: number[]; first: number[]; sum: number; abs_sum: number };
}

/** Reference file names (without .json) for every fixture that has one. */
export const REFERENCES = [
  'keras-h5-dl4j-cnn2d_101',
  'keras-h5-dl4j-cnn2d_77',
  'keras-h5-dl4j-cnn_batch_norm',
  'keras-h5-dl4j-sepconv2d_tensorflow_2',
  'keras-h5-keras-mobilenet-v1-0.25-224-imagenet',
  'keras-h5-mlperf-tiny-mobilenetv1-vww96',
  'keras-h5-mlperf-tiny-resnet8-cifar10',
  'keras-zip-pyzzle-digits-tfkeras2.13',
  'tfjs-layers-smirnov-cifar-cnn',
];

/** Read reference/<name>.json. */
export function loadReference(name: string): Reference {
  return JSON.parse(readFileSync(join(MODELS, 'reference', `${name}.json`), 'utf8')) as Reference;
}

/** The model file a reference describes (model.json for tfjs). */
export function modelPath(ref: Reference): string {
  const path = join(MODELS, ref.model);
  return ref.format === 'tfjs-layers' && !path.endsWith('.json') ? join(path, 'model.json') : path;
}

/** The input batch: the stored values, or the formula with the model's preprocessing (float32). */
export function referenceInputs(ref: Reference): Float32Array {
  if (ref.inputs) return new Float32Array(ref.inputs);
  const [N, H, W, C] = ref.input_shape as [number, number, number, number];
  const out = new Float32Array(N * H * W * C);
  for (let n = 0; n < N; n++)
    for (let h = 0; h < H; h++)
      for (let w = 0; w < W; w++)
        for (let c = 0; c < C; c++) {
          const raw = (n * 7919 + h * 104729 + w * 1299709 + c * 15485863) % 256;
          const x = ref.preprocessing === 'x/255' ? raw / 255 : ref.preprocessing === 'x/127.5-1' ? raw / 127.5 - 1 : raw;
          out[((n * H + h) * W + w) * C + c] = Math.fround(x);
        }
  return out;
}

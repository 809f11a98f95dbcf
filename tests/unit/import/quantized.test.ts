/**
 * The converter's quantized weights (uint8 and uint16 affine, float16), dequantized without
 * tfjs, against hand-computed values and against tfjs-core's own decodeWeights.
 */
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { halfToFloat } from '../../../src/import/dequantize.ts';
import { readModelFile, type ImportedModel } from '../../../src/import/index.ts';
import { MODELS } from './reference.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function values(model: ImportedModel, name: string): Float32Array {
  let offset = 0;
  for (const spec of model.artifacts.weightSpecs) {
    const size = spec.shape.reduce((a, b) => a * b, 1);
    if (spec.name === name) return new Float32Array(model.artifacts.weightData, offset * 4, size);
    offset += size;
  }
  throw new Error(`no ${name}`);
}

describe('quantized tfjs weights', () => {
  it('uint8, uint16 (min/scale and min/max) and float16 decode as the converter defines', async () => {
    const folder = join(MODELS, 'tfjs-layers/smirnov-cifar-cnn');
    const json = JSON.parse(readFileSync(join(folder, 'model.json'), 'utf8'));
    const floats = new Float32Array(new Uint8Array(readFileSync(join(folder, 'group1-shard1of1.bin'))).buffer);
    const specs = json.weightsManifest[0].weights as { name: string; shape: number[]; dtype: string; quantization?: object }[];
    const parts: Buffer[] = [];
    const hand = new Map<string, number[]>();
    let offset = 0;
    for (const spec of specs) {
      const n = spec.shape.reduce((a, b) => a * b, 1);
      const w = floats.subarray(offset, offset + n);
      offset += n;
      if (spec.name === 'conv2d_3/kernel') {
        // uint8 with min and scale: q = round((w - min) / scale); value = q·scale + min.
        const min = -0.5, scale = 1 / 255;
        const q = Uint8Array.from(w, (v) => Math.max(0, Math.min(255, Math.round((v - min) / scale))));
        spec.quantization = { dtype: 'uint8', min, scale };
        parts.push(Buffer.from(q.buffer));
        hand.set(spec.name, Array.from(q.slice(0, 5), (v) => Math.fround(v * scale + min)));
      } else if (spec.name === 'conv2d_3/bias') {
        // float16: the half-precision bit patterns 0x3c00 = 1, 0xc000 = -2, 0x3555 ≈ 1/3, 0x0001 = 2^-24.
        const bits = Uint16Array.from({ length: n }, (_, i) => [0x3c00, 0xc000, 0x3555, 0x0001][i % 4]!);
        spec.quantization = { dtype: 'float16' };
        parts.push(Buffer.from(bits.buffer));
        hand.set(spec.name, [1, -2, Math.fround(0.333251953125), Math.fround(2 ** -24)]);
      } else if (spec.name === 'dense_3/bias') {
        // uint16 given min and max (older converters): scale = (max - min) / 65535.
        const min = -3, max = 3;
        const q = Uint16Array.from({ length: n }, (_, i) => i * 1000);
        spec.quantization = { dtype: 'uint16', min, max };
        parts.push(Buffer.from(q.buffer));
        hand.set(spec.name, [0, 1000, 2000, 3000].map((v) => Math.fround(v * ((max - min) / 65535) + min)));
      } else parts.push(Buffer.from(w.buffer, w.byteOffset, w.byteLength));
    }
    const dir = mkdtempSync(join(tmpdir(), 'convlens-quantized-'));
    writeFileSync(join(dir, 'group1-shard1of1.bin'), Buffer.concat(parts));
    writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
    const model = await readModelFile(join(dir, 'model.json'));
    for (const [name, expected] of hand) expect(Array.from(values(model, name).slice(0, expected.length)), name).toEqual(expected);

    // tfjs's decodeWeights agrees exactly wherever it reads the entry (it needs scale, not max).
    const data = Buffer.concat(parts);
    const withScale = specs.map((s) => (s.name === 'dense_3/bias' ? { ...s, quantization: { dtype: 'uint16', min: -3, scale: 6 / 65535 } } : s));
    const decoded = tf.io.decodeWeights(data.buffer.slice(data.byteOffset, data.byteOffset + data.length), withScale as tf.io.WeightsManifestEntry[]);
    for (const spec of specs) expect(values(model, spec.name), spec.name).toEqual(decoded[spec.name]!.dataSync());
    tf.dispose(Object.values(decoded));
  });

  it('halfToFloat covers zero, subnormals, infinities and NaN', () => {
    expect(halfToFloat(0x0000)).toBe(0);
    expect(Object.is(halfToFloat(0x8000), -0)).toBe(true);
    expect(halfToFloat(0x03ff)).toBe(1023 * 2 ** -24);
    expect(halfToFloat(0x7bff)).toBe(65504);
    expect(halfToFloat(0x7c00)).toBe(Infinity);
    expect(halfToFloat(0xfc00)).toBe(-Infinity);
    expect(halfToFloat(0x7e00)).toBeNaN();
  });
});

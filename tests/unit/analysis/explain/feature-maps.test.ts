/**
 * Feature maps against a convolution computed by hand; first-layer weights against the kernel;
 * filter patterns: gradient ascent raises each filter's activation (measured independently with
 * a tfjs sub-model), stays in the pixel range, and is reproducible.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { featureMaps } from '../../../../src/analysis/explain/feature-maps.ts';
import { firstLayerFilters } from '../../../../src/analysis/explain/filter-weights.ts';
import { filterPatterns, roll } from '../../../../src/analysis/explain/filter-patterns.ts';
import { layerByName } from '../../../../src/analysis/explain/layers.ts';
import { rescaleSpace, standardizeSpace } from '../../../../src/analysis/explain/images.ts';
import { buildLayersModel } from '../../../../src/model/build.ts';
import { mulberry32 } from '../../../../src/lib/rng.ts';
import { conv, depthwise, flatten, gap, softmax } from '../../model/specs.ts';
import { chainCnn, maxAbsDiff, perturbBiases, randomImages, setWeights, smallCnn, useCpu } from './helpers.ts';

beforeAll(useCpu);

/** 'same' (zero-padded) or 'valid' 2-D convolution of an h×w×cin image, by hand. */
function convolve(x: Float32Array, h: number, w: number, cin: number, kernel: Float32Array, k: number, cout: number, bias: Float32Array, padding: 'same' | 'valid', relu: boolean) {
  const pad = padding === 'same' ? Math.floor((k - 1) / 2) : 0;
  const oh = padding === 'same' ? h : h - k + 1;
  const ow = padding === 'same' ? w : w - k + 1;
  const out = new Float32Array(oh * ow * cout);
  for (let y = 0; y < oh; y++) for (let x0 = 0; x0 < ow; x0++) for (let o = 0; o < cout; o++) {
    let s = bias[o]!;
    for (let dy = 0; dy < k; dy++) for (let dx = 0; dx < k; dx++) {
      const iy = y + dy - pad;
      const ix = x0 + dx - pad;
      if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
      for (let c = 0; c < cin; c++) s += x[(iy * w + ix) * cin + c]! * kernel[((dy * k + dx) * cin + c) * cout + o]!;
    }
    out[(y * ow + x0) * cout + o] = relu ? Math.max(0, s) : s;
  }
  return out;
}

const seeded = (n: number, seed: number) => {
  const r = mulberry32(seed);
  return Float32Array.from({ length: n }, () => r() * 2 - 1);
};

describe('feature maps', () => {
  it('equal a hand-computed forward pass through the model truncated at each layer', () => {
    const model = buildLayersModel([conv(3, { name: 'c1', activation: 'relu' }), conv(1, { name: 'c2', kernel: [2, 2], padding: 'valid' }), flatten, softmax(2)], { inputShape: [4, 4, 2], numClasses: 2, seeds: { init: 1, dropout: 1 } });
    const k1 = seeded(3 * 3 * 2 * 3, 1);
    const b1 = seeded(3, 2);
    const k2 = seeded(2 * 2 * 3, 3);
    const b2 = seeded(1, 4);
    setWeights(model.getLayer('c1'), k1, b1);
    setWeights(model.getLayer('c2'), k2, b2);
    const images = randomImages(2, [4, 4, 2], 9, -1, 1);
    const layers = [layerByName(model, 'c1', 'k'), layerByName(model, 'c2', 'k')];
    const [c1, c2] = featureMaps(model, images, layers, { channels: 2, batchSize: 1 });
    expect(c1).toMatchObject({ layer: 'c1', height: 4, width: 4, channels: 2, totalChannels: 3 });
    expect(c2).toMatchObject({ layer: 'c2', height: 3, width: 3, channels: 1, totalChannels: 1 });
    for (let i = 0; i < 2; i++) {
      const a1 = convolve(images.data.subarray(i * 32, (i + 1) * 32), 4, 4, 2, k1, 3, 3, b1, 'same', true);
      const a2 = convolve(a1, 4, 4, 3, k2, 2, 1, b2, 'valid', false);
      for (let ch = 0; ch < 2; ch++) expect(maxAbsDiff(c1!.maps[i]![ch]!, Float32Array.from({ length: 16 }, (_, p) => a1[p * 3 + ch]!))).toBeLessThan(1e-6);
      expect(maxAbsDiff(c2!.maps[i]![0]!, a2)).toBeLessThan(1e-6);
    }
    expect(c1!.range.min).toBe(0);
    model.dispose();
  });
});

describe('first-layer filters', () => {
  it('are the first convolution’s kernel, one h×w×in image per output channel', () => {
    const model = chainCnn();
    const result = firstLayerFilters(model)!;
    const kernel = model.getLayer('conv2d_1').getWeights()[0]!.dataSync();
    expect(result).toMatchObject({ layer: 'conv2d_1', height: 3, width: 3, channels: 1 });
    expect(result.filters).toHaveLength(4);
    result.filters.forEach((f, o) => expect(Array.from(f)).toEqual(Array.from({ length: 9 }, (_, p) => kernel[p * 4 + o])));
    expect(firstLayerFilters(model, 2)!.filters).toHaveLength(2);
    model.dispose();
  });

  it('a depthwise first layer gives one single-channel filter per (input channel, multiplier)', () => {
    const model = buildLayersModel([depthwise(2, { kernel: [2, 2] }), gap, softmax(2)], { inputShape: [4, 4, 3], numClasses: 2, seeds: { init: 1, dropout: 1 } });
    const result = firstLayerFilters(model)!;
    const kernel = model.layers[1]!.getWeights()[0]!.dataSync();
    expect(result.filters).toHaveLength(6);
    // Filter (channel 2, multiplier 1) is kernel[:, :, 2, 1].
    expect(Array.from(result.filters[5]!)).toEqual(Array.from({ length: 4 }, (_, p) => kernel[(p * 3 + 2) * 2 + 1]));
    model.dispose();
  });
});

describe('filter patterns', () => {
  let model: tf.LayersModel;
  beforeAll(() => {
    model = perturbBiases(smallCnn([16, 16, 3], 'relu', 8));
  });

  it('gradient ascent raises every filter’s mean pre-activation, recomputed here by hand on the result', () => {
    const layer = layerByName(model, 'conv2d_1', 'k');
    const space = standardizeSpace([0.5, 0.4, 0.3], [0.25, 0.2, 0.3]);
    const result = filterPatterns(model, layer, { count: 4, steps: 25, seed: 1, space });
    // conv2d_1 has its relu built in: the objective is read before it.
    expect(result).toMatchObject({ layer: 'conv2d_1', filters: [0, 1, 2, 3], height: 16, width: 16, channels: 3, preActivation: true });
    const [kernel, bias] = model.getLayer('conv2d_1').getWeights().map((w) => w.dataSync() as Float32Array);
    result.raw.forEach((raw, k) => {
      expect(Math.min(...raw)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...raw)).toBeLessThanOrEqual(1);
      expect(Math.min(...result.images[k]!)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...result.images[k]!)).toBeLessThanOrEqual(1);
      // The filter's mean over the 12×12 interior (a 2-pixel border left out) of the conv without its relu.
      const x = Float32Array.from(raw, (v, j) => space.offset[j % 3]! + space.scale[j % 3]! * v);
      const a = convolve(x, 16, 16, 3, kernel!, 3, 4, bias!, 'same', false);
      let mean = 0;
      for (let y = 2; y < 14; y++) for (let xx = 2; xx < 14; xx++) mean += a[(y * 16 + xx) * 4 + k]! / 144;
      expect(result.activationEnd[k]).toBeCloseTo(mean, 4);
      expect(result.activationEnd[k]! - result.activationStart[k]!).toBeGreaterThan(0.5);
    });
  });

  it('ascends the filters of a deeper layer too; one pass for all filters equals one pass per filter; reproducible', () => {
    const layer = layerByName(model, 'activation_1', 'k');
    const options = { count: 4, steps: 10, seed: 3, space: rescaleSpace(3) };
    const together = filterPatterns(model, layer, options);
    expect(together.preActivation).toBe(true);
    const apart = filterPatterns(model, layer, { ...options, batchSize: 1 });
    for (let k = 0; k < 4; k++) {
      expect(together.activationEnd[k]).toBeGreaterThan(together.activationStart[k]!);
      expect(maxAbsDiff(apart.raw[k]!, together.raw[k]!)).toBeLessThan(1e-4);
    }
    expect(maxAbsDiff(apart.activationEnd, together.activationEnd)).toBeLessThan(1e-4);
    expect(filterPatterns(model, layer, options).raw).toEqual(together.raw);
    expect(filterPatterns(model, layer, { ...options, seed: 4 }).raw[0]).not.toEqual(together.raw[0]);
  });

  it('a model with open height and width (a pretrained base may have them) needs the image shape', () => {
    const input = tf.input({ shape: [null, null, 1] });
    const c = tf.layers.conv2d({ filters: 2, kernelSize: 3, padding: 'same', name: 'open_conv' });
    const open = tf.model({ inputs: input, outputs: tf.layers.dense({ units: 2, activation: 'softmax' }).apply(tf.layers.globalAveragePooling2d({}).apply(c.apply(input))) as tf.SymbolicTensor });
    const layer = layerByName(open, 'open_conv', 'k');
    expect(layer.shape).toEqual([null, null, 2]);
    expect(() => filterPatterns(open, layer, { count: 1, steps: 1, seed: 1, space: rescaleSpace(1) })).toThrow(/leaves the image size open/);
    const result = filterPatterns(open, layer, { count: 2, steps: 2, seed: 1, space: rescaleSpace(1), shape: [6, 5, 1] });
    expect([result.height, result.width, result.raw[0]!.length]).toEqual([6, 5, 30]);
    const maps = featureMaps(open, randomImages(1, [6, 5, 1], 1), [layer], { channels: 2 });
    expect([maps[0]!.height, maps[0]!.width]).toEqual([6, 5]);
    open.dispose();
  });

  it('rolls cyclically (the jitter) and back', () => {
    const x = tf.tensor4d(Float32Array.from({ length: 12 }, (_, i) => i), [1, 3, 4, 1]);
    expect(Array.from(roll(x, 1, -1).dataSync())).toEqual([9, 10, 11, 8, 1, 2, 3, 0, 5, 6, 7, 4]);
    expect(Array.from(roll(roll(x, 2, 3), -2, -3).dataSync())).toEqual(Array.from(x.dataSync()));
    x.dispose();
  });
});

/**
 * Layer-CAM on several layers: which layers `auto` picks (Grad-CAM's layer, then the deepest block
 * output at each finer resolution), named layers and their errors; the maps at an earlier layer
 * against a gradient worked out by hand through the layer after it (chain rule through a 1×1
 * convolution and its ReLU, in float64).
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { gradCam, layerCam } from '../../../../src/analysis/explain/grad-cam.ts';
import { layerByName, layerCamLayers } from '../../../../src/analysis/explain/layers.ts';
import { UserError } from '../../../../src/lib/errors.ts';
import { mulberry32 } from '../../../../src/lib/rng.ts';
import { buildLayersModel, buildModel } from '../../../../src/model/build.ts';
import { conv, gap, maxPool, softmax } from '../../model/specs.ts';
import { chainCnn, leaked, maxAbs, maxAbsDiff, randomImages, setWeights, useCpu } from './helpers.ts';

beforeAll(useCpu);

const auto = { type: 'auto' } as const;
const names = (layers: { name: string }[]) => layers.map((l) => l.name);
const opts = (inputShape: [number, number, number]) => ({ inputShape, numClasses: 3, seeds: { init: 1, dropout: 2 } });

describe('Layer-CAM layers', () => {
  it('auto: Grad-CAM’s layer, then the deepest block output at each finer resolution, deepest first', async () => {
    const { model } = await buildModel({ kind: 'preset', preset: 'resnet', width: 0.125 }, opts([16, 16, 3]));
    // Blocks: activation_1, residual_1_out, residual_2_out at 16×16; residual_3/4_out at 8×8; residual_5/6_out at 4×4.
    expect(layerCamLayers(model, auto).map((l) => [l.name, l.shape[0]])).toEqual([
      ['residual_6_out', 4],
      ['residual_4_out', 8],
      ['residual_2_out', 16],
    ]);
    expect(names(layerCamLayers(model, auto, undefined, 2))).toEqual(['residual_6_out', 'residual_4_out']);
    // Starting from a named Grad-CAM layer; the one finer resolution left leaves a place for another earlier block.
    const deepest = layerByName(model, 'residual_4_out', 'report.explain.layer');
    expect(names(layerCamLayers(model, auto, deepest))).toEqual(['residual_4_out', 'residual_3_out', 'residual_2_out']);
    model.dispose();
  });

  it('a chain: its two blocks', () => {
    const model = chainCnn();
    expect(names(layerCamLayers(model, auto))).toEqual(['activation_1', 'batch_norm_1']);
    model.dispose();
  });

  it('blocks that all keep one resolution: the earlier ones, evenly spaced', () => {
    const relu = { activation: 'relu' as const };
    const model = buildLayersModel([conv(4, relu), conv(4, relu), conv(4, relu), conv(4, relu), gap, softmax(3)], opts([8, 8, 1]));
    expect(names(layerCamLayers(model, auto))).toEqual(['conv2d_4', 'conv2d_3', 'conv2d_1']);
    model.dispose();
    const mixed = buildLayersModel([conv(4, relu), conv(4, relu), maxPool(2), conv(4, relu), conv(4, relu), gap, softmax(3)], opts([8, 8, 1]));
    // 4×4: conv2d_4 (Grad-CAM's); 8×8: conv2d_2; the third place goes to the rest (conv2d_1, conv2d_3), evenly spaced.
    expect(names(layerCamLayers(mixed, auto))).toEqual(['conv2d_4', 'conv2d_3', 'conv2d_2']);
    mixed.dispose();
  });

  it('named layers, in the order given; an unknown name says what exists', () => {
    const model = chainCnn();
    expect(names(layerCamLayers(model, { type: 'names', names: ['batch_norm_1', 'conv2d_2'] }))).toEqual(['batch_norm_1', 'conv2d_2']);
    const bad = () => layerCamLayers(model, { type: 'names', names: ['activation_2'] });
    expect(bad).toThrow(UserError);
    expect(bad).toThrow(
      'report.explain.layerCam.layers names the layer "activation_2", but the model has no layer of that name; did you mean "activation_1"? ' +
        'Layers with feature maps (4-D outputs [batch, height, width, channels]) are "conv2d_1", "batch_norm_1", "max_pool_1", "conv2d_2", "batch_norm_2", "activation_1"; ' +
        'layers inside a nested model are written "<model>/<layer>".',
    );
    model.dispose();
  });
});

describe('Layer-CAM maps', () => {
  /**
   * input 4×4×1 → "early" 1×1 conv (2 channels, relu): B0 = relu(x + 0.05), B1 = relu(0.6 − 0.5x)
   * → "late" 1×1 conv (2 channels, relu) with kernel K2 → flatten → dense (2 classes, softmax, seeded).
   */
  const K2 = [1, -1, 0.5, 1]; // K2[j][k]: input channel j, output channel k
  const B2 = [0, 0.1];
  function twoStageModel(): { model: tf.LayersModel; dense: Float64Array } {
    const input = tf.input({ shape: [4, 4, 1], name: 'image' });
    const early = tf.layers.conv2d({ name: 'early', filters: 2, kernelSize: 1, activation: 'relu' });
    const late = tf.layers.conv2d({ name: 'late', filters: 2, kernelSize: 1, activation: 'relu' });
    const head = tf.layers.dense({ name: 'logits', units: 2, activation: 'softmax' });
    const model = tf.model({ inputs: input, outputs: head.apply(tf.layers.flatten().apply(late.apply(early.apply(input)))) as tf.SymbolicTensor });
    const random = mulberry32(17);
    const dense = Float64Array.from({ length: 32 * 2 }, () => 2 * random() - 1);
    setWeights(early, [1, -0.5], [0.05, 0.6]);
    setWeights(late, K2, B2);
    setWeights(head, dense, [0, 0]);
    return { model, dense };
  }

  /** Layer-CAM at "late" and at "early" for one image and class, in float64, the gradients by the chain rule. */
  function byHand(image: ArrayLike<number>, dense: Float64Array, c: number): { late: Float64Array; early: Float64Array } {
    const relu = (v: number) => Math.max(0, v);
    const late = new Float64Array(16);
    const early = new Float64Array(16);
    for (let p = 0; p < 16; p++) {
      const b = [relu(image[p]! + 0.05), relu(0.6 - 0.5 * image[p]!)];
      const z = [0, 1].map((k) => b[0]! * K2[k]! + b[1]! * K2[2 + k]! + B2[k]!);
      // ∂ logit_c / ∂ A_late[p, k] is the dense weight; through the ReLU and K2 to the early layer.
      const g2 = [0, 1].map((k) => dense[(p * 2 + k) * 2 + c]!);
      const g1 = [0, 1].map((j) => g2.reduce((s, g, k) => s + g * (z[k]! > 0 ? 1 : 0) * K2[j * 2 + k]!, 0));
      late[p] = relu(g2.reduce((s, g, k) => s + relu(g) * relu(z[k]!), 0));
      early[p] = relu(g1.reduce((s, g, j) => s + relu(g) * b[j]!, 0));
    }
    return { late, early };
  }

  it('at the last layer and at an earlier one equal the float64 computation; one result per layer, deepest first', () => {
    const { model, dense } = twoStageModel();
    const images = randomImages(2, [4, 4, 1], 23);
    const targets = [0, 1];
    const layers = layerCamLayers(model, auto);
    expect(names(layers)).toEqual(['late', 'early']);
    const results = layerCam(model, images, targets, { layers });
    expect(results.map((r) => [r.method, r.layer, r.signed, r.score])).toEqual([
      ['layerCam', 'late', false, 'logit'],
      ['layerCam', 'early', false, 'logit'],
    ]);
    for (let i = 0; i < 2; i++) {
      const expected = byHand(images.data.subarray(i * 16, (i + 1) * 16), dense, targets[i]!);
      // Non-trivial: the early gradient mixes both late channels with their ReLU gates.
      expect(maxAbs(expected.late)).toBeGreaterThan(0.05);
      expect(maxAbs(expected.early)).toBeGreaterThan(0.05);
      expect(maxAbsDiff(results[0]!.maps[i]!, expected.late), `image ${i}, late`).toBeLessThan(1e-5);
      expect(maxAbsDiff(results[1]!.maps[i]!, expected.early), `image ${i}, early`).toBeLessThan(1e-5);
    }
    model.dispose();
  });

  it('defaults to the auto layers, equals gradCam’s layerCam variant per layer, and frees what it made', async () => {
    const { model } = await buildModel({ kind: 'preset', preset: 'resnet', width: 0.125 }, opts([16, 16, 3]));
    const images = randomImages(3, [16, 16, 3], 9);
    let results: ReturnType<typeof layerCam> = [];
    expect(leaked(() => (results = layerCam(model, images, [0, 1, 2], { batchSize: 2 })))).toBe(0);
    expect(results.map((r) => r.layer)).toEqual(['residual_6_out', 'residual_4_out', 'residual_2_out']);
    for (const result of results) {
      const alone = gradCam(model, images, [0, 1, 2], { variant: 'layerCam', layer: layerByName(model, result.layer!, 'test') });
      expect(result.maps).toEqual(alone.maps);
      expect(result.range.min).toBeGreaterThanOrEqual(0);
    }
    model.dispose();
  });
});

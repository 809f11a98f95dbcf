/**
 * The cascading randomization test on a small conv–conv–dense CNN: the groups (output first,
 * every weighted layer once, nested models and batch norm), exact restoration of the weights
 * (also after an error), cumulative re-initialization from the layers' own initializers, a map
 * that ignores the weights (the input image) staying at similarity 1 and flagged, the gradient
 * falling, determinism under the seed, and no leaked tensors.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { cascadingRandomization, randomizationGroups, SANITY_FLAG_SPEARMAN, type ExplainAll, type SanityResult } from '../../../../src/analysis/explain/sanity.ts';
import { saliency } from '../../../../src/analysis/explain/saliency.ts';
import { attributionMaps, type AttributionMaps } from '../../../../src/analysis/explain/maps.ts';
import { leaked, randomImages, useCpu, useWasm } from './helpers.ts';

beforeAll(useCpu);

const SHAPE: [number, number, number] = [12, 12, 1];
const images = randomImages(3, SHAPE, 17);
const targets = [0, 1, 2];

/** conv 3×3 (4, relu) → conv 3×3 (4, relu) → flatten → dense(3, softmax); seeded Glorot kernels, seeded non-zero biases. */
function convConvDense(seed = 1): tf.LayersModel {
  const init = (k: number) => tf.initializers.glorotUniform({ seed: seed * 10 + k });
  const input = tf.input({ shape: SHAPE, name: 'image' });
  const c1 = tf.layers.conv2d({ name: 'conv_a', filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init(1), biasInitializer: tf.initializers.constant({ value: 0.05 }) });
  const c2 = tf.layers.conv2d({ name: 'conv_b', filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init(2), biasInitializer: tf.initializers.constant({ value: 0.05 }) });
  const dense = tf.layers.dense({ name: 'logits', units: 3, activation: 'softmax', kernelInitializer: init(3) });
  const out = dense.apply(tf.layers.flatten({ name: 'flat' }).apply(c2.apply(c1.apply(input)))) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}

/** Every weight's values, by its name in the layer ("conv_a/kernel"). */
const snapshot = (model: tf.LayersModel) => new Map(model.weights.map((w) => [w.originalName, Float32Array.from(w.read().dataSync() as Float32Array)]));
const bytes = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

/** A map that does not depend on the weights: the image itself (signed, so both Spearman values are reported). */
const inputMaps = (): AttributionMaps =>
  attributionMaps({ method: 'saliency', height: 12, width: 12, maps: [0, 1, 2].map((i) => images.data.slice(i * 144, (i + 1) * 144).map((v) => v - 0.5)), targets, score: 'logit', signed: true, settings: {} });

const gradientAndInput: ExplainAll = (m) => ({ saliency: saliency(m, images, targets), input: inputMaps() });

describe('randomizationGroups', () => {
  it('goes from the output down, the output layer alone first, every weighted layer once', () => {
    const model = convConvDense();
    expect(randomizationGroups(model, 6).map((g) => g.label)).toEqual(['logits', 'conv_b', 'conv_a']);
    const two = randomizationGroups(model, 2);
    expect(two.map((g) => g.layers)).toEqual([['logits'], ['conv_b', 'conv_a']]);
    expect(two[1]!.label).toBe('conv_b … conv_a');
    expect(two[1]!.members).toEqual([model.getLayer('conv_b'), model.getLayer('conv_a')]);
    expect(randomizationGroups(model, 1).map((g) => g.layers)).toEqual([['logits', 'conv_b', 'conv_a']]);
    expect(() => randomizationGroups(model, 0)).toThrow(/at least 1/);
  });

  it('walks nested models, keeps batch norm with its convolution, splits the rest evenly', () => {
    const baseInput = tf.input({ shape: SHAPE });
    let x = baseInput as tf.SymbolicTensor;
    for (const k of [1, 2, 3, 4]) {
      x = tf.layers.conv2d({ name: `c${k}`, filters: 2, kernelSize: 3, padding: 'same' }).apply(x) as tf.SymbolicTensor;
      x = tf.layers.batchNormalization({ name: `bn${k}` }).apply(x) as tf.SymbolicTensor;
      x = tf.layers.reLU({ name: `relu${k}` }).apply(x) as tf.SymbolicTensor;
    }
    const base = tf.model({ inputs: baseInput, outputs: x, name: 'base' });
    const input = tf.input({ shape: SHAPE });
    const top = tf.layers.conv2d({ name: 'top', filters: 3, kernelSize: 1 }).apply(base.apply(input) as tf.SymbolicTensor) as tf.SymbolicTensor;
    const out = tf.layers.dense({ name: 'head', units: 2, activation: 'softmax' }).apply(tf.layers.globalAveragePooling2d({}).apply(top)) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: out });
    const groups = randomizationGroups(model, 3);
    expect(groups.map((g) => g.layers)).toEqual([
      ['head'],
      ['top', 'base/bn4', 'base/c4', 'base/bn3', 'base/c3'],
      ['base/bn2', 'base/c2', 'base/bn1', 'base/c1'],
    ]);
    const all = groups.flatMap((g) => g.members);
    const weighted = [model.getLayer('head'), model.getLayer('top'), ...base.layers.filter((l) => l.weights.length > 0)];
    expect(new Set(all)).toEqual(new Set(weighted));
    expect(all).toHaveLength(weighted.length);
    expect(randomizationGroups(model, 100)).toHaveLength(6);

    // Batch norm re-initialized from its own initializers (γ 1, β 0, statistics 0 and 1) during the run, restored after.
    const bn = base.getLayer('bn2');
    const planted = bn.getWeights().map((w, i) => tf.fill(w.shape, [1.5, 0.2, 0.3, 2][i]!));
    bn.setWeights(planted);
    tf.dispose(planted);
    const before = snapshot(model);
    let during: number[][] = [];
    cascadingRandomization(model, groups, () => {
      during = bn.getWeights().map((w) => Array.from(w.dataSync()));
      return { input: inputMaps() };
    }, { seed: 1 });
    expect(during).toEqual([[1, 1], [0, 0], [0, 0], [1, 1]]);
    for (const [name, values] of snapshot(model)) expect(bytes(values).equals(bytes(before.get(name)!))).toBe(true);
    expect(bn.getWeights().map((w) => Array.from(w.dataSync()))).toEqual([[1.5, 1.5], [0.2, 0.2], [0.3, 0.3], [2, 2]].map((v) => v.map(Math.fround)));
  });
});

describe('cascadingRandomization', () => {
  let model: tf.LayersModel;
  beforeAll(() => {
    model = convConvDense();
  });

  it('restores every weight bit for bit, and randomizes cumulatively from the output down', () => {
    const before = snapshot(model);
    const groups = randomizationGroups(model, 6);
    const seen: Map<string, Float32Array>[] = [];
    cascadingRandomization(model, groups, (m) => {
      seen.push(snapshot(m));
      return gradientAndInput(m);
    }, { seed: 5 });
    const after = snapshot(model);
    for (const [name, values] of before) expect(bytes(after.get(name)!).equals(bytes(values))).toBe(true);
    // Call 0 sees the trained weights; call k the first k groups re-initialized, the others untouched.
    const changed = (s: Map<string, Float32Array>, layer: string) => !bytes(s.get(`${layer}/kernel`)!).equals(bytes(before.get(`${layer}/kernel`)!));
    expect(seen.map((s) => ['logits', 'conv_b', 'conv_a'].map((l) => changed(s, l)))).toEqual([
      [false, false, false],
      [true, false, false],
      [true, true, false],
      [true, true, true],
    ]);
  });

  it("draws from each layer's own initializer with a fresh seed", () => {
    const input = tf.input({ shape: [4] });
    const dense = tf.layers.dense({ name: 'wide', units: 400, kernelInitializer: tf.initializers.randomNormal({ mean: 0, stddev: 3, seed: 1 }), biasInitializer: tf.initializers.constant({ value: 7 }) });
    const m = tf.model({ inputs: input, outputs: tf.layers.dense({ name: 'out', units: 2, activation: 'softmax' }).apply(dense.apply(input)) as tf.SymbolicTensor });
    const original = dense.getWeights()[0]!.dataSync().slice();
    let drawn: Float32Array | undefined;
    let bias: Float32Array | undefined;
    const ramp = attributionMaps({ method: 'saliency', height: 8, width: 8, maps: [Float32Array.from({ length: 64 }, (_, i) => i)], targets: [0], score: 'logit', signed: false, settings: {} });
    cascadingRandomization(m, randomizationGroups(m, 1), (mm) => {
      const [kernel, b] = mm.getLayer('wide').getWeights().map((w) => w.dataSync().slice() as Float32Array);
      if (kernel![0] !== original[0]) [drawn, bias] = [kernel, b];
      return { x: ramp };
    }, { seed: 2 });
    const std = Math.sqrt(drawn!.reduce((s, v) => s + v * v, 0) / drawn!.length);
    expect(std).toBeGreaterThan(2.8);
    expect(std).toBeLessThan(3.2);
    expect(Array.from(bias!).every((v) => v === 7)).toBe(true);
    expect(Array.from(dense.getWeights()[0]!.dataSync())).toEqual(Array.from(original));
  });

  it('restores the weights when explainAll throws', () => {
    const before = snapshot(model);
    let calls = 0;
    expect(() =>
      cascadingRandomization(model, randomizationGroups(model, 6), (m) => {
        if (++calls === 3) throw new Error('out of memory');
        return gradientAndInput(m);
      }, { seed: 5 }),
    ).toThrow('out of memory');
    for (const [name, values] of snapshot(model)) expect(bytes(values).equals(bytes(before.get(name)!))).toBe(true);
  });

  it('keeps a weight-independent map at 1 and flags it; the gradient falls and is not flagged', () => {
    const result = cascadingRandomization(model, randomizationGroups(model, 6), gradientAndInput, { seed: 5, ids: [40, 41, 42] });
    expect(result.steps).toEqual([
      { label: 'logits', layers: ['logits'] },
      { label: 'conv_b', layers: ['conv_b'] },
      { label: 'conv_a', layers: ['conv_a'] },
    ]);
    expect(result.images).toEqual([40, 41, 42]);
    expect(result.threshold).toBe(SANITY_FLAG_SPEARMAN);
    const input = result.methods.find((m) => m.method === 'input')!;
    expect(input).toEqual({ method: 'input', spearman: [1, 1, 1], spearmanSigned: [1, 1, 1], ssim: [1, 1, 1], flagged: true });
    const grad = result.methods.find((m) => m.method === 'saliency')!;
    expect(grad.spearmanSigned).toBeUndefined();
    expect(grad.flagged).toBe(false);
    expect(grad.spearman[0]).toBeLessThan(0.9);
    expect(grad.spearman[2]).toBeLessThan(SANITY_FLAG_SPEARMAN);
    expect(grad.ssim[2]).toBeLessThan(0.5);
    expect(JSON.parse(JSON.stringify(result))).toEqual(result);
  });

  it('is deterministic under the seed, and the seed matters', () => {
    const groups = randomizationGroups(model, 6);
    const a = cascadingRandomization(model, groups, gradientAndInput, { seed: 9 });
    const b = cascadingRandomization(model, groups, gradientAndInput, { seed: 9 });
    const c = cascadingRandomization(model, groups, gradientAndInput, { seed: 10 });
    expect(b).toEqual(a);
    expect(c.methods[0]!.spearman).not.toEqual(a.methods[0]!.spearman);
  });

  it('counts a map that turns constant as 0, two constant maps as 1', () => {
    const flat = (v: number) => attributionMaps({ method: 'gradcam', height: 8, width: 8, maps: [new Float32Array(64).fill(v)], targets: [0], score: 'logit', signed: false, settings: {} });
    const ramp = attributionMaps({ method: 'gradcam', height: 8, width: 8, maps: [Float32Array.from({ length: 64 }, (_, i) => i)], targets: [0], score: 'logit', signed: false, settings: {} });
    let call = 0;
    const result = cascadingRandomization(model, randomizationGroups(model, 6), () => (call++ === 0 ? { dies: ramp, dead: flat(0) } : { dies: flat(0), dead: flat(3) }), { seed: 1 });
    const [dies, dead] = result.methods;
    expect(dies!.spearman).toEqual([0, 0, 0]);
    expect(dies!.flagged).toBe(false);
    expect(dead!.spearman).toEqual([1, 1, 1]);
    // Min–max normalization sends every constant map to 0: SSIM of two constants is 1.
    expect(dead!.ssim).toEqual([1, 1, 1]);
  });

  it('leaves no tensors behind', () => {
    const groups = randomizationGroups(model, 6);
    cascadingRandomization(model, groups, gradientAndInput, { seed: 3 });
    expect(leaked(() => cascadingRandomization(model, groups, gradientAndInput, { seed: 3 }))).toBe(0);
  });

  it('on wasm: the cpu result, the weights restored bit for bit, no tensors left', async () => {
    const expected = cascadingRandomization(model, randomizationGroups(model, 6), gradientAndInput, { seed: 4 });
    await useWasm();
    try {
      const onWasm = convConvDense();
      const before = snapshot(onWasm);
      let result: SanityResult | undefined;
      expect(leaked(() => (result = cascadingRandomization(onWasm, randomizationGroups(onWasm, 6), gradientAndInput, { seed: 4 })))).toBe(0);
      expect(tf.getBackend()).toBe('wasm');
      for (const [name, values] of snapshot(onWasm)) expect(bytes(values).equals(bytes(before.get(name)!))).toBe(true);
      result!.methods.forEach((m, i) => {
        const e = expected.methods[i]!;
        expect(m.method).toBe(e.method);
        m.spearman.forEach((v, k) => expect(v).toBeCloseTo(e.spearman[k]!, 4));
        m.ssim.forEach((v, k) => expect(v).toBeCloseTo(e.ssim[k]!, 4));
      });
      onWasm.dispose();
    } finally {
      await useCpu();
    }
  });
});

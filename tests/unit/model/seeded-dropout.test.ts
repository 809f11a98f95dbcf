import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { SeededDropout } from '../../../src/model/layers/seeded-dropout.ts';
import { setRandomStep } from '../../../src/model/random-step.ts';
import { buildLayersModel } from '../../../src/model/build.ts';
import { summarizeModel } from '../../../src/model/summary.ts';
import { saveModel } from '../../../src/engine/model-io.ts';
import { loadStock } from './stock-load.ts';
import { conv, dense, dropout, gap, options, softmax, spatialDropout } from './specs.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const mask = (layer: tf.layers.Layer, x: tf.Tensor, training = true) => tf.tidy(() => Array.from((layer.apply(x, { training }) as tf.Tensor).dataSync()));

describe('SeededDropout', () => {
  it('same (step, replica) → same mask; another step, replica or stream seed → another mask', () => {
    const x = tf.ones([1, 256]);
    const layer = new SeededDropout({ rate: 0.5, streamSeed: 5 });
    const at = (step: number, replica = 0, l = layer) => {
      l.setStep(step, replica);
      return mask(l, x);
    };
    const m = at(3);
    expect(at(3)).toEqual(m); // repeated calls within a step do not advance it
    expect(at(3, 0, new SeededDropout({ rate: 0.5, streamSeed: 5 }))).toEqual(m);
    expect(at(4)).not.toEqual(m);
    expect(at(3, 1)).not.toEqual(m);
    expect(at(3, 0, new SeededDropout({ rate: 0.5, streamSeed: 6 }))).not.toEqual(m);
    x.dispose();
  });

  it('scales kept units by 1/(1 − rate), drops about `rate` of them, and is the identity at inference', () => {
    const x = tf.ones([1, 10000]);
    const layer = new SeededDropout({ rate: 0.25, streamSeed: 1 });
    const m = mask(layer, x);
    expect(new Set(m)).toEqual(new Set([0, 4 / 3].map((v) => Math.fround(v))));
    const dropped = m.filter((v) => v === 0).length / m.length;
    expect(dropped).toBeGreaterThan(0.23);
    expect(dropped).toBeLessThan(0.27);
    expect(mask(layer, x, false)).toEqual(new Array(10000).fill(1));
    x.dispose();
  });

  it('without an explicit step, training call k uses step k (so a resumed run can set it)', () => {
    const x = tf.ones([1, 64]);
    const auto = new SeededDropout({ rate: 0.5, streamSeed: 9 });
    mask(auto, x, false); // inference calls do not count
    const automatic = [0, 1, 2].map(() => mask(auto, x));
    const explicit = new SeededDropout({ rate: 0.5, streamSeed: 9 });
    expect([0, 1, 2].map((step) => (explicit.setStep(step), mask(explicit, x)))).toEqual(automatic);
    expect(automatic[0]).not.toEqual(automatic[1]);
    x.dispose();
  });

  it('spatial dropout zeroes whole channels', () => {
    const x = tf.ones([3, 4, 5, 16]);
    const layer = new SeededDropout({ rate: 0.5, spatial: true, streamSeed: 2 });
    const out = tf.tidy(() => (layer.apply(x, { training: true }) as tf.Tensor).arraySync()) as number[][][][];
    let kept = 0;
    for (const image of out) {
      for (let c = 0; c < 16; c++) {
        const values = new Set(image.flatMap((row) => row.map((px) => px[c]!)));
        expect(values.size).toBe(1); // one decision per (image, channel)
        if (values.has(2)) kept++;
      }
    }
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(48);
    x.dispose();
  });

  it('serializes as a plain Dropout without a seed (spatial: with the noise shape of one draw per channel)', () => {
    const layer = new SeededDropout({ rate: 0.25, streamSeed: 1 });
    expect(layer.getClassName()).toBe('Dropout');
    expect(layer.getConfig()).not.toHaveProperty('seed');
    expect(layer.getConfig()['rate']).toBe(0.25);
    const spatial = new SeededDropout({ rate: 0.1, spatial: true });
    expect(spatial.getConfig()['noiseShape']).toEqual([null, 1, 1, null]);
  });
});

describe('setRandomStep', () => {
  const layers = [conv(8), spatialDropout(0.5), gap, dense(32), dropout(0.5), softmax(4)];

  it('sets every seeded layer of a model, also inside a nested model', () => {
    const model = buildLayersModel(layers, options([6, 6, 1], 4));
    expect(setRandomStep(model, 0)).toBe(2);
    const outer = tf.sequential({ layers: [model, tf.layers.dense({ units: 2 })] });
    expect(setRandomStep(outer, 0)).toBe(2);
    expect(() => setRandomStep(model, -1)).toThrow('step must be a whole number');
    expect(() => setRandomStep(model, 1.5)).toThrow('step must be a whole number');
    model.dispose();
  });

  it('decides the masks a training step uses: same step → same loss, another step or replica → another loss', async () => {
    const model = buildLayersModel(layers, options([6, 6, 1], 4));
    // Learning rate 0: the weights never move, so the loss depends on the masks alone.
    model.compile({ optimizer: tf.train.sgd(0), loss: 'categoricalCrossentropy' });
    const x = tf.randomNormal([8, 6, 6, 1], 0, 1, 'float32', 1);
    const y = tf.oneHot(tf.tensor1d([0, 1, 2, 3, 0, 1, 2, 3], 'int32'), 4).toFloat();
    const loss = async (step: number, replica = 0) => {
      setRandomStep(model, step, replica);
      return (await model.trainOnBatch(x, y)) as number;
    };
    const first = await loss(7);
    expect(await loss(7)).toBe(first);
    expect(await loss(8)).not.toBe(first);
    expect(await loss(7, 1)).not.toBe(first);
    expect(await loss(7)).toBe(first);
    tf.dispose([x, y]);
    model.dispose();
  });

  it('the same experiment seed gives the same masks in a separately built model; another dropout seed does not', async () => {
    const x = tf.randomNormal([8, 6, 6, 1], 0, 1, 'float32', 1);
    const y = tf.oneHot(tf.tensor1d([0, 1, 2, 3, 0, 1, 2, 3], 'int32'), 4).toFloat();
    const lossOf = async (dropoutSeed: number) => {
      const model = buildLayersModel(layers, { ...options([6, 6, 1], 4), seeds: { init: 1, dropout: dropoutSeed } });
      model.compile({ optimizer: tf.train.sgd(0), loss: 'categoricalCrossentropy' });
      setRandomStep(model, 3);
      const loss = (await model.trainOnBatch(x, y)) as number;
      model.dispose();
      return loss;
    };
    const a = await lossOf(2);
    expect(await lossOf(2)).toBe(a);
    expect(await lossOf(3)).not.toBe(a);
    tf.dispose([x, y]);
  });

  it('a saved model reloads in stock tfjs with the same dropout rates and noise shapes', async () => {
    const model = buildLayersModel(layers, options([6, 6, 1], 4));
    expect(summarizeModel(model).layers.map((l) => l.type)).toContain('SpatialDropout2D');
    const saved = await saveModel(model);
    const topology = JSON.parse(saved.modelJson) as { modelTopology: { config: { layers: { class_name: string; config: object }[] } } };
    const dropConfigs = topology.modelTopology.config.layers.filter((l) => l.class_name === 'Dropout').map((l) => l.config);
    expect(dropConfigs.map((c) => 'seed' in c)).toEqual([false, false]);
    const stock = await loadStock(saved);
    const drops = stock.layers.filter((l) => l.getClassName() === 'Dropout').map((l) => [l instanceof SeededDropout, l.getConfig()['rate'], l.getConfig()['noiseShape'] ?? null]);
    expect(drops).toEqual([
      [false, 0.5, [null, 1, 1, null]],
      [false, 0.5, null],
    ]);
    // And computes what the built model computes.
    const x = tf.randomNormal([2, 6, 6, 1], 0, 1, 'float32', 4);
    const [a, b] = [model, stock].map((m) => m.predict(x) as tf.Tensor);
    expect(Array.from(b!.dataSync())).toEqual(Array.from(a!.dataSync()));
    tf.dispose([x, a!, b!]);
    stock.dispose();
    model.dispose();
  });
});

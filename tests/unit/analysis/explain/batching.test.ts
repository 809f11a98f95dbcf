/**
 * Every method on a residual network: a batch gives each image the map it gets alone (passes
 * split mid-image on purpose), and no method leaves a tensor behind.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { gradCam } from '../../../../src/analysis/explain/grad-cam.ts';
import { saliency } from '../../../../src/analysis/explain/saliency.ts';
import { smoothGrad } from '../../../../src/analysis/explain/smoothgrad.ts';
import { integratedGradients } from '../../../../src/analysis/explain/integrated-gradients.ts';
import { expectedGradients } from '../../../../src/analysis/explain/expected-gradients.ts';
import { occlusion } from '../../../../src/analysis/explain/occlusion.ts';
import { faithfulness } from '../../../../src/analysis/explain/faithfulness.ts';
import { featureMaps } from '../../../../src/analysis/explain/feature-maps.ts';
import { firstLayerFilters } from '../../../../src/analysis/explain/filter-weights.ts';
import { filterPatterns } from '../../../../src/analysis/explain/filter-patterns.ts';
import { featureMapLayers, filterLayers } from '../../../../src/analysis/explain/layers.ts';
import { baselineImage, rescaleSpace, type ImageBatch } from '../../../../src/analysis/explain/images.ts';
import type { AttributionMaps } from '../../../../src/analysis/explain/maps.ts';
import { buildModel } from '../../../../src/model/build.ts';
import { leaked, maxAbs, maxAbsDiff, perturbBiases, randomImages, sub, useCpu } from './helpers.ts';

const SHAPE: [number, number, number] = [8, 8, 3];
const images = randomImages(3, SHAPE, 51);
const background = randomImages(4, SHAPE, 52);
const targets = [0, 3, 1];
const ids = [100, 200, 300];
const black = baselineImage('black', rescaleSpace(3), SHAPE);

type Method = (batch: ImageBatch, t: number[], idList: number[]) => AttributionMaps;
const methods: Record<string, Method> = {
  gradcam: (b, t) => gradCam(model, b, t, { batchSize: 2 }),
  gradcamPlusPlus: (b, t) => gradCam(model, b, t, { variant: 'gradcamPlusPlus', batchSize: 2 }),
  saliency: (b, t) => saliency(model, b, t, { batchSize: 2 }),
  smoothgrad: (b, t, i) => smoothGrad(model, b, t, { samples: 5, noise: 0.15, seed: 9, ids: i, rowsPerPass: 7 }),
  integratedGradients: (b, t) => integratedGradients(model, b, t, { steps: 8, baseline: black, rowsPerPass: 7 }),
  expectedGradients: (b, t, i) => expectedGradients(model, b, t, { background, samples: 6, seed: 9, ids: i, rowsPerPass: 7 }),
  occlusion: (b, t) => occlusion(model, b, t, { size: 3, stride: 2, fill: black, rowsPerPass: 7 }),
};

let model: tf.LayersModel;
beforeAll(async () => {
  await useCpu();
  model = perturbBiases((await buildModel({ kind: 'preset', preset: 'resnet', width: 0.125 }, { inputShape: SHAPE, numClasses: 4, seeds: { init: 6, dropout: 7 } })).model, 8, 0.1);
});

describe('batched = one image at a time, and no leaks', () => {
  it.each(Object.keys(methods))('%s', (name) => {
    const method = methods[name]!;
    let batched: AttributionMaps | undefined;
    expect(leaked(() => (batched = method(images, targets, ids)))).toBe(0);
    expect(batched!.maps).toHaveLength(3);
    expect(maxAbs(batched!.maps.flatMap((m) => Array.from(m)))).toBeGreaterThan(0);
    for (let i = 0; i < 3; i++) {
      const alone = method(sub(images, i), [targets[i]!], [ids[i]!]);
      const scale = Math.max(1e-12, maxAbs(batched!.maps[i]!));
      expect(maxAbsDiff(alone.maps[0]!, batched!.maps[i]!) / scale, `image ${i}`).toBeLessThan(1e-4);
    }
  });

  it.each(Object.keys(methods))('%s of no images: empty maps', (name) => {
    const none = sub(images, 0, 0);
    const result = methods[name]!(none, [], []);
    expect([result.maps.length, result.targets.length, result.range]).toEqual([0, 0, { min: 0, max: 0 }]);
  });

  it('faithfulness curves', () => {
    const maps = saliency(model, images, targets).maps;
    let batched: ReturnType<typeof faithfulness> | undefined;
    expect(leaked(() => (batched = faithfulness(model, images, targets, maps, { steps: 4, fill: black, rowsPerPass: 3 })))).toBe(0);
    for (let i = 0; i < 3; i++) {
      const alone = faithfulness(model, sub(images, i), [targets[i]!], [maps[i]!], { steps: 4, fill: black });
      expect(maxAbsDiff(alone.deletion[0]!, batched!.deletion[i]!)).toBeLessThan(1e-6);
      expect(maxAbsDiff(alone.insertion[0]!, batched!.insertion[i]!)).toBeLessThan(1e-6);
    }
  });

  it('feature maps, first-layer filters and filter patterns', () => {
    const layers = featureMapLayers(model, { type: 'auto' }, 3);
    let batched: ReturnType<typeof featureMaps> | undefined;
    expect(leaked(() => (batched = featureMaps(model, images, layers, { channels: 4, batchSize: 2 })))).toBe(0);
    const alone = featureMaps(model, sub(images, 2), layers, { channels: 4 });
    layers.forEach((_, l) => expect(alone[l]!.maps[0]).toEqual(batched![l]!.maps[2]));
    expect(leaked(() => firstLayerFilters(model))).toBe(0);
    const [layer] = filterLayers(model, { type: 'auto' }, 1);
    expect(leaked(() => filterPatterns(model, layer!, { count: 2, steps: 3, seed: 1, space: rescaleSpace(3) }))).toBe(0);
  });
});

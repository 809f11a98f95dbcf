/**
 * The methods on wasm (with convlens's training kernels, which the backward passes use) against
 * the cpu backend as the oracle; Integrated Gradients' completeness and the leak check on wasm.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gradCam } from '../../../../src/analysis/explain/grad-cam.ts';
import { saliency } from '../../../../src/analysis/explain/saliency.ts';
import { smoothGrad } from '../../../../src/analysis/explain/smoothgrad.ts';
import { integratedGradients } from '../../../../src/analysis/explain/integrated-gradients.ts';
import { occlusion } from '../../../../src/analysis/explain/occlusion.ts';
import { faithfulness } from '../../../../src/analysis/explain/faithfulness.ts';
import { featureMaps } from '../../../../src/analysis/explain/feature-maps.ts';
import { featureMapLayers } from '../../../../src/analysis/explain/layers.ts';
import { baselineImage, rescaleSpace } from '../../../../src/analysis/explain/images.ts';
import type { AttributionMaps } from '../../../../src/analysis/explain/maps.ts';
import { leaked, maxAbs, maxAbsDiff, perturbBiases, randomImages, smallCnn, useCpu, useWasm } from './helpers.ts';

const SHAPE: [number, number, number] = [8, 8, 2];
const images = randomImages(3, SHAPE, 61);
const targets = [2, 0, 1];
const black = baselineImage('black', rescaleSpace(2), SHAPE);

let model: tf.LayersModel;
beforeAll(async () => {
  await useCpu();
  model = perturbBiases(smallCnn(SHAPE, 'relu', 23));
});
afterAll(useCpu);

const methods: Record<string, () => AttributionMaps> = {
  gradcam: () => gradCam(model, images, targets),
  gradcamPlusPlus: () => gradCam(model, images, targets, { variant: 'gradcamPlusPlus' }),
  saliency: () => saliency(model, images, targets),
  smoothgrad: () => smoothGrad(model, images, targets, { samples: 6, noise: 0.15, seed: 2 }),
  integratedGradients: () => integratedGradients(model, images, targets, { steps: 50, baseline: black }),
  occlusion: () => occlusion(model, images, targets, { size: 2, stride: 2, fill: black }),
};

describe('on wasm', () => {
  it.each(Object.keys(methods))('%s matches the cpu backend and frees every tensor', async (name) => {
    await useCpu();
    const expected = methods[name]!();
    await useWasm();
    let actual: AttributionMaps | undefined;
    expect(leaked(() => (actual = methods[name]!()))).toBe(0);
    expect(tf.getBackend()).toBe('wasm');
    for (let i = 0; i < 3; i++) {
      // Occlusion's values are differences of probabilities (absolute tolerance); the rest relative to the map.
      const scale = name === 'occlusion' ? 1 : Math.max(1e-12, maxAbs(expected.maps[i]!));
      expect(maxAbsDiff(actual!.maps[i]!, expected.maps[i]!) / scale).toBeLessThan(1e-4);
    }
  });

  it('Integrated Gradients is complete within 1 % at 50 steps (the cpu completeness case, on wasm)', async () => {
    await useCpu();
    const responsive = perturbBiases(smallCnn(SHAPE, 'relu', 21));
    await useWasm();
    const result = integratedGradients(responsive, randomImages(3, SHAPE, 31), [0, 1, 2], { steps: 50, baseline: black });
    result.completeness!.delta.forEach((d, i) => {
      expect(Math.abs(d)).toBeGreaterThan(1e-3);
      expect(Math.abs(result.completeness!.sum[i]! - d) / Math.abs(d)).toBeLessThan(0.01);
    });
    responsive.dispose();
  });

  it('feature maps and faithfulness curves match cpu', async () => {
    const layers = featureMapLayers(model, { type: 'auto' });
    const maps = saliency(model, images, targets).maps;
    await useCpu();
    const fm = featureMaps(model, images, layers, { channels: 3 });
    const curves = faithfulness(model, images, targets, maps, { steps: 8, fill: black });
    await useWasm();
    const fmWasm = featureMaps(model, images, layers, { channels: 3 });
    const curvesWasm = faithfulness(model, images, targets, maps, { steps: 8, fill: black });
    fm.forEach((l, k) => l.maps.forEach((perImage, i) => perImage.forEach((m, c) => expect(maxAbsDiff(fmWasm[k]!.maps[i]![c]!, m)).toBeLessThan(1e-5))));
    curves.deletion.forEach((c, i) => expect(maxAbsDiff(curvesWasm.deletion[i]!, c)).toBeLessThan(1e-5));
    curves.insertion.forEach((c, i) => expect(maxAbsDiff(curvesWasm.insertion[i]!, c)).toBeLessThan(1e-5));
  });
});

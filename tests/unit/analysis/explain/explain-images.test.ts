/**
 * The spec-driven entry: each requested method runs (and only those), Grad-CAM for the
 * predicted and the true class from one double batch equals two separate calls, faithfulness
 * per method, feature maps and filters from their spec sections; nothing leaks.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { explainImages, reportFeatureMaps, reportFilters } from '../../../../src/analysis/explain/index.ts';
import { gradCam } from '../../../../src/analysis/explain/grad-cam.ts';
import { faithfulness } from '../../../../src/analysis/explain/faithfulness.ts';
import { baselineImage, rescaleSpace } from '../../../../src/analysis/explain/images.ts';
import { EXPLAIN_METHODS, type ReportSpec } from '../../../../src/config/spec.ts';
import { buildLayersModel } from '../../../../src/model/build.ts';
import { UserError } from '../../../../src/lib/errors.ts';
import { dense, flatten, softmax } from '../../model/specs.ts';
import { leaked, perturbBiases, randomImages, smallCnn, useCpu } from './helpers.ts';

const SHAPE: [number, number, number] = [8, 8, 2];
const spec: ReportSpec['explain'] = {
  images: 2,
  methods: [...EXPLAIN_METHODS],
  layer: { type: 'auto' },
  smoothgrad: { samples: 3, noise: 0.15 },
  integratedGradients: { steps: 4, maxSteps: 4, tolerance: 1, rule: 'trapezoid', baseline: 'mean' },
  expectedGradients: { maxSamples: 1, tolerance: 1, background: 3, samples: 4 },
  occlusion: { size: 4, stride: 4 },
  layerCam: { layers: { type: 'auto' } },
  faithfulness: { steps: 4, road: { fractions: [0.5] }, sensitivity: { samples: 2, radius: 0.02 } },
  sanity: { images: 0, steps: 1 },
};
const space = rescaleSpace(2, [0.4, 0.6]);
const inputs = { images: randomImages(2, SHAPE, 71), ids: [5, 8], predicted: [1, 2], labels: [0, 2], background: randomImages(3, SHAPE, 72), space, seed: 11 };

let model: tf.LayersModel;
beforeAll(async () => {
  await useCpu();
  model = perturbBiases(smallCnn(SHAPE, 'relu', 24));
});

describe('explainImages', () => {
  it('runs every requested method for the predicted class, Grad-CAM also for the true class, and scores each map', () => {
    let result: ReturnType<typeof explainImages> | undefined;
    expect(leaked(() => (result = explainImages(model, inputs, spec, { rowsPerPass: 5 })))).toBe(0);
    expect(Object.keys(result!.predicted).sort()).toEqual([...EXPLAIN_METHODS].sort());
    expect(Object.keys(result!.truth).sort()).toEqual(['gradcam', 'gradcamPlusPlus']);
    expect(Object.keys(result!.faithfulness).sort()).toEqual([...EXPLAIN_METHODS].sort());
    expect(result!.layer).toBe('activation_1');
    expect(Array.from(result!.predicted.saliency!.targets)).toEqual([1, 2]);
    expect(Array.from(result!.truth.gradcam!.targets)).toEqual([0, 2]);
    const truth = gradCam(model, inputs.images, inputs.labels);
    expect(result!.truth.gradcam!.maps).toEqual(truth.maps);
    expect(result!.truth.gradcam!.range).toEqual(truth.range);
    expect(result!.predicted.gradcam!.maps).toEqual(gradCam(model, inputs.images, inputs.predicted).maps);
    // The IG baseline (the training mean colour here) is also the occlusion patch and the deletion fill.
    expect(result!.predicted.integratedGradients!.settings).toMatchObject({ steps: 4, baseline: 'mean' });
    expect(result!.predicted.occlusion!.settings).toMatchObject({ fill: 'mean' });
    const fill = baselineImage('mean', space, SHAPE);
    const curves = faithfulness(model, inputs.images, inputs.predicted, result!.predicted.occlusion!.maps, { steps: 4, fill });
    expect(result!.faithfulness.occlusion!.deletion).toEqual(curves.deletion);
  });

  it('runs only the requested methods; a model without convolutions fails only when Grad-CAM is asked for', () => {
    const result = explainImages(model, inputs, { ...spec, methods: ['saliency', 'occlusion'] });
    expect(Object.keys(result.predicted)).toEqual(['saliency', 'occlusion']);
    expect(result.layer).toBeUndefined();
    const mlp = buildLayersModel([flatten, dense(4, { activation: 'relu' }), softmax(3)], { inputShape: SHAPE, numClasses: 3, seeds: { init: 1, dropout: 1 } });
    expect(Object.keys(explainImages(mlp, inputs, { ...spec, methods: ['saliency'] }).predicted)).toEqual(['saliency']);
    expect(() => explainImages(mlp, inputs, { ...spec, methods: ['saliency', 'gradcam'] })).toThrow(UserError);
    mlp.dispose();
  });

  it('feature maps and filters from their spec sections', () => {
    const maps = reportFeatureMaps(model, inputs.images, { layers: { type: 'auto' }, images: 1, channels: 2 });
    expect(maps.map((m) => [m.layer, m.maps.length, m.channels])).toEqual([
      ['conv2d_1', 1, 2],
      ['activation_1', 1, 2],
    ]);
    const filters = reportFilters(model, { layers: { type: 'names', names: ['conv2d_2'] }, count: 2, steps: 3, topImages: 0 }, space, 11);
    expect(filters.weights?.layer).toBe('conv2d_1');
    expect(filters.patterns.map((p) => [p.layer, p.filters])).toEqual([['conv2d_2', [0, 1]]]);
    expect(reportFilters(model, { layers: { type: 'auto' }, count: 0, steps: 3, topImages: 0 }, space, 11).patterns).toEqual([]);
  });
});

/**
 * The explanation views' automatic layers on real imported networks: Keras Applications MobileNet
 * (depthwise blocks ending in a 1×1 Conv2D classifier over pooled features) and MLPerf Tiny's
 * ResNet-8 (residual blocks joined by Add). Grad-CAM must take the last block that still has a
 * spatial map and that the whole signal passes through.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { featureMapLayers, firstConvolution, gradCamLayer } from '../../../src/analysis/explain/layers.ts';
import { instantiateModel, readModelFile } from '../../../src/import/index.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const load = async (file: string) => instantiateModel(await readModelFile(`tests/fixtures/models/keras-h5/${file}`));

describe('automatic explanation layers on imported models', () => {
  it('Keras MobileNet 0.25 (ImageNet): the last pointwise block, not the 1×1 classifier conv', async () => {
    const model = await load('keras-mobilenet-v1-0.25-224-imagenet.h5');
    expect(gradCamLayer(model)).toMatchObject({ name: 'conv_pw_13_relu', shape: [7, 7, 256], className: 'ReLU' });
    expect(firstConvolution(model)).toMatchObject({ name: 'conv1' });
    const maps = featureMapLayers(model, { type: 'auto' });
    expect(maps.at(-1)!.name).toBe('conv_pw_13_relu');
    expect(maps.map((m) => m.name)).not.toContain('conv_preds');
    model.dispose();
  });

  it('MLPerf Tiny ResNet-8: the last residual block’s output, after the Add', async () => {
    const model = await load('mlperf-tiny-resnet8-cifar10.h5');
    // … conv2d_8 → batch_normalization_6 → add_2 (with the shortcut conv2d_7) → activation_6 → average pooling.
    expect(gradCamLayer(model)).toMatchObject({ name: 'activation_6', shape: [8, 8, 64], className: 'Activation' });
    expect(model.getLayer('activation_6').inboundNodes[0]!.inboundLayers.map((l) => l.name)).toEqual(['add_2']);
    model.dispose();
  });
});

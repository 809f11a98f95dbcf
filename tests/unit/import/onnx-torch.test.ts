/**
 * Real PyTorch models exported to ONNX (scripts/fixtures/torch_onnx.py: a Fashion-MNIST CNN,
 * torchvision's resnet18 and mobilenet_v2, each at opsets 11 and 17), imported and run on the
 * cpu backend as the pipeline runs them (softmax appended to the logits by adaptOutputs), against
 * PyTorch's own probabilities and Grad-CAM maps.
 *
 * Grad-CAM: the reference names the ONNX tensor of its layer (NCHW); `tensorLayers` gives the
 * converted layer holding it (NHWC). convlens's map at the layer's resolution (camTensor on
 * layerGradient) is compared with PyTorch's `map`, and gradCam()'s map at input size with
 * PyTorch's map resized the same way (bilinear, half-pixel centres).
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { gradCam, camTensor } from '../../../src/analysis/explain/grad-cam.ts';
import { layerGradient } from '../../../src/analysis/explain/gradients.ts';
import { imageBatch } from '../../../src/analysis/explain/images.ts';
import { layerByName } from '../../../src/analysis/explain/layers.ts';
import { adaptOutputs } from '../../../src/import/adapt.ts';
import { instantiateModel, readModelFile } from '../../../src/import/index.ts';
import { MODELS } from './reference.ts';

const ROOT = join(MODELS, 'onnx');

interface CamEntry {
  pytorch_module: string;
  onnx_tensor: string;
  activation_shape: number[];
  map_shape: [number, number];
  target: number[];
  logit: { map: number[][][] };
  probability: { map: number[][][] };
}

interface TorchReference {
  model: string;
  opset: number;
  producer_name: string;
  producer_version: string;
  input_shape: [number, number, number, number];
  normalize: { mean: number[]; std: number[] };
  inputs: number[] | null;
  inputs_check: { first16: number[] };
  logits: number[][];
  probabilities: number[][];
  argmax: number[];
  gradcam: CamEntry[];
  fashion_mnist_samples?: {
    pixels: number[][][][];
    labels: number[];
    probabilities: number[][];
    argmax: number[];
    gradcam: { onnx_tensor: string; target: number[]; logit_map: number[][][] }[];
  };
}

/** Every fixture JSON that describes a model: <family>/<stem>.json. */
const FIXTURES = existsSync(ROOT)
  ? readdirSync(ROOT, { withFileTypes: true })
      .filter((d) => d.isDirectory() && d.name !== 'broken')
      .flatMap((d) => readdirSync(join(ROOT, d.name)).filter((f) => f.endsWith('.json')).map((f) => join(d.name, f)))
      .sort()
  : [];

/** The batch (NCHW, row-major) from the JSON or its formula. */
function inputsOf(ref: TorchReference): Float32Array {
  if (ref.inputs) return Float32Array.from(ref.inputs);
  const [N, C, H, W] = ref.input_shape;
  const out = new Float32Array(N * C * H * W);
  for (let n = 0; n < N; n++)
    for (let c = 0; c < C; c++)
      for (let h = 0; h < H; h++)
        for (let w = 0; w < W; w++)
          out[((n * C + c) * H + h) * W + w] = Math.fround((((n * 7919 + c * 15485863 + h * 104729 + w * 1299709) % 256) / 255 - ref.normalize.mean[c]!) / ref.normalize.std[c]!);
  return out;
}

const toNhwc = (x: Float32Array, [n, c, h, w]: readonly number[]) => tf.tidy(() => tf.transpose(tf.tensor4d(x, [n!, c!, h!, w!]), [0, 2, 3, 1]) as tf.Tensor4D);
function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** Tolerance for Grad-CAM maps: 1e-4 of each batch's largest map value, at least 1e-5. */
const camTolerance = (maps: ArrayLike<number>) => Math.max(1e-5, 1e-4 * Math.max(...Array.from(maps)));

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe.skipIf(FIXTURES.length === 0)('PyTorch models through ONNX equal PyTorch', () => {
  for (const file of FIXTURES) {
    it(file.replace(/\.json$/, ''), async () => {
      const ref = JSON.parse(readFileSync(join(ROOT, file), 'utf8')) as TorchReference;
      const t0 = performance.now();
      const imported = await readModelFile(join(ROOT, ref.model));
      const t1 = performance.now();
      const built = await instantiateModel(imported);
      const t2 = performance.now();
      expect(imported.format).toBe('onnx');
      expect(imported.producer).toBe(`PyTorch ${ref.producer_version} (ONNX opset ${ref.opset})`);
      const [N, C, H, W] = ref.input_shape;
      expect(imported.inputShape).toEqual([H, W, C]);
      expect(imported.outputShape).toEqual([ref.logits[0]!.length]);
      const model = adaptOutputs(built, { output: 'logits' });
      const before = tf.memory().numTensors;

      const nchw = inputsOf(ref);
      expect(Array.from(nchw.slice(0, 16))).toEqual(ref.inputs_check.first16.map(Math.fround));
      const x = toNhwc(nchw, ref.input_shape);
      const y = model.predict(x) as tf.Tensor;
      const probs = await y.data();
      const probDiff = maxAbsDiff(probs, ref.probabilities.flat());
      expect(probDiff).toBeLessThanOrEqual(1e-4);
      const top = y.argMax(-1);
      expect(Array.from(await top.data())).toEqual(ref.argmax);

      const nhwc = await x.data() as Float32Array;
      const lines = [`${file}: read ${(t1 - t0).toFixed(0)} ms + build ${(t2 - t1).toFixed(0)} ms, ${built.layers.length} layers; probabilities max |diff| ${probDiff.toExponential(2)}`];
      for (const cam of ref.gradcam) {
        const layerName = imported.tensorLayers![cam.onnx_tensor];
        expect(layerName, `no layer for ONNX tensor ${cam.onnx_tensor}`).toBeDefined();
        const layer = layerByName(model, layerName!, 'test');
        const [, K, h, w] = cam.activation_shape;
        expect(layer.shape).toEqual([h, w, K]);
        for (const score of ['logit', 'probability'] as const) {
          const expected = cam[score].map.flat(2);
          // At the layer's resolution: the map itself.
          const raw = tf.tidy(() => {
            const { activation, gradient } = layerGradient(model, x, layer.path, cam.target, score);
            return camTensor(activation, gradient, 'gradcam', [h!, w!]);
          });
          const rawDiff = maxAbsDiff(await raw.data(), expected);
          raw.dispose();
          // Through the public API, at input size, against PyTorch's map resized the same way.
          const maps = gradCam(model, imageBatch(nhwc, [H, W, C]), cam.target, { layer, score });
          expect(maps.score).toBe(score);
          const resized = tf.tidy(() => tf.image.resizeBilinear(tf.tensor4d(expected, [N, h!, w!, 1]), [H, W], false, true));
          const fullDiff = maxAbsDiff(maps.maps.flatMap((m) => Array.from(m)), await resized.data());
          resized.dispose();
          const tolerance = camTolerance(expected);
          lines.push(`  Grad-CAM ${cam.pytorch_module} → ${layerName} (${score}): max |diff| ${rawDiff.toExponential(2)} at ${h}×${w}, ${fullDiff.toExponential(2)} at ${H}×${W}; tolerance ${tolerance.toExponential(2)}`);
          expect(rawDiff).toBeLessThanOrEqual(tolerance);
          expect(fullDiff).toBeLessThanOrEqual(tolerance);
        }
      }
      console.log(lines.join('\n'));
      tf.dispose([x, y, top]);
      expect(tf.memory().numTensors).toBe(before);
      model.dispose();
    });
  }
});

describe.skipIf(FIXTURES.length === 0)('the trained Fashion-MNIST CNN', () => {
  const ref = () => JSON.parse(readFileSync(join(ROOT, 'fashion-cnn/fashion-cnn-opset17.json'), 'utf8')) as TorchReference;

  it('classifies real test images (one per class) as PyTorch does, with the same Grad-CAM maps', async () => {
    const r = ref();
    const samples = r.fashion_mnist_samples!;
    const imported = await readModelFile(join(ROOT, r.model));
    const model = adaptOutputs(await instantiateModel(imported), { output: 'logits' });
    // Raw pixels [N, 1, 28, 28] → the fixture's normalization, NHWC (one channel: the same order).
    const x = Float32Array.from(samples.pixels.flat(3), (p) => Math.fround((p / 255 - 0.286) / 0.353));
    const y = tf.tidy(() => model.predict(tf.tensor4d(x, [10, 28, 28, 1])) as tf.Tensor);
    const diff = maxAbsDiff(await y.data(), samples.probabilities.flat());
    expect(diff).toBeLessThanOrEqual(1e-4);
    expect(Array.from(await y.argMax(-1).data())).toEqual(samples.argmax);
    const cam = samples.gradcam[0]!;
    const layer = layerByName(model, imported.tensorLayers![cam.onnx_tensor]!, 'test');
    const maps = tf.tidy(() => {
      const { activation, gradient } = layerGradient(model, tf.tensor4d(x, [10, 28, 28, 1]), layer.path, cam.target, 'logit');
      return camTensor(activation, gradient, 'gradcam', [14, 14]);
    });
    const expected = cam.logit_map.flat(2);
    const camDiff = maxAbsDiff(await maps.data(), expected);
    console.log(`fashion-cnn on 10 Fashion-MNIST test images: probabilities max |diff| ${diff.toExponential(2)}, Grad-CAM ${camDiff.toExponential(2)}; accuracy ${samples.argmax.filter((a, i) => a === samples.labels[i]).length}/10`);
    expect(camDiff).toBeLessThanOrEqual(camTolerance(expected));
    tf.dispose([y, maps]);
    model.dispose();
  });

  it('exported with dynamic height and width, imported at the dataset size 28×28, computes the same', async () => {
    const r = ref();
    const imported = await readModelFile(join(ROOT, 'broken/dynamic-hw.onnx'), undefined, { imageSize: [28, 28] });
    expect(imported.inputShape).toEqual([28, 28, 1]);
    const model = adaptOutputs(await instantiateModel(imported), { output: 'logits' });
    const x = toNhwc(inputsOf(r), r.input_shape);
    const y = model.predict(x) as tf.Tensor;
    expect(maxAbsDiff(await y.data(), r.probabilities.flat())).toBeLessThanOrEqual(1e-4);
    tf.dispose([x, y]);
    model.dispose();
  });
});


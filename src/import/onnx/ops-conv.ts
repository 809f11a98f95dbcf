/**
 * Conv and ConvTranspose → Conv2D, DepthwiseConv2D, Conv2DTranspose (NCHW weights → tfjs's).
 *
 *   Conv W [O, I/g, kh, kw]          → Conv2D kernel [kh, kw, I, O]
 *   Conv, g = I, W [I·m, 1, kh, kw]  → DepthwiseConv2D depthwise_kernel [kh, kw, I, m]
 *                                      (ONNX output o = g·m + j, group-major, as depthwise's)
 *   ConvTranspose W [I, O, kh, kw]   → Conv2DTranspose kernel [kh, kw, O, I]
 * Pads tfjs's 'same' does not reproduce become a ZeroPadding2D before a 'valid' convolution
 * (zeros are what ONNX pads with, so this is exact); a transposed convolution's pads become a
 * Cropping2D after it.
 */
import { act, type Act, type Builder, type Value } from './builder.ts';
import { actIn, constIn, floats, refuse, type Converter, type OpContext } from './context.ts';
import { attr } from './proto.ts';
import { windowOf, zeroPadding, type Window } from './window.ts';

/** [A, B, kh, kw] → [kh, kw, B, A]: Conv's [O, I, ·] → [·, I, O]; ConvTranspose's [I, O, ·] → [·, O, I]. */
function toHwba(w: Float32Array, dims: number[]): Float32Array {
  const [A, B, kh, kw] = dims as [number, number, number, number];
  const out = new Float32Array(w.length);
  for (let a = 0; a < A; a++)
    for (let b = 0; b < B; b++)
      for (let y = 0; y < kh; y++)
        for (let x = 0; x < kw; x++) out[((y * kw + x) * B + b) * A + a] = w[((a * B + b) * kh + y) * kw + x]!;
  return out;
}

/** The input, padded explicitly when tfjs's padding modes cannot express the window. */
export function padded(b: Builder, name: string, x: Act, w: Window): { input: Act; padding: 'valid' | 'same' } {
  if (w.tfjsPadding) return { input: x, padding: w.tfjsPadding };
  const [, c, h, wd] = x.shape;
  const layer = b.add('ZeroPadding2D', `${name}_pad`, { padding: zeroPadding(w), data_format: 'channels_last' }, [x]);
  const shape = [null, c!, (h as number) + w.begin[0] + w.end[0], (wd as number) + w.begin[1] + w.end[1]];
  return { input: act(layer, shape, x.nonNegative), padding: 'valid' };
}

/** The spatial size of a 4-D activation, refusing open sizes (the image size must be known). */
export function spatialSize(ctx: OpContext, x: Act): [number, number] {
  const [, , h, w] = x.shape;
  if (x.shape.length !== 4 || typeof h !== 'number' || typeof w !== 'number') refuse(ctx, `gets an input of shape [${x.shape.map((d) => d ?? 'N').join(', ')}], not a 4-D image tensor of known size`, 'Export the model with a fixed image size, or give convlens the dataset\'s image size.');
  return [h, w];
}

const conv: Converter = (ctx) => {
  const x = ctx.b.as4d(actIn(ctx, 0));
  const weight = constIn(ctx, 1);
  if (!weight || weight.dims.length !== 4) refuse(ctx, 'has no 4-D constant weight', 'convlens converts 2-D convolutions whose weights are stored in the file.');
  const bias = constIn(ctx, 2);
  const [O, Ig, kh, kw] = weight.dims as [number, number, number, number];
  const cin = x.shape[1] as number;
  const groups = attr.int(ctx.node, 'group', 1);
  const size = spatialSize(ctx, x);
  const w = windowOf(ctx, ctx.node, size, [kh, kw], false);
  if (w.strides.some((s) => s > 1) && w.dilations.some((d) => d > 1)) refuse(ctx, `has both strides [${w.strides.join(', ')}] and dilations [${w.dilations.join(', ')}] above 1`, 'TensorFlow.js convolves with strides or dilations, not both; change the layer in PyTorch.');
  const { input, padding } = padded(ctx.b, ctx.name, x, w);
  const common = { kernel_size: [kh, kw], strides: w.strides, padding, data_format: 'channels_last', dilation_rate: w.dilations, activation: 'linear', use_bias: !!bias };
  const biasWeight = bias ? [{ name: 'bias', shape: [O], data: floats(ctx, bias) }] : [];
  const out = [null, O, w.out[0], w.out[1]];
  const data = floats(ctx, weight);
  if (groups === 1) {
    if (Ig !== cin) refuse(ctx, `has weights for ${Ig} input channels but gets ${cin}`, 'The file is inconsistent; export it again.');
    const layer = ctx.b.add('Conv2D', ctx.name, { filters: O, ...common }, [input], [{ name: 'kernel', shape: [kh, kw, cin, O], data: toHwba(data, weight.dims) }, ...biasWeight]);
    return act(layer, out, false);
  }
  if (groups !== cin || Ig !== 1 || O % cin !== 0)
    refuse(ctx, `is a grouped convolution with ${groups} groups over ${cin} input channels`, 'convlens converts group = 1 (a plain convolution) and group = input channels (a depthwise convolution) only; rebuild the layer as one of those.');
  const m = O / cin;
  // [I·m, 1, kh, kw] → [kh, kw, I·m] is [kh, kw, I, m] since o = g·m + j.
  const layer = ctx.b.add('DepthwiseConv2D', ctx.name, { depth_multiplier: m, ...common }, [input], [{ name: 'depthwise_kernel', shape: [kh, kw, cin, m], data: toHwba(data, weight.dims) }, ...biasWeight]);
  return act(layer, out, false);
};

const convTranspose: Converter = (ctx) => {
  const x = ctx.b.as4d(actIn(ctx, 0));
  const weight = constIn(ctx, 1);
  if (!weight || weight.dims.length !== 4) refuse(ctx, 'has no 4-D constant weight', 'convlens converts 2-D transposed convolutions whose weights are stored in the file.');
  const bias = constIn(ctx, 2);
  const [I, O, kh, kw] = weight.dims as [number, number, number, number];
  const [h, wd] = spatialSize(ctx, x);
  const n = ctx.node;
  if (attr.int(n, 'group', 1) !== 1) refuse(ctx, `has group ${attr.int(n, 'group', 1)}`, 'convlens converts transposed convolutions with group = 1 only.');
  const dil = attr.ints(n, 'dilations') ?? [1, 1];
  if (dil.some((d) => d !== 1)) refuse(ctx, `has dilations [${dil.join(', ')}]`, 'TensorFlow.js transposed convolutions are not dilated; use dilation 1.');
  if (attr.ints(n, 'output_shape')) refuse(ctx, 'sets output_shape', 'Export with explicit pads and output_padding (PyTorch does so by default).');
  const autoPad = attr.string(n, 'auto_pad', 'NOTSET');
  if (autoPad !== 'NOTSET' && autoPad !== 'VALID') refuse(ctx, `sets auto_pad ${autoPad}`, 'Export with explicit pads.');
  const s = (attr.ints(n, 'strides') ?? [1, 1]) as [number, number];
  const pads = autoPad === 'VALID' ? [0, 0, 0, 0] : (attr.ints(n, 'pads') ?? [0, 0, 0, 0]);
  const op = attr.ints(n, 'output_padding') ?? [0, 0];
  if (x.shape[1] !== I) refuse(ctx, `has weights for ${I} input channels but gets ${x.shape[1]}`, 'The file is inconsistent; export it again.');
  const k = [kh, kw], size = [h, wd];
  // ONNX: s·(n − 1) + op + k − pads; tfjs 'valid': n·s + max(k − s, 0), rows beyond ONNX's full size hold only the bias.
  const full = [0, 1].map((a) => s[a]! * (size[a]! - 1) + k[a]!);
  const valid = [0, 1].map((a) => size[a]! * s[a]! + Math.max(k[a]! - s[a]!, 0));
  const out = [0, 1].map((a) => full[a]! + op[a]! - pads[a]! - pads[a + 2]!);
  const crop = [0, 1].map((a) => [pads[a]!, valid[a]! - pads[a]! - out[a]!]);
  if (crop.some(([t, e]) => t! < 0 || e! < 0) || op.some((p, a) => p >= s[a]!)) refuse(ctx, `has pads [${pads.join(', ')}] and output_padding [${op.join(', ')}] that TensorFlow.js cannot reproduce`, 'Use output_padding smaller than the stride.');
  const config = { filters: O, kernel_size: k, strides: s, padding: 'valid', data_format: 'channels_last', dilation_rate: [1, 1], activation: 'linear', use_bias: !!bias };
  const weights = [{ name: 'kernel', shape: [kh, kw, O, I], data: toHwba(floats(ctx, weight), weight.dims) }, ...(bias ? [{ name: 'bias', shape: [O], data: floats(ctx, bias) }] : [])];
  const cropped = crop.some(([t, e]) => t! > 0 || e! > 0);
  const layer = ctx.b.add('Conv2DTranspose', cropped ? `${ctx.name}_full` : ctx.name, config, [x], weights);
  const result: Value = act(layer, [null, O, valid[0]!, valid[1]!], false);
  if (!cropped) return result;
  const cropLayer = ctx.b.add('Cropping2D', ctx.name, { cropping: crop, data_format: 'channels_last' }, [result as Act]);
  return act(cropLayer, [null, O, out[0]!, out[1]!], false);
};

/** Convolution converters by op type. */
export const convOps: Record<string, Converter> = { Conv: conv, ConvTranspose: convTranspose };

/**
 * Pooling and padding: MaxPool, AveragePool, GlobalAveragePool, GlobalMaxPool, Pad.
 *
 * Pooling pads are where exactness is subtle (window.ts): ONNX max pooling ignores its padding
 * (as if −∞) and PyTorch pads both sides equally, while tfjs's 'same' puts an odd extra pixel at
 * the bottom/right. When 'same' reads the same pixels it is used; otherwise
 *   MaxPool       ZeroPadding2D + 'valid', exact only when the input is ≥ 0 (after ReLU, Clip,
 *                 sigmoid…); a possibly negative input is refused rather than changed
 *   AveragePool   count_include_pad = 1: ZeroPadding2D + 'valid' (the zeros are counted, as
 *                 in ONNX); count_include_pad = 0 is tfjs's 'same' semantics and needs 'same'
 * Global pooling yields ONNX [N, C, 1, 1] held as Keras [C] (a squeezed value, builder.ts).
 */
import { act } from './builder.ts';
import { actIn, constIn, ints, refuse, type Converter, type OpContext } from './context.ts';
import { padded, spatialSize } from './ops-conv.ts';
import { attr } from './proto.ts';
import { windowOf } from './window.ts';

function kernelOf(ctx: OpContext): [number, number] {
  const k = attr.ints(ctx.node, 'kernel_shape');
  if (!k || k.length !== 2) refuse(ctx, `has kernel_shape [${(k ?? []).join(', ')}], not two numbers`, 'convlens converts 2-D pooling only.');
  return [k[0]!, k[1]!];
}

const maxPool: Converter = (ctx) => {
  const x = ctx.b.as4d(actIn(ctx, 0));
  if (ctx.node.output.length > 1 && ctx.node.output[1]) refuse(ctx, 'also outputs the indices of the maxima', 'convlens converts MaxPool with one output.');
  if (attr.int(ctx.node, 'storage_order', 0) !== 0) refuse(ctx, 'sets storage_order 1', 'Export with the default storage order.');
  const w = windowOf(ctx, ctx.node, spatialSize(ctx, x), kernelOf(ctx), true);
  if (w.dilations.some((d) => d !== 1)) refuse(ctx, `has dilations [${w.dilations.join(', ')}]`, 'TensorFlow.js pools without dilation; use dilation 1.');
  if (!w.tfjsPadding && !x.nonNegative)
    refuse(ctx, `pads its input [top ${w.begin[0]}, left ${w.begin[1]}, bottom ${w.end[0]}, right ${w.end[1]}] in a way TensorFlow.js's "same" padding does not, and its input may be negative, so padding with zeros would change the maxima`,
      'Put the ReLU before the max pooling, or pad the input so the pooling needs no padding.');
  const { input, padding } = padded(ctx.b, ctx.name, x, w);
  const layer = ctx.b.add('MaxPooling2D', ctx.name, { pool_size: w.kernel, strides: w.strides, padding, data_format: 'channels_last' }, [input]);
  return act(layer, [null, x.shape[1]!, w.out[0], w.out[1]], x.nonNegative);
};

const averagePool: Converter = (ctx) => {
  const x = ctx.b.as4d(actIn(ctx, 0));
  const w = windowOf(ctx, ctx.node, spatialSize(ctx, x), kernelOf(ctx), true);
  if (w.dilations.some((d) => d !== 1)) refuse(ctx, `has dilations [${w.dilations.join(', ')}]`, 'TensorFlow.js pools without dilation; use dilation 1.');
  const counted = attr.int(ctx.node, 'count_include_pad', 0) === 1;
  const config = { pool_size: w.kernel, strides: w.strides, data_format: 'channels_last' };
  const out = [null, x.shape[1]!, w.out[0], w.out[1]];
  if (w.tfjsPadding === 'valid' || (!counted && w.tfjsPadding === 'same'))
    return act(ctx.b.add('AveragePooling2D', ctx.name, { ...config, padding: w.tfjsPadding }, [x]), out, x.nonNegative);
  const beyond = w.end[0] > w.declaredEnd[0] || w.end[1] > w.declaredEnd[1];
  if (!counted || beyond)
    refuse(ctx, `averages over padding [top ${w.begin[0]}, left ${w.begin[1]}, bottom ${w.end[0]}, right ${w.end[1]}] ${counted ? 'past its declared pads (ceil_mode)' : 'without counting the padded pixels'}, which TensorFlow.js's pooling cannot reproduce`,
      'Export with count_include_pad=True and ceil_mode=False, or with padding that needs no extra pixel.');
  const { input } = padded(ctx.b, ctx.name, x, { ...w, tfjsPadding: undefined });
  return act(ctx.b.add('AveragePooling2D', ctx.name, { ...config, padding: 'valid' }, [input]), out, x.nonNegative);
};

const globalPool = (className: string): Converter => (ctx) => {
  const x = ctx.b.as4d(actIn(ctx, 0));
  if (x.shape.length !== 4) refuse(ctx, `gets a ${x.shape.length}-D input`, 'convlens converts global pooling over 4-D image tensors only.');
  const layer = ctx.b.add(className, ctx.name, { data_format: 'channels_last' }, [x]);
  return act(layer, [null, x.shape[1]!, 1, 1], x.nonNegative, { squeezed: true });
};

const pad: Converter = (ctx) => {
  const x = ctx.b.as4d(actIn(ctx, 0));
  const mode = attr.string(ctx.node, 'mode', 'constant');
  const padsConst = ctx.opset >= 11 ? constIn(ctx, 1) : undefined;
  const pads = padsConst ? ints(padsConst) : attr.ints(ctx.node, 'pads');
  const valueConst = ctx.opset >= 11 ? constIn(ctx, 2) : undefined;
  const value = valueConst ? Array.from(valueConst.values)[0] : attr.float(ctx.node, 'value', 0);
  if (ctx.opset >= 18 && ctx.input(3)) refuse(ctx, 'pads selected axes (the axes input)', 'Pad all axes.');
  if (mode !== 'constant' || value !== 0) refuse(ctx, `pads with mode "${mode}" and value ${value}`, 'convlens converts padding with zeros (mode "constant", value 0) only.');
  if (!pads || pads.length !== 8 || x.shape.length !== 4) refuse(ctx, 'does not pad a 4-D image tensor', 'convlens converts padding of height and width only.');
  const [n0, c0, t, l, n1, c1, b, r] = pads as number[];
  if (n0 || c0 || n1 || c1) refuse(ctx, 'pads the batch or channel axis', 'convlens converts padding of height and width only.');
  if ([t, l, b, r].some((p) => p! < 0)) refuse(ctx, `has negative pads [${pads.join(', ')}]`, 'Crop with a slice instead.');
  const [h, w] = spatialSize(ctx, x);
  const layer = ctx.b.add('ZeroPadding2D', ctx.name, { padding: [[t, b], [l, r]], data_format: 'channels_last' }, [x]);
  return act(layer, [null, x.shape[1]!, h + t! + b!, w + l! + r!], x.nonNegative);
};

/** Pooling and padding converters by op type. */
export const poolOps: Record<string, Converter> = {
  MaxPool: maxPool,
  AveragePool: averagePool,
  GlobalAveragePool: globalPool('GlobalAveragePooling2D'),
  GlobalMaxPool: globalPool('GlobalMaxPooling2D'),
  Pad: pad,
};

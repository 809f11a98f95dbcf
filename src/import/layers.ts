/**
 * One Keras layer entry → the Keras-2 config tfjs-layers deserializes, its output shape, and
 * the weights it needs (names, shapes). Pure: no tfjs.
 *
 * Configs are rebuilt option by option rather than passed through, so Keras 3 extras (dtype
 * policies, initializer objects with modules, `synchronized`, …) never reach tfjs, and an option
 * whose meaning tfjs lacks is refused by name. Initializers, regularizers and constraints are
 * dropped: the weights are loaded, and training penalties are set in convlens's own config.
 */
import { UserError } from '../lib/errors.ts';
import { messages } from './messages.ts';
import type { Json, RawLayer } from './keras-config.ts';

/** A shape without the batch axis; null = any size. */
export type Shape = (number | null)[];

/** One weight a layer needs. */
export interface ExpectedWeight {
  /** Keras's name: kernel, bias, gamma, … */
  name: string;
  /** The shape as stored in the file (null where the input does not fix it). */
  fileShape: Shape;
  /** The shape tfjs's layer has (differs from fileShape only where the layer is re-expressed). */
  shape: Shape;
  /** tfjs's name for it, where the layer is re-expressed as another class (else `name`). */
  tfjsName?: string;
}

/** One converted layer: tfjs config entries (usually one), output shape, weights. */
export interface ConvertedLayer {
  /** {class_name, config} entries in order; the last one carries the original layer name. */
  entries: { class_name: string; config: Json }[];
  output: Shape;
  weights: ExpectedWeight[];
}

/** The layer classes convlens imports (Keras names). */
export const SUPPORTED_CLASSES = [
  'InputLayer', 'Conv2D', 'DepthwiseConv2D', 'SeparableConv2D', 'BatchNormalization', 'Activation', 'ReLU', 'LeakyReLU',
  'Softmax', 'Dense', 'Dropout', 'SpatialDropout2D', 'Flatten', 'Reshape', 'Add', 'Concatenate', 'Multiply',
  'MaxPooling2D', 'AveragePooling2D', 'GlobalMaxPooling2D', 'GlobalAveragePooling2D', 'ZeroPadding2D', 'Cropping2D',
  'UpSampling2D', 'Rescaling', 'Sequential', 'Functional (Model)',
] as const;

/** Keras's alternative registered names for the same classes. */
export const ALIASES: Record<string, string> = {
  Convolution2D: 'Conv2D', SeparableConvolution2D: 'SeparableConv2D', DepthwiseConvolution2D: 'DepthwiseConv2D',
  MaxPool2D: 'MaxPooling2D', AvgPool2D: 'AveragePooling2D', AveragePool2D: 'AveragePooling2D',
  GlobalMaxPool2D: 'GlobalMaxPooling2D', GlobalAvgPool2D: 'GlobalAveragePooling2D', Model: 'Functional',
};

/** Keras activation names tfjs computes identically, with the name tfjs reads. */
const ACTIVATIONS: Record<string, string> = {
  linear: 'linear', relu: 'relu', relu6: 'relu6', sigmoid: 'sigmoid', softmax: 'softmax', softplus: 'softplus',
  softsign: 'softsign', tanh: 'tanh', elu: 'elu', selu: 'selu', swish: 'swish', silu: 'swish', gelu: 'gelu',
  mish: 'mish', log_softmax: 'log_softmax', hard_sigmoid: 'hard_sigmoid',
};

/** What a converter needs besides the layer. */
export interface LayerContext {
  path: string;
  /** Keras 3 changed defaults and hard_sigmoid's formula. */
  keras3: boolean;
}

type In = Shape[];

function opt(ctx: LayerContext, layer: RawLayer, option: string, value: unknown, fix: string): never {
  throw new UserError(messages.unsupportedOption(ctx.path, layer.name, layer.className, option, JSON.stringify(value), fix));
}

function pair(v: unknown, fallback: number): [number, number] {
  if (v === undefined || v === null) return [fallback, fallback];
  if (typeof v === 'number') return [v, v];
  const a = v as number[];
  return [a[0] ?? fallback, a[1] ?? a[0] ?? fallback];
}

/** ((top, bottom), (left, right)) from an int, a pair of ints or a pair of pairs. */
function box(v: unknown): [[number, number], [number, number]] {
  if (typeof v === 'number') return [[v, v], [v, v]];
  const a = v as unknown[];
  const side = (x: unknown): [number, number] => (typeof x === 'number' ? [x, x] : [(x as number[])[0]!, (x as number[])[1]!]);
  return [side(a[0]), side(a[1])];
}

function activation(ctx: LayerContext, layer: RawLayer, v: unknown): string {
  let name: unknown = v ?? 'linear';
  if (name !== null && typeof name === 'object') name = (name as Json)['class_name'] ?? (name as Json)['config'];
  const key = String(name);
  if (ACTIVATIONS[key] === undefined || (ctx.keras3 && key === 'hard_sigmoid'))
    opt(ctx, layer, 'activation', name, `convlens imports the activations ${Object.keys(ACTIVATIONS).join(', ')} (hard_sigmoid only from Keras 2, whose formula tfjs shares).`);
  return ACTIVATIONS[key]!;
}

function spatial(n: number | null, k: number, s: number, d: number, padding: string): number | null {
  if (n === null) return null;
  return padding === 'same' ? Math.ceil(n / s) : Math.ceil((n - (k - 1) * d) / s);
}

function channels(ctx: LayerContext, layer: RawLayer, input: Shape): number | null {
  if (input.length !== 3) throw new UserError(messages.badConfig(ctx.path, `layer "${layer.name}"`, `${layer.className} needs an image-shaped input [height, width, channels], but gets ${JSON.stringify(input)}`));
  return input[2]!;
}

function padding(ctx: LayerContext, layer: RawLayer): string {
  const p = String(layer.config['padding'] ?? 'valid').toLowerCase();
  if (p !== 'valid' && p !== 'same') opt(ctx, layer, 'padding', p, 'Use padding "valid" or "same".');
  return p;
}

function conv2dShape(input: Shape, kernel: [number, number], strides: [number, number], dilation: [number, number], pad: string, out: number | null): Shape {
  return [spatial(input[0]!, kernel[0], strides[0], dilation[0], pad), spatial(input[1]!, kernel[1], strides[1], dilation[1], pad), out];
}

const base = (layer: RawLayer): Json => ({ name: layer.name, trainable: layer.config['trainable'] ?? true, dtype: 'float32' });

const one = (className: string, config: Json, output: Shape, weights: ExpectedWeight[] = []): ConvertedLayer => ({
  entries: [{ class_name: className, config }],
  output,
  weights,
});

const w = (name: string, shape: Shape): ExpectedWeight => ({ name, fileShape: shape, shape });

const prod = (s: Shape) => s.reduce<number | null>((a, b) => (a === null || b === null ? null : a * b), 1);

/** Convert one (non-model) layer given its input shapes. */
export function convertLayer(ctx: LayerContext, layer: RawLayer, className: string, inputs: In): ConvertedLayer {
  const c = layer.config;
  if (c['data_format'] === 'channels_first') throw new UserError(messages.channelsFirst(ctx.path, layer.name, layer.className));
  const input = inputs[0] ?? [];
  const b = base(layer);
  const useBias = c['use_bias'] !== false;
  switch (className) {
    case 'Conv2D': {
      const filters = Number(c['filters']);
      const kernel = pair(c['kernel_size'], 1), strides = pair(c['strides'], 1), dilation = pair(c['dilation_rate'], 1);
      const pad = padding(ctx, layer);
      const cin = channels(ctx, layer, input);
      const groups = Number(c['groups'] ?? 1);
      const act = activation(ctx, layer, c['activation']);
      const output = conv2dShape(input, kernel, strides, dilation, pad, filters);
      const bias = useBias ? [w('bias', [filters])] : [];
      if (groups === 1) {
        const config = { ...b, filters, kernel_size: kernel, strides, padding: pad, data_format: 'channels_last', dilation_rate: dilation, activation: act, use_bias: useBias };
        return one('Conv2D', config, output, [w('kernel', [kernel[0], kernel[1], cin, filters]), ...bias]);
      }
      if (cin === null || groups !== cin || filters % groups !== 0) throw new UserError(messages.groups(ctx.path, layer.name, groups, cin ?? 0));
      // groups = in-channels is a depthwise convolution; Keras's grouped kernel [kh, kw, 1, filters]
      // orders outputs group-major (o = g·m + j), exactly as depthwise's [kh, kw, cin, m] does.
      const m = filters / groups;
      const config = { ...b, kernel_size: kernel, strides, padding: pad, depth_multiplier: m, data_format: 'channels_last', dilation_rate: dilation, activation: act, use_bias: useBias };
      const kernelWeight = { name: 'kernel', tfjsName: 'depthwise_kernel', fileShape: [kernel[0], kernel[1], 1, filters], shape: [kernel[0], kernel[1], cin, m] };
      return one('DepthwiseConv2D', config, output, [kernelWeight, ...bias]);
    }
    case 'DepthwiseConv2D': {
      const kernel = pair(c['kernel_size'], 1), strides = pair(c['strides'], 1), dilation = pair(c['dilation_rate'], 1);
      const m = Number(c['depth_multiplier'] ?? 1);
      const pad = padding(ctx, layer);
      const cin = channels(ctx, layer, input);
      const out = cin === null ? null : cin * m;
      const config = { ...b, kernel_size: kernel, strides, padding: pad, depth_multiplier: m, data_format: 'channels_last', dilation_rate: dilation, activation: activation(ctx, layer, c['activation']), use_bias: useBias };
      return one('DepthwiseConv2D', config, conv2dShape(input, kernel, strides, dilation, pad, out), [w('depthwise_kernel', [kernel[0], kernel[1], cin, m]), ...(useBias ? [w('bias', [out])] : [])]);
    }
    case 'SeparableConv2D': {
      const filters = Number(c['filters']);
      const kernel = pair(c['kernel_size'], 1), strides = pair(c['strides'], 1), dilation = pair(c['dilation_rate'], 1);
      const m = Number(c['depth_multiplier'] ?? 1);
      const pad = padding(ctx, layer);
      const cin = channels(ctx, layer, input);
      const config = { ...b, filters, kernel_size: kernel, strides, padding: pad, depth_multiplier: m, data_format: 'channels_last', dilation_rate: dilation, activation: activation(ctx, layer, c['activation']), use_bias: useBias };
      const weights = [w('depthwise_kernel', [kernel[0], kernel[1], cin, m]), w('pointwise_kernel', [1, 1, cin === null ? null : cin * m, filters]), ...(useBias ? [w('bias', [filters])] : [])];
      return one('SeparableConv2D', config, conv2dShape(input, kernel, strides, dilation, pad, filters), weights);
    }
    case 'BatchNormalization': {
      let axis = c['axis'] ?? -1;
      if (Array.isArray(axis) && axis.length === 1) axis = axis[0];
      if (axis !== -1 && axis !== input.length) opt(ctx, layer, 'axis', c['axis'], 'convlens imports batch normalization over the last (channel) axis only.');
      if (c['renorm'] === true) opt(ctx, layer, 'renorm', true, 'Batch renormalization has no tfjs equivalent; train without it.');
      const n = input[input.length - 1] ?? null;
      const center = c['center'] !== false, scale = c['scale'] !== false;
      const config = { ...b, axis: -1, momentum: c['momentum'] ?? 0.99, epsilon: c['epsilon'] ?? 1e-3, center, scale };
      const weights = [...(scale ? [w('gamma', [n])] : []), ...(center ? [w('beta', [n])] : []), w('moving_mean', [n]), w('moving_variance', [n])];
      return one('BatchNormalization', config, input, weights);
    }
    case 'Dense': {
      const units = Number(c['units']);
      const n = input[input.length - 1] ?? null;
      const config = { ...b, units, activation: activation(ctx, layer, c['activation']), use_bias: useBias };
      return one('Dense', config, [...input.slice(0, -1), units], [w('kernel', [n, units]), ...(useBias ? [w('bias', [units])] : [])]);
    }
    case 'Activation':
      return one('Activation', { ...b, activation: activation(ctx, layer, c['activation']) }, input);
    case 'ReLU': {
      const max = c['max_value'] ?? null, slope = Number(c['negative_slope'] ?? 0), threshold = Number(c['threshold'] ?? 0);
      if (threshold !== 0) opt(ctx, layer, 'threshold', threshold, 'Use threshold 0 (tfjs has no thresholded ReLU with these options).');
      if (slope !== 0 && max !== null) opt(ctx, layer, 'negative_slope', slope, 'Use negative_slope 0 with max_value, or a LeakyReLU without max_value.');
      if (slope !== 0) return one('LeakyReLU', { ...b, alpha: slope }, input);
      return one('ReLU', { ...b, max_value: max }, input);
    }
    case 'LeakyReLU': {
      const alpha = c['negative_slope'] ?? c['alpha'] ?? (ctx.keras3 ? 0.2 : 0.3);
      return one('LeakyReLU', { ...b, alpha }, input);
    }
    case 'Softmax':
      return one('Softmax', { ...b, axis: typeof c['axis'] === 'number' ? c['axis'] : -1 }, input);
    case 'Dropout':
      return one('Dropout', { ...b, rate: c['rate'] ?? 0.5, noise_shape: c['noise_shape'] ?? null }, input);
    case 'SpatialDropout2D':
      return one('Dropout', { ...b, rate: c['rate'] ?? 0.5, noise_shape: [null, 1, 1, null] }, input);
    case 'Flatten':
      return one('Flatten', { ...b, data_format: 'channels_last' }, [prod(input)]);
    case 'Reshape': {
      const target = (c['target_shape'] as number[]).map(Number);
      const known = prod(target.filter((d) => d !== -1)), total = prod(input);
      const output = target.map((d) => (d === -1 ? (total === null || known === null ? null : total / known) : d));
      return one('Reshape', { ...b, target_shape: target }, output);
    }
    case 'Add':
    case 'Multiply':
      return one(className, b, input);
    case 'Concatenate': {
      const axis = Number(c['axis'] ?? -1);
      const at = axis < 0 ? input.length + axis : axis - 1;
      const output = [...input];
      output[at] = inputs.reduce<number | null>((sum, s) => (sum === null || s[at] == null ? null : sum + s[at]!), 0);
      return one('Concatenate', { ...b, axis }, output);
    }
    case 'MaxPooling2D':
    case 'AveragePooling2D': {
      const pool = pair(c['pool_size'], 2);
      const strides = c['strides'] === null || c['strides'] === undefined ? pool : pair(c['strides'], 1);
      const pad = padding(ctx, layer);
      channels(ctx, layer, input);
      const config = { ...b, pool_size: pool, strides, padding: pad, data_format: 'channels_last' };
      return one(className, config, conv2dShape(input, pool, strides, [1, 1], pad, input[2]!));
    }
    case 'GlobalMaxPooling2D':
    case 'GlobalAveragePooling2D': {
      const ch = channels(ctx, layer, input);
      const config = { ...b, data_format: 'channels_last' };
      if (c['keepdims'] !== true) return one(className, config, [ch]);
      // tfjs's global pooling has no keepdims: pool, then reshape to [1, 1, c] under the layer's own name.
      return {
        entries: [
          { class_name: className, config: { ...config, name: `${layer.name}_pool` } },
          { class_name: 'Reshape', config: { ...b, target_shape: [1, 1, ch ?? -1] } },
        ],
        output: [1, 1, ch],
        weights: [],
      };
    }
    case 'ZeroPadding2D': {
      const [[t, bo], [l, r]] = box(c['padding'] ?? 1);
      channels(ctx, layer, input);
      const add = (n: number | null, k: number) => (n === null ? null : n + k);
      return one('ZeroPadding2D', { ...b, padding: [[t, bo], [l, r]], data_format: 'channels_last' }, [add(input[0]!, t + bo), add(input[1]!, l + r), input[2]!]);
    }
    case 'Cropping2D': {
      const [[t, bo], [l, r]] = box(c['cropping'] ?? 0);
      channels(ctx, layer, input);
      const sub = (n: number | null, k: number) => (n === null ? null : n - k);
      return one('Cropping2D', { ...b, cropping: [[t, bo], [l, r]], data_format: 'channels_last' }, [sub(input[0]!, t + bo), sub(input[1]!, l + r), input[2]!]);
    }
    case 'UpSampling2D': {
      const size = pair(c['size'], 2);
      const interpolation = String(c['interpolation'] ?? 'nearest');
      if (interpolation !== 'nearest' && interpolation !== 'bilinear') opt(ctx, layer, 'interpolation', interpolation, 'Use "nearest" or "bilinear".');
      channels(ctx, layer, input);
      const mul = (n: number | null, k: number) => (n === null ? null : n * k);
      return one('UpSampling2D', { ...b, size, interpolation, data_format: 'channels_last' }, [mul(input[0]!, size[0]), mul(input[1]!, size[1]), input[2]!]);
    }
    case 'Rescaling': {
      if (typeof c['scale'] !== 'number' || (c['offset'] !== undefined && typeof c['offset'] !== 'number'))
        opt(ctx, layer, 'scale/offset', [c['scale'], c['offset']], 'convlens imports one scale and one offset for all channels.');
      return one('Rescaling', { ...b, scale: c['scale'], offset: c['offset'] ?? 0 }, input);
    }
    default:
      throw new Error(`convertLayer: no converter for ${className}`);
  }
}

/** The batch shape an InputLayer (or a first Sequential layer) declares, without the batch axis. */
export function declaredInputShape(config: Json): Shape | undefined {
  const batch = (config['batch_input_shape'] ?? config['batch_shape']) as (number | null)[] | undefined;
  if (Array.isArray(batch)) return batch.slice(1);
  const shape = config['input_shape'] as (number | null)[] | undefined;
  return Array.isArray(shape) ? [...shape] : undefined;
}

/** Every class convertLayer handles. */
export const LAYER_CLASSES = new Set([
  'Conv2D', 'DepthwiseConv2D', 'SeparableConv2D', 'BatchNormalization', 'Dense', 'Activation', 'ReLU', 'LeakyReLU', 'Softmax',
  'Dropout', 'SpatialDropout2D', 'Flatten', 'Reshape', 'Add', 'Multiply', 'Concatenate', 'MaxPooling2D', 'AveragePooling2D',
  'GlobalMaxPooling2D', 'GlobalAveragePooling2D', 'ZeroPadding2D', 'Cropping2D', 'UpSampling2D', 'Rescaling',
]);

/**
 * Two-operand arithmetic and concatenation: Add, Sub, Mul, Div, Concat.
 *
 *   activation ∘ activation   Add / Multiply (tfjs broadcasts [1, 1, C] against [H, W, C]:
 *                             the squeeze-excitation scale); Concatenate on the channel axis
 *   activation ∘ constant     one number → Rescaling (scale, offset); one number per channel
 *                             ([C, 1, 1] or [1, C, 1, 1]) → a 1×1 DepthwiseConv2D whose kernel
 *                             is the scale and bias the offset (stock layers only)
 */
import { act, kerasShape, type Act, type Const } from './builder.ts';
import { actIn, floats, refuse, type Converter, type OpContext } from './context.ts';
import { unordered } from './ops-activation.ts';
import { attr } from './proto.ts';

/** x · scale + offset with constants broadcast the ONNX way over x. */
function affine(ctx: OpContext, x: Act, c: Const, op: 'add' | 'mul'): Act {
  const values = floats(ctx, c);
  const channels = x.shape[1] as number;
  const b = ctx.b;
  if (values.length === 1) {
    const v = values[0]!;
    const config = op === 'add' ? { scale: 1, offset: v } : { scale: v, offset: 0 };
    const nonNegative = x.nonNegative && v >= 0;
    return act(b.add('Rescaling', ctx.name, config, [x]), x.shape, nonNegative, { squeezed: x.squeezed, order: x.order });
  }
  const perChannel = x.shape.length === 4 && values.length === channels && c.dims.length >= 3 && c.dims.length <= 4 && c.dims.slice(-3).join() === `${channels},1,1` && (c.dims.length === 3 || c.dims[0] === 1);
  if (!perChannel)
    refuse(ctx, `combines the image data with a constant of shape [${c.dims.join(', ')}]`, 'convlens converts arithmetic with a single number, or with one number per channel (shape [C, 1, 1]), only.');
  const x4 = b.as4d(x);
  const kernel = op === 'mul' ? values : new Float32Array(channels).fill(1);
  const bias = op === 'add' ? values : new Float32Array(channels);
  const config = { kernel_size: [1, 1], strides: [1, 1], padding: 'valid', depth_multiplier: 1, data_format: 'channels_last', dilation_rate: [1, 1], activation: 'linear', use_bias: true };
  const layer = b.add('DepthwiseConv2D', ctx.name, config, [x4], [
    { name: 'depthwise_kernel', shape: [1, 1, channels, 1], data: Float32Array.from(kernel) },
    { name: 'bias', shape: [channels], data: Float32Array.from(bias) },
  ]);
  return act(layer, x4.shape, false);
}

/** The ONNX shape two activations broadcast to, or undefined if they do not. */
function broadcast(a: readonly (number | null)[], b: readonly (number | null)[]): (number | null)[] | undefined {
  if (a.length !== b.length) return undefined;
  const out: (number | null)[] = [];
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!, y = b[i]!;
    if (x === y || y === 1) out.push(x);
    else if (x === 1) out.push(y);
    else return undefined;
  }
  return out;
}

const binary = (op: 'add' | 'mul', invert: boolean): Converter => (ctx) => {
  const [p, q] = [ctx.input(0), ctx.input(1)];
  if (!p || !q) refuse(ctx, 'lacks an operand', 'Export the model again; the graph is incomplete.');
  if (p.kind === 'const' && q.kind === 'const') refuse(ctx, 'has two constant operands left after folding', 'Export with do_constant_folding=True.');
  if (p.kind === 'const' || q.kind === 'const') {
    const [x, c] = p.kind === 'act' ? [p, q as Const] : [q as Act, p];
    if (invert && p.kind === 'const') refuse(ctx, `computes ${ctx.node.op_type === 'Sub' ? 'a constant minus' : 'a constant divided by'} the image data`, 'convlens converts Sub and Div with the constant second.');
    const values = floats(ctx, c);
    const adjusted = invert ? { ...c, values: values.map((v) => (op === 'add' ? -v : 1 / v)) } : c;
    return affine(ctx, x, adjusted, op);
  }
  if (invert) refuse(ctx, `${ctx.node.op_type === 'Sub' ? 'subtracts' : 'divides'} two tensors computed from the image`, 'convlens converts Sub and Div by a constant only.');
  let [a, b] = [p, q];
  if (a.squeezed !== b.squeezed || kerasShape(a).length !== kerasShape(b).length) [a, b] = [ctx.b.as4d(a), ctx.b.as4d(b)];
  const shape = broadcast(a.shape, b.shape);
  if (!shape || JSON.stringify(a.order) !== JSON.stringify(b.order))
    refuse(ctx, `combines tensors of shapes [${a.shape.map((d) => d ?? 'N').join(', ')}] and [${b.shape.map((d) => d ?? 'N').join(', ')}]`, 'convlens converts elementwise Add and Mul of equal shapes, or of a per-channel [N, C, 1, 1] scale with an image tensor.');
  const layer = ctx.b.add(op === 'add' ? 'Add' : 'Multiply', ctx.name, {}, [a, b]);
  return act(layer, shape, a.nonNegative && b.nonNegative, { squeezed: a.squeezed && b.squeezed, order: a.order });
};

const concat: Converter = (ctx) => {
  const inputs = ctx.node.input.map((_, i) => actIn(ctx, i));
  const rank = inputs[0]!.shape.length;
  const axis = attr.int(ctx.node, 'axis', 1);
  if ((axis !== 1 && axis !== 1 - rank) || inputs.some((x) => x.shape.length !== rank))
    refuse(ctx, `concatenates along axis ${axis}`, 'convlens converts concatenation along the channel axis (axis 1) only.');
  const parts = rank === 4 ? inputs.map((x) => ctx.b.as4d(x)) : inputs.map((x) => unordered(ctx, x));
  const channels = parts.reduce<number | null>((n, x) => (n === null || x.shape[1] === null ? null : n + (x.shape[1] as number)), 0);
  const layer = ctx.b.add('Concatenate', ctx.name, { axis: -1 }, parts);
  return act(layer, [null, channels, ...parts[0]!.shape.slice(2)], parts.every((x) => x.nonNegative));
};

/** Arithmetic and concatenation converters by op type. */
export const mergeOps: Record<string, Converter> = {
  Add: binary('add', false),
  Sub: binary('add', true),
  Mul: binary('mul', false),
  Div: binary('mul', true),
  Concat: concat,
};

/**
 * The classifier head: Flatten, Reshape/Squeeze/Unsqueeze (only where they flatten or undo a
 * global pooling's [N, C, 1, 1]), Gemm and MatMul (+ Add) → Dense.
 *
 * A Flatten of NCHW [C, H, W] orders features c·H·W + h·W + w; Keras's Flatten of NHWC orders
 * them h·W·C + w·C + c. The flattened value carries that `order`, and the Dense kernel's rows
 * are permuted to match: row h·W·C + w·C + c of the Keras kernel is row c·H·W + h·W + w of ONNX's.
 */
import { act, product, type Act, type Const, type Dim, type Value } from './builder.ts';
import { actIn, constIn, floats, ints, refuse, type Converter, type OpContext } from './context.ts';
import { attr } from './proto.ts';

/** x as [N, features]: no layer for 2-D or squeezed values, a Flatten layer for 4-D ones. */
function flatten(ctx: OpContext, x: Act): Act {
  if (x.squeezed) return act(x.layer, [null, x.shape[1]!], x.nonNegative);
  if (x.shape.length === 2) return x;
  if (x.shape.length !== 4) refuse(ctx, `flattens a ${x.shape.length}-D tensor`, 'convlens converts flattening of 4-D image tensors only.');
  const [, c, h, w] = x.shape as number[];
  const layer = ctx.b.add('Flatten', ctx.name, { data_format: 'channels_last' }, [x]);
  return act(layer, [null, product(x.shape.slice(1))], x.nonNegative, h! * w! > 1 ? { order: { c: c!, h: h!, w: w! } } : {});
}

/** The axes input (opset 13+) or attribute of Squeeze/Unsqueeze, made non-negative for `rank`. */
function axesOf(ctx: OpContext, rank: number): number[] | undefined {
  const c = ctx.opset >= 13 ? constIn(ctx, 1) : undefined;
  const axes = c ? (ints(c) as number[]) : attr.ints(ctx.node, 'axes');
  return axes?.map((a) => (a < 0 ? a + rank : a)).sort((a, b) => a - b);
}

function reshapeTo(ctx: OpContext, x: Act, target: Dim[]): Value {
  const total = product(x.shape.slice(1));
  const rest = target.slice(1);
  const batchFirst = target[0] === null || target[0] === ctx.b.declaredBatch || (target[0] === -1 && !rest.includes(-1) && rest.every((d) => d !== 0));
  if (!batchFirst) refuse(ctx, `reshapes to [${target.map((d) => d ?? 'N').join(', ')}], changing the batch axis`, 'convlens converts reshapes that keep the batch axis first and only flatten.');
  const dims = rest.map((d, i) => (d === 0 ? x.shape[i + 1]! : d));
  const known = product(dims.filter((d) => d !== -1));
  const resolved = dims.map((d) => (d === -1 ? (total === null || known === null ? null : total / (known as number)) : d));
  if (resolved.length === 1 && resolved[0] === total) return flatten(ctx, x);
  if (resolved.join() === x.shape.slice(1).join()) return x;
  if (resolved.length === 3 && resolved[1] === 1 && resolved[2] === 1 && (x.shape.length === 2 || x.squeezed) && !(x.order && x.order.h * x.order.w > 1) && resolved[0] === x.shape[1])
    return act(x.layer, [null, x.shape[1]!, 1, 1], x.nonNegative, { squeezed: true });
  return refuse(ctx, `reshapes [${x.shape.map((d) => d ?? 'N').join(', ')}] to [N, ${resolved.join(', ')}]`, 'convlens converts reshapes that only flatten [N, C, H, W] to [N, C·H·W] (or undo a global pooling\'s [N, C, 1, 1]).');
}

const reshape: Converter = (ctx) => {
  const shape = constIn(ctx, 1);
  if (!shape) refuse(ctx, 'has no constant target shape', 'Export with do_constant_folding=True, or flatten with torch.flatten(x, 1).');
  return reshapeTo(ctx, actIn(ctx, 0), ints(shape));
};

const squeeze: Converter = (ctx) => {
  const x = actIn(ctx, 0);
  const axes = axesOf(ctx, x.shape.length) ?? x.shape.flatMap((d, i) => (d === 1 ? [i] : []));
  if (x.shape.length === 4 && axes.join() === '2,3' && x.shape[2] === 1 && x.shape[3] === 1) return flatten(ctx, x);
  return refuse(ctx, `squeezes axes [${axes.join(', ')}] of [${x.shape.map((d) => d ?? 'N').join(', ')}]`, 'convlens converts Squeeze of the 1×1 spatial axes of [N, C, 1, 1] only.');
};

const unsqueeze: Converter = (ctx) => {
  const x = actIn(ctx, 0);
  const axes = axesOf(ctx, x.shape.length + 2) ?? [];
  if (x.shape.length === 2 && axes.join() === '2,3') return reshapeTo(ctx, x, [null, x.shape[1]!, 1, 1]);
  return refuse(ctx, `unsqueezes [${x.shape.map((d) => d ?? 'N').join(', ')}] at axes [${axes.join(', ')}]`, 'convlens converts Unsqueeze of [N, C] to [N, C, 1, 1] only.');
};

/** A Dense layer computing x · M + bias, with M [in, out] in ONNX's feature order. */
function dense(ctx: OpContext, x: Act, m: Float32Array, inputs: number, units: number, bias: Float32Array | undefined): Act {
  if (x.shape[1] !== inputs)
    refuse(ctx, `has weights for ${inputs} input features but gets ${x.shape[1]} at this image size`, 'The model takes images of another size only: resize the dataset\'s images to the size it was trained on (data.image.resize), or export it for this size.');
  let kernel = m;
  if (x.order && x.order.h * x.order.w > 1) {
    const { c: C, h: H, w: W } = x.order;
    kernel = new Float32Array(m.length);
    for (let c = 0; c < C; c++)
      for (let h = 0; h < H; h++)
        for (let w = 0; w < W; w++) {
          const from = (c * H * W + h * W + w) * units, to = ((h * W + w) * C + c) * units;
          kernel.set(m.subarray(from, from + units), to);
        }
  }
  const weights = [{ name: 'kernel', shape: [inputs, units], data: kernel }, ...(bias ? [{ name: 'bias', shape: [units], data: bias }] : [])];
  const layer = ctx.b.add('Dense', ctx.name, { units, activation: 'linear', use_bias: !!bias }, [x], weights);
  return act(layer, [null, units], false);
}

/** A bias constant broadcast to [units] (one number, [units] or [1, units]), times `beta`. */
function biasOf(ctx: OpContext, c: Const, units: number, beta: number): Float32Array | undefined {
  const v = floats(ctx, c);
  const ok = v.length === 1 || (v.length === units && (c.dims.length === 1 || (c.dims.length === 2 && c.dims[0] === 1)));
  if (!ok) return undefined;
  return Float32Array.from({ length: units }, (_, i) => (v.length === 1 ? v[0]! : v[i]!) * beta);
}

const gemm: Converter = (ctx) => {
  const x = flatten(ctx, actIn(ctx, 0));
  const b = constIn(ctx, 1), c = constIn(ctx, 2);
  if (attr.int(ctx.node, 'transA', 0) !== 0) refuse(ctx, 'transposes its input (transA = 1)', 'Export the Linear layer as PyTorch does (transA = 0).');
  if (!b || b.dims.length !== 2) refuse(ctx, 'has no 2-D constant weight', 'convlens converts Gemm whose weight is stored in the file.');
  const alpha = attr.float(ctx.node, 'alpha', 1), beta = attr.float(ctx.node, 'beta', 1);
  const transB = attr.int(ctx.node, 'transB', 0) === 1;
  const [rows, cols] = b.dims as [number, number];
  const [inputs, units] = transB ? [cols, rows] : [rows, cols];
  const w = floats(ctx, b);
  const m = new Float32Array(inputs * units);
  for (let i = 0; i < inputs; i++) for (let o = 0; o < units; o++) m[i * units + o] = alpha * (transB ? w[o * cols + i]! : w[i * cols + o]!);
  const bias = c ? biasOf(ctx, c, units, beta) : undefined;
  if (c && !bias) refuse(ctx, `adds a bias of shape [${c.dims.join(', ')}] to ${units} outputs`, 'convlens converts a bias of one number per output.');
  return dense(ctx, x, m, inputs, units, bias);
};

const matMul: Converter = (ctx) => {
  const x = flatten(ctx, actIn(ctx, 0));
  const b = constIn(ctx, 1);
  if (!b || b.dims.length !== 2 || x.shape.length !== 2) refuse(ctx, 'is not a product of [N, features] with a 2-D constant weight', 'convlens converts MatMul as a Linear layer only.');
  const [inputs, units] = b.dims as [number, number];
  // MatMul + Add(bias) is PyTorch's Linear at some opsets: fuse when the Add is the only reader.
  const readers = ctx.consumers(ctx.node.output[0]!);
  const add = readers.length === 1 && readers[0]!.op_type === 'Add' ? readers[0]! : undefined;
  const other = add?.input.find((n) => n !== ctx.node.output[0]);
  const c = other !== undefined ? ctx.valueOf(other) : undefined;
  const bias = c?.kind === 'const' ? biasOf(ctx, c, units, 1) : undefined;
  const out = dense(ctx, x, floats(ctx, b), inputs, units, bias);
  if (bias) ctx.fuse(add!, out);
  return out;
};

/** Head converters by op type. */
export const denseOps: Record<string, Converter> = {
  Flatten: (ctx) => {
    if (attr.int(ctx.node, 'axis', 1) !== 1) refuse(ctx, `flattens from axis ${attr.int(ctx.node, 'axis', 1)}`, 'convlens converts Flatten with axis 1 (keeping the batch axis) only.');
    return flatten(ctx, actIn(ctx, 0));
  },
  Reshape: reshape,
  Squeeze: squeeze,
  Unsqueeze: unsqueeze,
  Gemm: gemm,
  MatMul: matMul,
};

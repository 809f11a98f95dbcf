/**
 * Elementwise activations, batch normalization, softmax, and the no-ops (Dropout, Identity).
 *
 *   Relu → ReLU; Clip(0, m) → ReLU(max_value m) (ReLU6 when m = 6); LeakyRelu → LeakyReLU
 *   Sigmoid, Tanh → Activation
 *   HardSigmoid(α, β) = clip(αx + β, 0, 1) → Rescaling(scale α, offset β) + ReLU(max_value 1):
 *     tfjs's own hard_sigmoid is fixed at 0.2x + 0.5, PyTorch exports α = 1/6
 *   HardSwish = x · HardSigmoid(x; 1/6, 1/2) → those two layers + Multiply
 *   BatchNormalization (inference) → BatchNormalization (gamma, beta, moving mean/variance)
 */
import { act, kerasShape, type Act, type Value } from './builder.ts';
import { actIn, constIn, floats, refuse, scalar, type Converter, type OpContext } from './context.ts';
import { attr } from './proto.ts';

/** The activation, refusing a flattened image whose feature order differs from ONNX's where order matters. */
export function unordered(ctx: OpContext, x: Act): Act {
  if (x.order && x.order.h * x.order.w > 1)
    refuse(ctx, 'uses the flattened features of an image tensor in an order-dependent way', 'convlens reorders flattened features only for a following Gemm or MatMul (a Linear layer); put the Linear layer directly after the flatten.');
  return x;
}

const same = (x: Act, layer: string, nonNegative: boolean): Act => act(layer, x.shape, nonNegative, { squeezed: x.squeezed, order: x.order });

function relu(ctx: OpContext, x: Act, max: number | null, name = ctx.name): Act {
  return same(x, ctx.b.add('ReLU', name, { max_value: max }, [x]), true);
}

function hardSigmoid(ctx: OpContext, x: Act, alpha: number, beta: number, name: string): Act {
  const scaled = same(x, ctx.b.add('Rescaling', `${name}_affine`, { scale: alpha, offset: beta }, [x]), false);
  return relu(ctx, scaled, 1, name);
}

const clip: Converter = (ctx) => {
  const x = actIn(ctx, 0);
  let min: number | undefined, max: number | undefined;
  if (ctx.opset >= 11) {
    const lo = constIn(ctx, 1), hi = constIn(ctx, 2);
    min = lo ? scalar(ctx, lo) : undefined;
    max = hi ? scalar(ctx, hi) : undefined;
  } else {
    min = attr.float(ctx.node, 'min', -Infinity);
    max = attr.float(ctx.node, 'max', Infinity);
  }
  const lower = min ?? -Infinity, upper = max ?? Infinity;
  if (lower === -Infinity && upper === Infinity) return x;
  if (lower !== 0) refuse(ctx, `clips to [${lower}, ${upper}]`, 'convlens converts Clip with min 0 (ReLU, or ReLU6 with max 6) only.');
  return relu(ctx, x, upper === Infinity ? null : upper);
};

const batchNorm: Converter = (ctx) => {
  const x = ctx.b.as4d(actIn(ctx, 0));
  if (ctx.node.output.filter(Boolean).length > 1 || attr.int(ctx.node, 'training_mode', 0) === 1)
    refuse(ctx, 'is in training mode', 'Export the model in evaluation mode (model.eval()).');
  const [scale, bias, mean, variance] = [1, 2, 3, 4].map((i) => constIn(ctx, i));
  if (!scale || !bias || !mean || !variance) refuse(ctx, 'lacks one of scale, bias, mean and variance', 'Export the model again in evaluation mode.');
  const c = x.shape[1];
  const weights = [['gamma', scale], ['beta', bias], ['moving_mean', mean], ['moving_variance', variance]] as const;
  for (const [, v] of weights) if (v.values.length !== c) refuse(ctx, `has ${v.values.length} statistics for ${c} channels`, 'The file is inconsistent; export it again.');
  const epsilon = attr.float(ctx.node, 'epsilon', 1e-5);
  const layer = ctx.b.add('BatchNormalization', ctx.name, { axis: -1, momentum: 0.99, epsilon, center: true, scale: true }, [x],
    weights.map(([name, v]) => ({ name, shape: [c as number], data: floats(ctx, v) })));
  return act(layer, x.shape, false, { squeezed: x.squeezed });
};

const softmax: Converter = (ctx) => {
  const x = unordered(ctx, actIn(ctx, 0));
  const rank = kerasShape(x).length + 1;
  const axis = attr.int(ctx.node, 'axis', ctx.opset >= 13 ? -1 : 1);
  // Before opset 13, Softmax flattens from `axis` on; on [N, C] axis 1 is the class axis either way.
  if (rank !== 2 || (axis !== 1 && axis !== -1)) refuse(ctx, `takes the softmax over axis ${axis} of a ${x.shape.length}-D tensor`, 'convlens converts a softmax over the classes of [batch, classes] only.');
  return same(x, ctx.b.add('Softmax', ctx.name, { axis: -1 }, [x]), true);
};

const passThrough: Converter = (ctx) => {
  const v = ctx.input(0);
  if (!v) refuse(ctx, 'has no input', 'Export the model again; the graph is incomplete.');
  if (ctx.node.op_type === 'Dropout' && ctx.node.output.length > 1 && ctx.node.output[1]) return [v, v];
  return v;
};

const activation = (name: string, nonNegative: boolean): Converter => (ctx) => {
  const x = actIn(ctx, 0);
  return same(x, ctx.b.add('Activation', ctx.name, { activation: name }, [x]), nonNegative);
};

/** Activation converters by op type. */
export const activationOps: Record<string, Converter> = {
  Relu: (ctx) => relu(ctx, actIn(ctx, 0), null),
  LeakyRelu: (ctx) => {
    const x = actIn(ctx, 0);
    return same(x, ctx.b.add('LeakyReLU', ctx.name, { alpha: attr.float(ctx.node, 'alpha', 0.01) }, [x]), false);
  },
  Clip: clip,
  Sigmoid: activation('sigmoid', true),
  Tanh: activation('tanh', false),
  HardSigmoid: (ctx) => hardSigmoid(ctx, actIn(ctx, 0), attr.float(ctx.node, 'alpha', 0.2), attr.float(ctx.node, 'beta', 0.5), ctx.name),
  HardSwish: (ctx): Value => {
    const x = actIn(ctx, 0);
    const gate = hardSigmoid(ctx, x, 1 / 6, 0.5, `${ctx.name}_gate`);
    return act(ctx.b.add('Multiply', ctx.name, {}, [x, gate]), x.shape, false, { squeezed: x.squeezed, order: x.order });
  },
  BatchNormalization: batchNorm,
  Softmax: softmax,
  Dropout: passThrough,
  Identity: passThrough,
};

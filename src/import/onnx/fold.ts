/**
 * Constant folding: nodes whose inputs are all known are evaluated at conversion time instead
 * of becoming layers. This is how the shape arithmetic of opset-11 exports of
 * `x.view(x.size(0), -1)` (Shape → Gather → Unsqueeze → Concat → Reshape) disappears: Shape of
 * an activation is its ONNX shape with the batch as null, null survives Gather/Unsqueeze/Concat,
 * and Reshape reads a leading null as "keep the batch axis".
 */
import { constant, ints, refuse, type OpContext } from './context.ts';
import type { Const, Value } from './builder.ts';
import { attr, int } from './proto.ts';
import { tensorValues, type ExternalFiles } from './tensors.ts';

/** Op types folded when their inputs are constants (Shape whatever its input). */
export const FOLDABLE = new Set(['Constant', 'Shape', 'Gather', 'Unsqueeze', 'Squeeze', 'Concat', 'Cast', 'Reshape', 'Identity', 'Slice', 'Add', 'Sub', 'Mul', 'Div']);

const FLOAT_TYPES = new Set([1, 10, 11]);

const count = (dims: number[]) => dims.reduce((a, b) => a * b, 1);

function constantNode(ctx: OpContext, files: ExternalFiles): Const {
  const t = attr.tensor(ctx.node, 'value');
  if (t) {
    const data = tensorValues(ctx.path, t, files);
    return constant(data.dims, data.values);
  }
  const a = ctx.node.attribute[0];
  if (a?.name === 'value_float') return constant([], Float32Array.of(a.f));
  if (a?.name === 'value_floats') return constant([a.floats.length], Float32Array.from(a.floats));
  if (a?.name === 'value_int') return constant([], [int(a.i)]);
  if (a?.name === 'value_ints') return constant([a.ints.length], a.ints.map(int));
  return refuse(ctx, `holds a ${a?.name ?? 'missing'} value`, 'convlens reads Constant nodes holding numbers.');
}

function elementwise(ctx: OpContext, a: Const, b: Const): Const {
  const [x, y] = [Array.from(a.values), Array.from(b.values)];
  const n = Math.max(x.length, y.length);
  if ((x.length !== n && x.length !== 1) || (y.length !== n && y.length !== 1)) refuse(ctx, 'computes with constants of mismatched shapes', 'Export with do_constant_folding=True.');
  const f = { Add: (p: number, q: number) => p + q, Sub: (p: number, q: number) => p - q, Mul: (p: number, q: number) => p * q, Div: (p: number, q: number) => (a.float || b.float ? p / q : Math.trunc(p / q)) }[ctx.node.op_type as 'Add']!;
  const values = Array.from({ length: n }, (_, i) => {
    const p = x.length === 1 ? x[0]! : x[i]!, q = y.length === 1 ? y[0]! : y[i]!;
    return p === null || q === null ? null : f(p, q);
  });
  const dims = x.length >= y.length ? a.dims : b.dims;
  return constant(dims, a.float || b.float ? Float32Array.from(values as number[]) : values);
}

/** Evaluate a FOLDABLE node whose inputs are known, or undefined when it must be converted instead. */
export function fold(ctx: OpContext, files: ExternalFiles): Value | undefined {
  const op = ctx.node.op_type;
  if (op === 'Constant') return constantNode(ctx, files);
  const inputs = ctx.node.input.map((_, i) => ctx.input(i));
  if (op === 'Shape') {
    const x = inputs[0];
    if (!x) return undefined;
    const shape = x.kind === 'act' ? x.shape : x.dims;
    const start = attr.int(ctx.node, 'start', 0), end = attr.int(ctx.node, 'end', shape.length);
    const picked = shape.slice(start, end);
    return constant([picked.length], picked);
  }
  if (inputs.some((v) => v?.kind === 'act') || inputs.length === 0 || !inputs[0]) return undefined;
  const c = inputs as (Const | undefined)[];
  const data = c[0]!;
  switch (op) {
    case 'Identity':
      return data;
    case 'Cast':
      return constant(data.dims, FLOAT_TYPES.has(attr.int(ctx.node, 'to', 1)) ? Float32Array.from(ints(data) as number[]) : ints(data));
    case 'Unsqueeze':
    case 'Squeeze': {
      const axes = ctx.opset >= 13 && c[1] ? (ints(c[1]) as number[]) : (attr.ints(ctx.node, 'axes') ?? []);
      const dims = [...data.dims];
      if (op === 'Squeeze') return constant(axes.length ? dims.filter((_, i) => !axes.map((a) => (a < 0 ? a + dims.length : a)).includes(i)) : dims.filter((d) => d !== 1), data.values);
      const rank = dims.length + axes.length;
      for (const a of axes.map((a) => (a < 0 ? a + rank : a)).sort((p, q) => p - q)) dims.splice(a, 0, 1);
      return constant(dims, data.values);
    }
    case 'Concat': {
      const parts = c.map((p) => ints(p!));
      const values = parts.flat();
      return constant([values.length], data.float ? Float32Array.from(values as number[]) : values);
    }
    case 'Gather': {
      const indices = ints(c[1]!) as number[];
      if (data.dims.length !== 1 || attr.int(ctx.node, 'axis', 0) !== 0) refuse(ctx, 'gathers from a constant of more than one axis', 'convlens folds Gather only on shape vectors.');
      const all = ints(data);
      const values = indices.map((i) => all[i < 0 ? i + all.length : i]!);
      return constant(c[1]!.dims, data.float ? Float32Array.from(values as number[]) : values);
    }
    case 'Reshape': {
      const target = ints(c[1]!) as number[];
      const known = count(target.filter((d) => d !== -1).map((d, i) => (d === 0 ? data.dims[i]! : d)));
      return constant(target.map((d, i) => (d === -1 ? data.values.length / known : d === 0 ? data.dims[i]! : d)), data.values);
    }
    case 'Slice': {
      if (data.dims.length !== 1) refuse(ctx, 'slices a constant of more than one axis', 'convlens folds Slice only on shape vectors.');
      const all = ints(data);
      const n = all.length;
      const at = (k: number) => (c[k] ? (ints(c[k]!)[0] as number) : undefined);
      const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + n : v, 0), n);
      const start = clamp(at(1) ?? 0), end = clamp(Math.min(at(2) ?? n, n)), step = at(4) ?? 1;
      if (step !== 1) refuse(ctx, `slices with step ${step}`, 'convlens folds Slice with step 1 only.');
      const values = all.slice(start, end);
      return constant([values.length], data.float ? Float32Array.from(values as number[]) : values);
    }
    default:
      return c.every(Boolean) && c.length === 2 ? elementwise(ctx, data, c[1]!) : undefined;
  }
}

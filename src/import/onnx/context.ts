/**
 * What an operator converter sees (`OpContext`) and returns, plus the helpers every family
 * shares: typed access to inputs, attribute refusal with a sentence, constant readers.
 */
import { UserError } from '../../lib/errors.ts';
import { messages } from '../messages.ts';
import type { Act, Builder, Const, Value } from './builder.ts';
import type { NodeProto } from './proto.ts';

/** One node being converted. */
export interface OpContext {
  b: Builder;
  /** The model file (absolute), for messages. */
  path: string;
  node: NodeProto;
  /** Base name for the node's layers (baseName). */
  name: string;
  /** The model's default-domain opset. */
  opset: number;
  /** Input i, or undefined when absent or named ''. */
  input(i: number): Value | undefined;
  /** Nodes that read tensor `name` (for fusing MatMul + Add). */
  consumers(name: string): NodeProto[];
  /** The value of tensor `name` if already known. */
  valueOf(name: string): Value | undefined;
  /** Mark a later node as converted here, its output being `value`. */
  fuse(node: NodeProto, value: Value): void;
}

/** A converter: the node's output value(s), in output order. */
export type Converter = (ctx: OpContext) => Value | Value[];

/** Refuse the node: `what` it does that convlens cannot convert, and `fix`. */
export function refuse(ctx: OpContext, what: string, fix: string): never {
  throw new UserError(messages.onnxNodeUnsupported(ctx.path, ctx.node.name || ctx.node.output[0] || '', ctx.node.op_type, what, fix));
}

/** Input i as an activation (refused if it is a constant or missing). */
export function actIn(ctx: OpContext, i: number): Act {
  const v = ctx.input(i);
  if (!v) refuse(ctx, `has no input ${i + 1}`, 'Export the model again; the graph is incomplete.');
  if (v.kind !== 'act') refuse(ctx, `takes a constant as input ${i + 1} where convlens expects the image data flowing through the network`, 'Remove the constant computation from the model, or fold it with the exporter (do_constant_folding=True).');
  return v;
}

/** Input i as a constant (undefined when absent; refused when it is computed from the image). */
export function constIn(ctx: OpContext, i: number): Const | undefined {
  const v = ctx.input(i);
  if (!v) return undefined;
  if (v.kind !== 'const') refuse(ctx, `computes input ${i + 1} from the image data, where convlens needs a constant (a weight or a fixed shape)`, 'Export with do_constant_folding=True so weights and shapes are constants.');
  return v;
}

/** A constant's values as float32 (nulls, the batch, are refused). */
export function floats(ctx: OpContext, c: Const): Float32Array {
  if (c.values instanceof Float32Array) return c.values;
  if (c.values.some((v) => v === null)) refuse(ctx, 'uses the batch size as a number in its arithmetic', 'Export the model with a fixed computation that does not depend on the batch size.');
  return Float32Array.from(c.values as number[]);
}

/** A constant's values as integers (null = the batch size). */
export function ints(c: Const): (number | null)[] {
  return c.values instanceof Float32Array ? Array.from(c.values) : c.values;
}

/** The single number of a constant with one element (a scalar or [1]). */
export function scalar(ctx: OpContext, c: Const): number {
  const v = floats(ctx, c);
  if (v.length !== 1) refuse(ctx, `uses a constant of shape [${c.dims.join(', ')}] where convlens expects a single number`, 'Use a scalar.');
  return v[0]!;
}

/** Whether every element of a constant equals `x`. */
export const allEqual = (c: Const, x: number) => Array.from(c.values).every((v) => v === x);

/** A constant value. */
export const constant = (dims: number[], values: Float32Array | (number | null)[]): Const => ({ kind: 'const', dims, float: values instanceof Float32Array, values });

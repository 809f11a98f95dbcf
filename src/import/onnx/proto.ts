/**
 * The ONNX protobuf messages convlens reads, decoded with protobufjs from the official schema
 * (onnx.proto beside this file, parsed once at first use; field names kept in snake_case as the
 * schema writes them). Only the fields convlens uses are typed here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import protobuf from 'protobufjs';
import { UserError } from '../../lib/errors.ts';
import { messages } from '../messages.ts';

/** An int64 as protobufjs decodes it: a number, or a Long {low, high} when long.js is present. */
export type Int64 = number | { low: number; high: number; toNumber?: () => number };

export interface StringEntry {
  key: string;
  value: string;
}

export interface TensorProto {
  dims: Int64[];
  data_type: number;
  name: string;
  raw_data: Uint8Array;
  float_data: number[];
  int32_data: number[];
  int64_data: Int64[];
  double_data: number[];
  data_location: number;
  external_data: StringEntry[];
}

export interface AttributeProto {
  name: string;
  type: number;
  f: number;
  i: Int64;
  s: Uint8Array;
  t?: TensorProto;
  floats: number[];
  ints: Int64[];
}

export interface NodeProto {
  input: string[];
  output: string[];
  name: string;
  op_type: string;
  domain: string;
  attribute: AttributeProto[];
}

export interface DimensionProto {
  dim_value?: Int64;
  dim_param?: string;
}

export interface ValueInfoProto {
  name: string;
  type?: { tensor_type?: { elem_type: number; shape?: { dim: DimensionProto[] } } };
}

export interface GraphProto {
  node: NodeProto[];
  name: string;
  initializer: TensorProto[];
  input: ValueInfoProto[];
  output: ValueInfoProto[];
  value_info: ValueInfoProto[];
}

export interface ModelProto {
  ir_version: Int64;
  opset_import: { domain: string; version: Int64 }[];
  producer_name: string;
  producer_version: string;
  graph?: GraphProto;
}

let modelType: protobuf.Type | undefined;

/** The ModelProto type, from the schema file parsed on first use. */
function model(): protobuf.Type {
  if (!modelType) {
    const source = readFileSync(join(import.meta.dirname, 'onnx.proto'), 'utf8');
    modelType = protobuf.parse(source, { keepCase: true }).root.lookupType('onnx.ModelProto');
  }
  return modelType;
}

/** An int64 field as a JavaScript number (exact below 2^53; dims and offsets always are). */
export function int(v: Int64 | undefined | null): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === 'number') return v;
  return v.high * 2 ** 32 + (v.low >>> 0);
}

/** Decode a whole .onnx file; a truncated or damaged one is a UserError naming `path`. */
export function decodeModel(path: string, bytes: Uint8Array): ModelProto {
  let decoded: ModelProto;
  try {
    decoded = model().decode(bytes) as unknown as ModelProto;
  } catch (error) {
    throw new UserError(messages.onnxCorrupt(path, (error as Error).message));
  }
  if (!decoded.graph) throw new UserError(messages.onnxNoGraph(path));
  return decoded;
}

/** The default-domain opset version the model declares (ai.onnx), or undefined. */
export function opsetOf(m: ModelProto): number | undefined {
  const entry = m.opset_import.find((o) => o.domain === '' || o.domain === 'ai.onnx');
  return entry ? int(entry.version) : undefined;
}

/** One attribute of a node, by name. */
export function attribute(node: NodeProto, name: string): AttributeProto | undefined {
  return node.attribute.find((a) => a.name === name);
}

/** Readers of a node's attributes with ONNX's defaults. */
export const attr = {
  int: (node: NodeProto, name: string, fallback: number): number => {
    const a = attribute(node, name);
    return a ? int(a.i) : fallback;
  },
  float: (node: NodeProto, name: string, fallback: number): number => {
    const a = attribute(node, name);
    return a ? a.f : fallback;
  },
  ints: (node: NodeProto, name: string): number[] | undefined => {
    const a = attribute(node, name);
    return a ? a.ints.map(int) : undefined;
  },
  string: (node: NodeProto, name: string, fallback: string): string => {
    const a = attribute(node, name);
    return a ? new TextDecoder().decode(a.s) : fallback;
  },
  tensor: (node: NodeProto, name: string): TensorProto | undefined => attribute(node, name)?.t ?? undefined,
};

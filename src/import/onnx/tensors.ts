/**
 * TensorProto → numbers, with external data.
 *
 * Values live in raw_data (little-endian bytes), in a type-specific repeated field (float_data,
 * int32_data also holding float16 bits, int64_data, double_data), or (data_location EXTERNAL)
 * in a file beside the model: external_data's `location` (relative to the model file's folder),
 * `offset` and `length`. External files are read once, before conversion, in the order the
 * graph first names them (initializers, then Constant nodes); that order is also the digest's.
 * A location leading outside the model's folder is refused, as tfjs weight shards are.
 */
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { UserError } from '../../lib/errors.ts';
import { halfToFloat } from '../dequantize.ts';
import { readChecked, type ImportFs } from '../files.ts';
import { messages } from '../messages.ts';
import { int, type GraphProto, type TensorProto } from './proto.ts';

/** A tensor's values: floats as float32, integer types as plain numbers. */
export interface TensorData {
  dims: number[];
  kind: 'float' | 'int';
  values: Float32Array | number[];
}

/** External data files, read: location (as written) → bytes. */
export type ExternalFiles = Map<string, Buffer>;

const FLOAT = 1, UINT8 = 2, INT8 = 3, UINT16 = 4, INT16 = 5, INT32 = 6, INT64 = 7, BOOL = 9, FLOAT16 = 10, DOUBLE = 11, UINT32 = 12, UINT64 = 13;
const TYPE_NAMES: Record<number, string> = { 8: 'string', 14: 'complex64', 15: 'complex128', 16: 'bfloat16' };

/** Whether this machine stores numbers little-endian, as ONNX's raw_data does (then float32 bytes are copied as they are). */
const LITTLE_ENDIAN = new Uint8Array(Float32Array.of(1).buffer)[3] === 0x3f;

const entry = (t: TensorProto, key: string) => t.external_data.find((e) => e.key === key)?.value;

/** Every tensor of the graph that may hold external data (initializers, Constant values). */
function tensorsOf(graph: GraphProto): TensorProto[] {
  const constants = graph.node.filter((n) => n.op_type === 'Constant').flatMap((n) => n.attribute.flatMap((a) => (a.t ? [a.t] : [])));
  return [...graph.initializer, ...constants];
}

/** Read every external data file the graph names, each once, checking it lies in the model's folder. */
export async function readExternalFiles(path: string, graph: GraphProto, fs: ImportFs): Promise<{ files: ExternalFiles; order: Buffer[] }> {
  const folder = dirname(path);
  const files: ExternalFiles = new Map();
  const order: Buffer[] = [];
  for (const t of tensorsOf(graph)) {
    if (t.data_location !== 1) continue;
    const location = entry(t, 'location');
    if (location === undefined || location === '') throw new UserError(messages.onnxExternalNoLocation(path, t.name));
    if (files.has(location)) continue;
    const target = resolve(folder, location);
    const rel = relative(folder, target);
    if (isAbsolute(location) || rel.startsWith('..') || isAbsolute(rel)) throw new UserError(messages.onnxExternalOutside(path, t.name, location));
    const bytes = await readChecked(fs, target, () => messages.onnxExternalMissing(path, t.name, location));
    files.set(location, bytes);
    order.push(bytes);
  }
  return { files, order };
}

/** The bytes of an external tensor, checked against its file's size. */
function externalBytes(path: string, t: TensorProto, files: ExternalFiles, itemSize: number, count: number): Uint8Array {
  const location = entry(t, 'location')!;
  const file = files.get(location)!;
  const offset = Number(entry(t, 'offset') ?? 0);
  const length = entry(t, 'length') === undefined ? count * itemSize : Number(entry(t, 'length'));
  if (!Number.isInteger(offset) || !Number.isInteger(length) || offset < 0 || length !== count * itemSize || offset + length > file.length)
    throw new UserError(messages.onnxExternalRange(path, t.name, location, offset, length, count * itemSize, file.length));
  return file.subarray(offset, offset + length);
}

/** Values of `t`; `path` names the model file in messages. */
export function tensorValues(path: string, t: TensorProto, files: ExternalFiles): TensorData {
  const dims = t.dims.map(int);
  const count = dims.reduce((a, b) => a * b, 1);
  const type = t.data_type;
  const sizes: Record<number, number> = { [FLOAT]: 4, [DOUBLE]: 8, [FLOAT16]: 2, [INT64]: 8, [INT32]: 4, [UINT32]: 4, [UINT64]: 8, [INT16]: 2, [UINT16]: 2, [INT8]: 1, [UINT8]: 1, [BOOL]: 1 };
  const size = sizes[type];
  if (size === undefined) throw new UserError(messages.onnxTensorType(path, t.name, TYPE_NAMES[type] ?? `type ${type}`));
  let raw: Uint8Array | undefined = t.data_location === 1 ? externalBytes(path, t, files, size, count) : t.raw_data?.length ? t.raw_data : undefined;
  const kind = type === FLOAT || type === DOUBLE || type === FLOAT16 ? 'float' : 'int';
  if (raw) {
    if (raw.length !== count * size) throw new UserError(messages.onnxTensorSize(path, t.name, dims, raw.length, count * size));
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    if (type === FLOAT && LITTLE_ENDIAN) return { dims, kind, values: new Float32Array(Uint8Array.prototype.slice.call(raw).buffer) };
    if (type === FLOAT) {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(i * 4, true);
      return { dims, kind, values: out };
    }
    const read: (i: number) => number = {
      [DOUBLE]: (i: number) => view.getFloat64(i * 8, true),
      [FLOAT16]: (i: number) => halfToFloat(view.getUint16(i * 2, true)),
      [INT64]: (i: number) => Number(view.getBigInt64(i * 8, true)),
      [UINT64]: (i: number) => Number(view.getBigUint64(i * 8, true)),
      [INT32]: (i: number) => view.getInt32(i * 4, true),
      [UINT32]: (i: number) => view.getUint32(i * 4, true),
      [INT16]: (i: number) => view.getInt16(i * 2, true),
      [UINT16]: (i: number) => view.getUint16(i * 2, true),
      [INT8]: (i: number) => view.getInt8(i),
      [UINT8]: (i: number) => view.getUint8(i),
      [BOOL]: (i: number) => view.getUint8(i),
    }[type]!;
    raw = undefined;
    const values = Array.from({ length: count }, (_, i) => read(i));
    return { dims, kind, values: kind === 'float' ? Float32Array.from(values) : values };
  }
  let values: number[];
  if (type === FLOAT) values = t.float_data;
  else if (type === DOUBLE) values = t.double_data;
  else if (type === FLOAT16) values = t.int32_data.map(halfToFloat);
  else if (type === INT64 || type === UINT64) values = t.int64_data.map(int);
  else values = t.int32_data;
  if (values.length !== count) throw new UserError(messages.onnxTensorSize(path, t.name, dims, values.length * size, count * size));
  return { dims, kind, values: kind === 'float' ? Float32Array.from(values) : [...values] };
}

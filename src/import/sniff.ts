/**
 * Which kind of model file a byte string is, by content (never by extension: Keras writes
 * HDF5 into files named .keras, and .h5 files named otherwise circulate).
 *   HDF5   the 8-byte signature \x89HDF\r\n\x1a\n at offset 0, 512, 1024, 2048, … (a user block
 *          may precede the superblock, at a power of two ≥ 512)
 *   zip    a local file header "PK\x03\x04" at offset 0 (Keras's .keras format); an empty zip
 *          "PK\x05\x06" counts too, so its error says zip
 *   JSON   an object: "{" after optional byte order mark and whitespace (tfjs model.json)
 *   ONNX   a protobuf ModelProto: first byte 0x08 (field 1 ir_version, a varint), then only
 *          ModelProto's own fields with their wire types, including field 7 (graph); a file
 *          cut short inside a field still counts (its error then says truncated ONNX), but only
 *          after ir_version and at least one more ModelProto field
 */

/** The formats convlens imports. */
export type ModelFormat = 'tfjs-layers' | 'keras-h5' | 'keras-zip' | 'onnx';

const HDF5 = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

function hdf5At(bytes: Uint8Array, offset: number): boolean {
  return offset + 8 <= bytes.length && HDF5.every((b, i) => bytes[offset + i] === b);
}

/** ModelProto's field numbers → wire type (0 varint, 2 length-delimited). */
const MODEL_FIELDS: Record<number, number> = { 1: 0, 2: 2, 3: 2, 4: 2, 5: 0, 6: 2, 7: 2, 8: 2, 14: 2, 20: 2, 25: 2 };

/** Whether `bytes` read as top-level ModelProto fields (see above); no decoding of their contents. */
export function looksLikeOnnx(bytes: Uint8Array): boolean {
  if (bytes[0] !== 0x08) return false;
  let pos = 0, fields = 0, graph = false;
  const varint = (): number | undefined => {
    let value = 0;
    for (let shift = 0; shift < 64; shift += 7) {
      if (pos >= bytes.length) return undefined;
      const byte = bytes[pos++]!;
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
    }
    return undefined;
  };
  while (pos < bytes.length) {
    const tag = varint();
    if (tag === undefined) return fields >= 2;
    const field = Math.floor(tag / 8), wire = tag % 8;
    if (MODEL_FIELDS[field] !== wire || (fields === 0 && field !== 1)) return false;
    const value = varint();
    if (value === undefined) return fields >= 2;
    if (wire === 2) {
      if (pos + value > bytes.length) return fields >= 1;
      pos += value;
    }
    fields++;
    if (field === 7) graph = true;
  }
  return graph;
}

/** The format of `bytes`, or undefined when it is none of the four. */
export function sniffFormat(bytes: Uint8Array): ModelFormat | undefined {
  if (hdf5At(bytes, 0)) return 'keras-h5';
  for (let offset = 512; offset + 8 <= bytes.length; offset *= 2) if (hdf5At(bytes, offset)) return 'keras-h5';
  if (bytes[0] === 0x50 && bytes[1] === 0x4b && ((bytes[2] === 3 && bytes[3] === 4) || (bytes[2] === 5 && bytes[3] === 6))) return 'keras-zip';
  let i = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x09 || bytes[i] === 0x0a || bytes[i] === 0x0d)) i++;
  if (bytes[i] === 0x7b) return 'tfjs-layers';
  if (looksLikeOnnx(bytes)) return 'onnx';
  return undefined;
}

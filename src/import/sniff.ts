/**
 * Which kind of model file a byte string is, by content (never by extension: Keras writes
 * HDF5 into files named .keras, and .h5 files named otherwise circulate).
 *   HDF5   the 8-byte signature \x89HDF\r\n\x1a\n at offset 0, 512, 1024, 2048, … (a user block
 *          may precede the superblock, at a power of two ≥ 512)
 *   zip    a local file header "PK\x03\x04" at offset 0 (Keras's .keras format); an empty zip
 *          "PK\x05\x06" counts too, so its error says zip
 *   JSON   an object: "{" after optional byte order mark and whitespace (tfjs model.json)
 */

/** The three formats convlens imports. */
export type ModelFormat = 'tfjs-layers' | 'keras-h5' | 'keras-zip';

const HDF5 = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

function hdf5At(bytes: Uint8Array, offset: number): boolean {
  return offset + 8 <= bytes.length && HDF5.every((b, i) => bytes[offset + i] === b);
}

/** The format of `bytes`, or undefined when it is none of the three. */
export function sniffFormat(bytes: Uint8Array): ModelFormat | undefined {
  if (hdf5At(bytes, 0)) return 'keras-h5';
  for (let offset = 512; offset + 8 <= bytes.length; offset *= 2) if (hdf5At(bytes, offset)) return 'keras-h5';
  if (bytes[0] === 0x50 && bytes[1] === 0x4b && ((bytes[2] === 3 && bytes[3] === 4) || (bytes[2] === 5 && bytes[3] === 6))) return 'keras-zip';
  let i = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x09 || bytes[i] === 0x0a || bytes[i] === 0x0d)) i++;
  if (bytes[i] === 0x7b) return 'tfjs-layers';
  return undefined;
}

/**
 * The TensorFlow.js converter's stored weight types → float32, without tfjs (so `convlens check`
 * needs no backend). Same arithmetic as tfjs-core's `decodeWeights`: value = q·scale + min for
 * uint8/uint16, IEEE half precision for float16. Tests compare the two.
 */

/** Bytes per stored value of each weight type convlens reads. */
export const STORED_BYTES: Record<string, number> = { float32: 4, uint8: 1, uint16: 2, float16: 2 };

/** The converter's quantization entry. */
export interface Quantization {
  dtype: string;
  min?: number;
  scale?: number;
  /** Older converters wrote min and max instead of scale. */
  max?: number;
}

/** One IEEE 754 half-precision value (as its 16 bits) → number. */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

/** The scale of an affine quantization, from scale or from (max - min) over the value range. */
export function quantScale(q: Quantization): number | undefined {
  if (typeof q.scale === 'number') return q.scale;
  if (typeof q.min === 'number' && typeof q.max === 'number') return (q.max - q.min) / (q.dtype === 'uint8' ? 255 : 65535);
  return undefined;
}

/**
 * `count` values at `offset` of `bytes` (little-endian, as the converter writes) → float32.
 * Returns undefined for a quantization without min/scale.
 */
export function dequantize(bytes: Uint8Array, offset: number, count: number, q: Quantization | undefined): Float32Array | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, count * STORED_BYTES[q?.dtype ?? 'float32']!);
  const out = new Float32Array(count);
  if (!q || q.dtype === 'float32') {
    for (let i = 0; i < count; i++) out[i] = view.getFloat32(i * 4, true);
    return out;
  }
  if (q.dtype === 'float16') {
    for (let i = 0; i < count; i++) out[i] = halfToFloat(view.getUint16(i * 2, true));
    return out;
  }
  const scale = quantScale(q);
  if (scale === undefined || typeof q.min !== 'number') return undefined;
  const min = q.min;
  if (q.dtype === 'uint8') for (let i = 0; i < count; i++) out[i] = view.getUint8(i) * scale + min;
  else for (let i = 0; i < count; i++) out[i] = view.getUint16(i * 2, true) * scale + min;
  return out;
}

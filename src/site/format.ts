/**
 * Number and text formatting for the pages. Fixed locale (en-US) so a build renders the same
 * everywhere, whatever the machine's locale.
 */

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** 0.91234 → "91.23%". */
export function percent(fraction: number, digits = 2): string {
  return Number.isFinite(fraction) ? `${(fraction * 100).toFixed(digits)}%` : '—';
}

/** A loss value with 4 decimals. */
export function lossText(value: number | null): string {
  return value === null || !Number.isFinite(value) ? '—' : value.toFixed(4);
}

/** 12345 → "12,345". */
export function count(value: number): string {
  return integer.format(value);
}

/** [28, 28, 1] → "28 × 28 × 1". */
export function shapeText(shape: readonly number[]): string {
  return shape.join(' × ');
}

/** Seconds as "0.42 s", "12.3 s" or "2 min 05 s". */
export function secondsText(seconds: number): string {
  if (seconds < 10) return `${seconds.toFixed(2)} s`;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const minutes = Math.floor(seconds / 60);
  const rest = Math.round(seconds - minutes * 60);
  return `${minutes} min ${String(rest).padStart(2, '0')} s`;
}

/** A hash shortened for display (the full value goes in a title attribute). */
export function shortHash(hash: string, length = 12): string {
  return hash.length > length ? hash.slice(0, length) : hash;
}

/** Escape a value for an HTML attribute in a snippet shown to readers (the page escapes the snippet again). */
export function attrText(value: string): string {
  return value.replaceAll('&', '&amp;').replaceAll('"', '&quot;').replaceAll('<', '&lt;');
}

/** 345678901 → "330 MB" (binary units: 1 MB = 2^20 bytes). */
export function bytesText(bytes: number): string {
  const units = ['bytes', 'KB', 'MB', 'GB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

const dateFormat = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });

/** An ISO 8601 date or date-time as "20 Nov 2026" (UTC, so every build writes the same); the input itself when unparsable. */
export function dateText(iso: string): string {
  const time = Date.parse(iso);
  return Number.isNaN(time) ? iso : dateFormat.format(time);
}

/** The date part of an ISO 8601 value ("2026-11-20"), for `<time datetime>` and sorting; undefined when unparsable. */
export function isoDate(iso: string): string | undefined {
  const time = Date.parse(iso);
  return Number.isNaN(time) ? undefined : new Date(time).toISOString().slice(0, 10);
}

/** Layer types that only normalize or reshape: counted as layers, not named in the mix. */
const SUPPORTING = new Set(['InputLayer', 'BatchNormalization', 'LayerNormalization']);

/**
 * A model in a few words: its layer count and the learning layers by type, most frequent first
 * ("9 layers · 2 Conv2D, 2 Dense").
 */
export function layerMix(layers: readonly { type: string; params: number }[], limit = 3): string {
  const counts = new Map<string, number>();
  for (const { type, params } of layers) if (params > 0 && !SUPPORTING.has(type)) counts.set(type, (counts.get(type) ?? 0) + 1);
  const sorted = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const shown = sorted.slice(0, limit).map(([type, n]) => `${n} ${type}`);
  const total = layers.filter((l) => l.type !== 'InputLayer').length;
  const mix = sorted.length > limit ? `${shown.join(', ')}, …` : shown.join(', ');
  return `${total} ${total === 1 ? 'layer' : 'layers'}${mix ? ` · ${mix}` : ''}`;
}

const FORMAT_NAMES: Record<string, string> = {
  'keras-h5': 'Keras HDF5',
  'keras-zip': 'Keras zip (.keras)',
  'tfjs-layers': 'TensorFlow.js layers model',
  onnx: 'ONNX',
};

/**
 * Where an imported model came from, in words: "Keras HDF5, written by tf.keras 2.2.4", or for
 * ONNX, whose producer already names the format, "PyTorch 1.13.0 (ONNX opset 17)".
 */
export function originText(origin: { format: string; producer: string }): string {
  return origin.format === 'onnx' ? origin.producer : `${formatName(origin.format)}, written by ${origin.producer}`;
}

/** An imported model's format in words ("Keras HDF5"); unknown formats as given. */
export function formatName(format: string): string {
  return FORMAT_NAMES[format] ?? format;
}

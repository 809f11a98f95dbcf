/**
 * The files of a pretrained base, recognized by content (never by extension), read and checked
 * before tfjs sees them, so every problem is a sentence naming the file. Also the digest that
 * keys the training cache on the base's exact bytes.
 *
 *   HDF5 or zip   a Keras model (.h5/.hdf5, .keras): read and converted by src/import
 *                 (`readModelFile`), whose messages pass through unchanged
 *   anything else a tfjs layers model: model.json and the weight files its manifest lists
 *                 (float32 or the converter's uint8/uint16/float16 quantization, which tfjs
 *                 decodes), handed to tfjs as saved, so every class tfjs itself reads loads
 *
 * tfjs files keep their own reader rather than src/import's: their topology is already in the
 * form tfjs reads, and src/import converts only the Keras classes it knows (no GaussianNoise,
 * ELU alpha, …), which would narrow what a base may contain. Both digests are the same thing:
 * sha256 over the file's bytes, for tfjs model.json then its weight files in manifest order
 * (`ImportedModel.sha256`).
 *
 * Disk access goes through `PretrainedFs` (node:fs by default) so tests can inject failures.
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { readModelFile, type ImportFs } from '../import/index.ts';
import { sniffFormat } from '../import/sniff.ts';
import { UserError } from '../lib/errors.ts';
import type { ModelArtifacts } from './deserialize.ts';
import { messages } from './messages.ts';

/** The one disk operation needed. */
export interface PretrainedFs {
  readFile(path: string): Promise<Buffer>;
}

const nodeFs: PretrainedFs = { readFile: (path) => readFile(path) };

/** A base's files, checked against each other, as tfjs loads them. */
export interface PretrainedFiles {
  /** Absolute path of the file (model.json for tfjs). */
  path: string;
  /** How the file was recognized. */
  format: 'tfjs-layers' | 'keras-h5' | 'keras-zip' | 'onnx';
  /** The topology (model.json's `modelTopology`; for Keras files src/import's Keras-2 form) and the weights in manifest order. */
  artifacts: ModelArtifacts;
  /** sha256 (hex) of the file's bytes; for tfjs, of model.json followed by its weight files in manifest order. */
  sha256: string;
}

interface ManifestGroup {
  paths: string[];
  weights: tf.io.WeightsManifestEntry[];
}

const BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2 };

/** Bytes one weight occupies in its file (quantized weights store their quantized type). */
function byteSize(path: string, w: tf.io.WeightsManifestEntry): number {
  const dtype = w.quantization?.dtype ?? w.dtype;
  const size = BYTES[dtype];
  if (size === undefined) throw new UserError(messages.unsupportedWeights(path, w.name, dtype));
  return size * w.shape.reduce((a, b) => a * b, 1);
}

async function read(fs: PretrainedFs, file: string, missing: () => string): Promise<Buffer> {
  try {
    return await fs.readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR') throw new UserError(missing());
    throw error;
  }
}

/** model.json → its topology and manifest, or a UserError saying what kind of file it is instead. */
function parseModelJson(path: string, bytes: Buffer): { modelTopology: object; manifest: ManifestGroup[] } {
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new UserError(messages.notJson(path, (error as Error).message));
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new UserError(messages.notLayersModel(path));
  const topology = json['modelTopology'] as Record<string, unknown> | undefined;
  if (json['format'] === 'graph-model' || (topology && 'node' in topology)) throw new UserError(messages.graphModel(path));
  const config = (topology?.['model_config'] ?? topology) as Record<string, unknown> | undefined;
  if (!config || typeof config !== 'object' || typeof config['class_name'] !== 'string') throw new UserError(messages.notLayersModel(path));
  const manifest = (json['weightsManifest'] ?? []) as ManifestGroup[];
  if (!Array.isArray(manifest) || manifest.some((g) => !Array.isArray(g?.paths) || !Array.isArray(g?.weights))) throw new UserError(messages.notLayersModel(path));
  return { modelTopology: topology!, manifest };
}

/** model.json (already read) and its weight files → the files tfjs loads. */
async function readTfjs(path: string, modelJson: Buffer, fs: PretrainedFs): Promise<PretrainedFiles> {
  const { modelTopology, manifest } = parseModelJson(path, modelJson);
  const weightFiles: Buffer[] = [];
  const weightSpecs: tf.io.WeightsManifestEntry[] = [];
  for (const group of manifest) {
    const files = [];
    for (const name of group.paths) files.push(await read(fs, resolve(dirname(path), name), () => messages.missingWeightFile(path, name)));
    // tfjs decodes a group's weights from its files laid end to end: sizes must agree exactly.
    const expected = group.weights.reduce((sum, w) => sum + byteSize(path, w), 0);
    const actual = files.reduce((sum, f) => sum + f.length, 0);
    if (expected !== actual) throw new UserError(messages.weightFileSize(path, group.paths, expected, actual));
    weightFiles.push(...files);
    weightSpecs.push(...group.weights);
  }
  const all = Buffer.concat(weightFiles);
  const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength) as ArrayBuffer;
  const hash = createHash('sha256');
  for (const bytes of [modelJson, ...weightFiles]) hash.update(bytes);
  return { path, format: 'tfjs-layers', artifacts: { modelTopology, weightSpecs, weightData }, sha256: hash.digest('hex') };
}

/**
 * The artifacts with only the weights of the named layers (a weight is named
 * `<layer>/<weight>`), for a base cut before loading: tfjs refuses weights without a layer.
 */
export function selectWeights(path: string, artifacts: ModelArtifacts, layers: ReadonlySet<string>): ModelArtifacts {
  const weightSpecs: tf.io.WeightsManifestEntry[] = [];
  const parts: Uint8Array[] = [];
  let offset = 0;
  for (const spec of artifacts.weightSpecs) {
    const size = byteSize(path, spec);
    if (layers.has(spec.name.slice(0, spec.name.lastIndexOf('/')))) {
      weightSpecs.push(spec);
      parts.push(new Uint8Array(artifacts.weightData, offset, size));
    }
    offset += size;
  }
  const all = Buffer.concat(parts);
  return { ...artifacts, weightSpecs, weightData: all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength) as ArrayBuffer };
}

/** src/import's disk access for the one file already read (a Keras file is a single file). */
/** The base's bytes as already read; other files (an ONNX model's external weights) from disk. */
function importFs(path: string, bytes: Buffer, fs: PretrainedFs): ImportFs {
  return {
    stat: (p) => (p === path ? Promise.resolve({ size: bytes.length, isDirectory: () => false }) : stat(p)),
    readFile: (p) => (p === path ? Promise.resolve(bytes) : fs.readFile(p)),
  };
}

/**
 * Read and check the base at `path` (absolute): a Keras HDF5 or zip file, an ONNX file (with its
 * external data; `imageSize` resolves open height/width), or a tfjs model.json and every weight
 * file it lists.
 */
export async function readPretrained(path: string, fs: PretrainedFs = nodeFs, imageSize?: [number, number]): Promise<PretrainedFiles> {
  const bytes = await read(fs, path, () => messages.missingModel(path));
  const format = sniffFormat(bytes);
  // Anything that is not HDF5, zip or ONNX is read as model.json, whose messages say what it is instead.
  if (format !== 'keras-h5' && format !== 'keras-zip' && format !== 'onnx') return readTfjs(path, bytes, fs);
  const imported = await readModelFile(path, importFs(resolve(path), bytes, fs), imageSize ? { imageSize } : {});
  return { path: imported.path, format, artifacts: imported.artifacts, sha256: imported.sha256 };
}

/**
 * sha256 (hex) of the base's bytes (`PretrainedFiles.sha256`), so the training cache key
 * changes whenever any byte of the base does. Reads and checks the files like
 * `readPretrained`, so a broken base is reported here already.
 */
export async function pretrainedDigest(path: string, fs: PretrainedFs = nodeFs, imageSize?: [number, number]): Promise<string> {
  return (await readPretrained(path, fs, imageSize)).sha256;
}

/**
 * The files of a pretrained base: model.json and the weight files its manifest lists, read and
 * checked before tfjs sees them, so every problem is a sentence naming the file. Also the
 * digest that keys the training cache on the base's exact bytes.
 *
 * Disk access goes through `PretrainedFs` (node:fs by default) so tests can inject failures.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { UserError } from '../lib/errors.ts';
import { messages } from './messages.ts';

/** The one disk operation needed. */
export interface PretrainedFs {
  readFile(path: string): Promise<Buffer>;
}

const nodeFs: PretrainedFs = { readFile: (path) => readFile(path) };

/** A base's files, checked against each other. */
export interface PretrainedFiles {
  /** Absolute path of model.json. */
  path: string;
  modelJson: Buffer;
  /** The Keras model configuration (model.json's `modelTopology`). */
  modelTopology: object;
  weightSpecs: tf.io.WeightsManifestEntry[];
  /** Every weight file's bytes, concatenated in manifest order. */
  weightData: ArrayBuffer;
  /** The weight files as listed in the manifest, with their bytes. */
  weightFiles: { name: string; bytes: Buffer }[];
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

/** Read and check model.json at `path` (absolute) and every weight file it lists. */
export async function readPretrained(path: string, fs: PretrainedFs = nodeFs): Promise<PretrainedFiles> {
  const modelJson = await read(fs, path, () => messages.missingModel(path));
  const { modelTopology, manifest } = parseModelJson(path, modelJson);
  const weightFiles: PretrainedFiles['weightFiles'] = [];
  const weightSpecs: tf.io.WeightsManifestEntry[] = [];
  for (const group of manifest) {
    const files = [];
    for (const name of group.paths) {
      const bytes = await read(fs, resolve(dirname(path), name), () => messages.missingWeightFile(path, name));
      files.push({ name, bytes });
    }
    // tfjs decodes a group's weights from its files laid end to end: sizes must agree exactly.
    const expected = group.weights.reduce((sum, w) => sum + byteSize(path, w), 0);
    const actual = files.reduce((sum, f) => sum + f.bytes.length, 0);
    if (expected !== actual) throw new UserError(messages.weightFileSize(path, group.paths, expected, actual));
    weightFiles.push(...files);
    weightSpecs.push(...group.weights);
  }
  const all = Buffer.concat(weightFiles.map((f) => f.bytes));
  const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength) as ArrayBuffer;
  return { path, modelJson, modelTopology, weightSpecs, weightData, weightFiles };
}

/**
 * sha256 (hex) over model.json and its weight files, each with its name and length, so the
 * training cache key changes whenever any byte of the base does. Reads and checks the files
 * like `readPretrained`, so a broken base is reported here already.
 */
export async function pretrainedDigest(path: string, fs: PretrainedFs = nodeFs): Promise<string> {
  const files = await readPretrained(path, fs);
  const hash = createHash('sha256');
  for (const { name, bytes } of [{ name: 'model.json', bytes: files.modelJson }, ...files.weightFiles]) {
    hash.update(`${name}\0${bytes.length}\0`);
    hash.update(bytes);
  }
  return hash.digest('hex');
}

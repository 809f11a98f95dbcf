/**
 * A TensorFlow.js layers model: model.json and the weight files its manifest lists (float32 or
 * the converter's uint8/uint16/float16 quantization, dequantized here without tfjs).
 */
import { dirname, relative, resolve, isAbsolute } from 'node:path';
import { UserError } from '../lib/errors.ts';
import { dequantize, STORED_BYTES, type Quantization } from './dequantize.ts';
import { readChecked, type ImportFs } from './files.ts';
import type { Json } from './keras-config.ts';
import { messages } from './messages.ts';
import type { StoredWeight, WeightSource } from './weights.ts';

interface ManifestEntry {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: Quantization;
}

/** What the other stages need from a model.json. */
export interface TfjsLayersFile {
  modelConfig: Json;
  producer: string;
  /** Keras version the topology was written by (decides Keras 3 defaults). */
  kerasVersion: string | undefined;
  /** model.json then every weight file, in manifest order. */
  files: Buffer[];
  source: WeightSource;
}

const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Parse model.json (already read) and read its weight files. */
export async function readTfjsLayers(path: string, modelJson: Buffer, fs: ImportFs): Promise<TfjsLayersFile> {
  let json: unknown;
  try {
    json = JSON.parse(modelJson.toString('utf8').replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new UserError(messages.notJson(path, (error as Error).message));
  }
  if (!isObject(json)) throw new UserError(messages.notLayersModel(path));
  const topology = json['modelTopology'];
  if (json['format'] === 'graph-model' || (isObject(topology) && 'node' in topology)) throw new UserError(messages.graphModel(path));
  const config = isObject(topology) ? (isObject(topology['model_config']) ? topology['model_config'] : topology) : undefined;
  if (!config || typeof config['class_name'] !== 'string') throw new UserError(messages.notLayersModel(path));
  const manifest = json['weightsManifest'] ?? [];
  if (!Array.isArray(manifest) || manifest.some((g) => !isObject(g) || !Array.isArray(g['paths']) || !Array.isArray(g['weights'])))
    throw new UserError(messages.notLayersModel(path));

  const files: Buffer[] = [modelJson];
  const byName = new Map<string, StoredWeight>();
  const folder = dirname(path);
  for (const group of manifest as { paths: string[]; weights: ManifestEntry[] }[]) {
    const shards: Buffer[] = [];
    for (const shard of group.paths) {
      const file = resolve(folder, shard);
      const rel = relative(folder, file);
      if (rel.startsWith('..') || isAbsolute(rel)) throw new UserError(messages.shardOutside(path, shard));
      shards.push(await readChecked(fs, file, () => messages.missingShard(path, shard)));
    }
    // tfjs reads a group's weights from its files laid end to end: sizes must agree exactly.
    let expected = 0;
    for (const w of group.weights) {
      const stored = w.quantization?.dtype ?? w.dtype;
      if (STORED_BYTES[stored] === undefined || w.dtype !== 'float32') throw new UserError(messages.unsupportedWeightType(path, w.name, stored));
      expected += STORED_BYTES[stored]! * w.shape.reduce((a, b) => a * b, 1);
    }
    const data = Buffer.concat(shards);
    if (data.length !== expected) throw new UserError(messages.shardSize(path, group.paths, expected, data.length));
    let offset = 0;
    for (const w of group.weights) {
      const count = w.shape.reduce((a, b) => a * b, 1);
      const at = offset;
      byName.set(w.name, {
        name: w.name,
        shape: w.shape,
        read: () => {
          const values = dequantize(data, at, count, w.quantization);
          if (!values) throw new UserError(messages.badQuantization(path, w.name));
          return values;
        },
      });
      offset += STORED_BYTES[w.quantization?.dtype ?? w.dtype]! * count;
    }
    files.push(...shards);
  }
  const source: WeightSource = {
    find: (layer) => {
      const own = layer.path[layer.path.length - 1]!;
      return { named: layer.expected.map((w) => byName.get(`${own}/${w.name}`)) };
    },
  };
  const producer = typeof json['convertedBy'] === 'string' && json['convertedBy'] ? json['convertedBy'] : typeof json['generatedBy'] === 'string' ? json['generatedBy'] : 'TensorFlow.js';
  const kerasVersion = isObject(topology) && typeof topology['keras_version'] === 'string' ? topology['keras_version'] : undefined;
  return { modelConfig: config, producer, kerasVersion, files, source };
}

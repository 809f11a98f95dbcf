/**
 * Model import: a model file trained elsewhere → a tfjs LayersModel with convlens's classes.
 *
 *   path ─▶ 1 read + sniff (sniff.ts)          bytes → 'tfjs-layers' | 'keras-h5' | 'keras-zip' | 'onnx'
 *        ─▶ 2 format reader                    tfjs-layers.ts | keras-h5.ts | keras-zip.ts
 *                                              (ONNX: onnx/read.ts does 2–5 its own way → ImportedModel)
 *                                              → Keras config (any version) + a WeightSource
 *        ─▶ 3 parse (keras-config.ts)          config → RawModel (one graph form for Keras 1–3)
 *        ─▶ 4 convert (convert.ts, layers.ts)  → Keras-2 topology tfjs reads, shapes, weights needed
 *        ─▶ 5 weights (weights.ts)             every weight found, shape-checked, packed as float32
 *   = ImportedModel (no tfjs backend used: `convlens check` runs steps 1–5)
 *        ─▶ instantiateModel                   loadConvlensModel, after checking every weight
 *                                              against the built model's own
 */
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { UserError } from '../lib/errors.ts';
import type { ModelArtifacts } from '../model/deserialize.ts';
import { convertModel } from './convert.ts';
import { nodeFs, readChecked, type ImportFs } from './files.ts';
import { parseModel, type Json } from './keras-config.ts';
import { messages } from './messages.ts';
import { sniffFormat, type ModelFormat } from './sniff.ts';
import { readTfjsLayers } from './tfjs-layers.ts';
import { assembleWeights, type WeightSource } from './weights.ts';

export type { ModelFormat } from './sniff.ts';
export type { ImportFs } from './files.ts';

/** How to read a model file. */
export interface ReadOptions {
  /** The dataset's [height, width]; used where the file leaves the image size open (ONNX dynamic axes). */
  imageSize?: [number, number];
}

/** A model file read, converted and checked; ready for `instantiateModel`. */
export interface ImportedModel {
  /** Absolute path of the file (model.json for tfjs). */
  path: string;
  format: ModelFormat;
  /** Who wrote it: 'Keras 2.4.0', 'tf.keras 2.13.1', 'Keras 3.15.0', 'TensorFlow.js Converter v2.7.0', 'PyTorch 1.13.1 (ONNX opset 17)'. */
  producer: string;
  /** sha256 (hex) of the file's bytes; for tfjs, of model.json followed by its weight files in manifest order; for ONNX, of the .onnx file followed by its external data files in the order the graph first names them. */
  sha256: string;
  /** Keras-2 topology + float32 weights, as `loadConvlensModel` takes them. */
  artifacts: ModelArtifacts;
  /** Keras class names of the layers (nested models' too), first-seen order. */
  layerClasses: string[];
  /** Input [height, width, channels]; a dimension the model leaves open is null. */
  inputShape: (number | null)[];
  /** Output shape without the batch axis (for a classifier: [classes]); open dimensions null. */
  outputShape: (number | null)[];
  /** ONNX only: each ONNX tensor name → the layer whose output holds it (NHWC where ONNX is NCHW). */
  tensorLayers?: Record<string, string>;
}

/** What a format reader hands on. */
export interface FormatRead {
  modelConfig: Json;
  producer: string;
  keras3: boolean;
  /** Bytes the digest covers, in order. */
  files: Buffer[];
  source: WeightSource;
  /** Frees what the reader holds open (the HDF5 file). */
  close?: () => void;
}

async function readFormat(path: string, format: Exclude<ModelFormat, 'onnx'>, bytes: Buffer, fs: ImportFs): Promise<FormatRead> {
  if (format === 'tfjs-layers') {
    const file = await readTfjsLayers(path, bytes, fs);
    return { ...file, keras3: (file.kerasVersion ?? '').startsWith('3.') };
  }
  if (format === 'keras-h5') {
    const { readKerasH5 } = await import('./keras-h5.ts');
    return readKerasH5(path, bytes);
  }
  const { readKerasZip } = await import('./keras-zip.ts');
  return readKerasZip(path, bytes);
}

/** Read the model file at `path` (made absolute), convert it and check its weights, without tfjs. */
export async function readModelFile(path: string, fs: ImportFs = nodeFs, options: ReadOptions = {}): Promise<ImportedModel> {
  const absolute = resolve(path);
  const bytes = await readChecked(fs, absolute, () => messages.missingFile(absolute));
  const format = sniffFormat(bytes);
  if (!format) throw new UserError(messages.unknownFormat(absolute));
  if (format === 'onnx') {
    const { readOnnx } = await import('./onnx/read.ts');
    return readOnnx(absolute, bytes, fs, options);
  }
  const read = await readFormat(absolute, format, bytes, fs);
  try {
    const raw = parseModel(absolute, read.modelConfig);
    const converted = convertModel({ path: absolute, keras3: read.keras3 }, raw);
    if (converted.inputs.length !== 1) throw new UserError(messages.multipleInputs(absolute, converted.inputs.length));
    const inputShape = converted.inputs[0]!;
    if (inputShape.length !== 3) throw new UserError(messages.notImage(absolute, inputShape));
    const { weightSpecs, weightData } = assembleWeights(absolute, converted.weighted, read.source);
    const hash = createHash('sha256');
    for (const file of read.files) hash.update(file);
    return {
      path: absolute,
      format,
      producer: read.producer,
      sha256: hash.digest('hex'),
      artifacts: { modelTopology: { model_config: converted.topology }, weightSpecs, weightData },
      layerClasses: converted.classes,
      inputShape,
      outputShape: converted.outputs[0]!,
    };
  } finally {
    read.close?.();
  }
}

/**
 * Build the imported model with convlens's layer classes (tfjs needed from here on). Every
 * weight of the built model is checked against the imported ones by name and shape first, so a
 * mismatch is a sentence naming the file, not a tfjs assertion.
 */
export async function instantiateModel(imported: ImportedModel): Promise<tf.LayersModel> {
  const { instantiate } = await import('./instantiate.ts');
  return instantiate(imported);
}

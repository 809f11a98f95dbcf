/**
 * An .onnx file → ImportedModel, the same form the Keras readers produce.
 *
 *   1 decode       protobufjs with the official schema (proto.ts); truncated → message
 *   2 external     external data files read, inside the model's folder only (tensors.ts)
 *   3 convert      graph walk (graph.ts) → Keras-2 functional topology + float32 weights
 *   4 describe     producer "PyTorch 1.13.1 (ONNX opset 17)"; sha256 over the .onnx bytes
 *                  followed by each external data file's, in the order the graph first names them
 */
import { createHash } from 'node:crypto';
import type * as tf from '@tensorflow/tfjs';
import { UserError } from '../../lib/errors.ts';
import type { ImportFs } from '../files.ts';
import type { ImportedModel } from '../index.ts';
import { messages } from '../messages.ts';
import { convertGraph } from './graph.ts';
import { decodeModel, opsetOf } from './proto.ts';
import { readExternalFiles } from './tensors.ts';

/** Options for reading an ONNX file. */
export interface OnnxOptions {
  /** The dataset's [height, width]: fills an input whose height/width the file leaves symbolic. */
  imageSize?: [number, number];
}

/** Lowest default-domain opset convlens reads (attribute forms change below it). */
export const MIN_OPSET = 9;

const PRODUCERS: Record<string, string> = { pytorch: 'PyTorch', 'tf2onnx': 'tf2onnx', 'keras2onnx': 'keras2onnx', skl2onnx: 'skl2onnx' };

/** "PyTorch 1.13.1 (ONNX opset 17)" from the ModelProto's producer fields. */
export function producerText(name: string, version: string, opset: number): string {
  const who = [PRODUCERS[name.toLowerCase()] ?? name, version].filter(Boolean).join(' ');
  return who ? `${who} (ONNX opset ${opset})` : `ONNX opset ${opset}`;
}

/** Read, convert and describe the ONNX model in `bytes` (read from absolute `path`). */
export async function readOnnx(path: string, bytes: Buffer, fs: ImportFs, options: OnnxOptions = {}): Promise<ImportedModel> {
  const model = decodeModel(path, bytes);
  const graph = model.graph!;
  const opset = opsetOf(model);
  if (opset === undefined || opset < MIN_OPSET) throw new UserError(messages.onnxOpset(path, opset));
  const { files, order } = await readExternalFiles(path, graph, fs);
  const converted = convertGraph({ path, opset, files, imageSize: options.imageSize }, graph);
  const hash = createHash('sha256');
  hash.update(bytes);
  for (const file of order) hash.update(file);
  const total = converted.weights.reduce((n, w) => n + w.data.length, 0);
  const data = new Float32Array(total);
  let offset = 0;
  for (const w of converted.weights) {
    data.set(w.data, offset);
    offset += w.data.length;
  }
  const weightSpecs: tf.io.WeightsManifestEntry[] = converted.weights.map((w) => ({ name: w.name, shape: w.shape, dtype: 'float32' }));
  return {
    path,
    format: 'onnx',
    producer: producerText(model.producer_name ?? '', model.producer_version ?? '', opset),
    sha256: hash.digest('hex'),
    artifacts: { modelTopology: { model_config: converted.topology }, weightSpecs, weightData: data.buffer },
    layerClasses: converted.classes,
    inputShape: converted.inputShape,
    outputShape: converted.outputShape,
    tensorLayers: converted.tensorLayers,
  };
}

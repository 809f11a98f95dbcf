/**
 * The layer summary table (name, type, output shape, params, inbound layers) and parameter
 * totals, as plain data for the report. Trainable vs non-trainable follows Keras: batch-norm
 * moving statistics and the weights of frozen layers are non-trainable.
 */
import type * as tf from '@tensorflow/tfjs';
import { SeededDropout } from './layers/seeded-dropout.ts';

/** One row of the layer table. */
export interface LayerRow {
  name: string;
  type: string;
  outputShape: string;
  params: number;
  /** Names of the layers this one reads, in input order (Keras's "connected to"); empty for the input. */
  connectedTo: string[];
  /** False for a frozen layer (a pretrained base's). */
  trainable: boolean;
}

/** The layer table and the parameter totals. */
export interface ModelSummary {
  layers: LayerRow[];
  params: { total: number; trainable: number; nonTrainable: number };
  /** True when every layer reads just the one listed before it: the report can draw a plain column. */
  chain: boolean;
}

function shapeText(shape: unknown): string {
  const one = Array.isArray(shape) && Array.isArray(shape[0]) ? shape[0] : shape;
  return `(${(one as (number | null)[]).map((d) => (d == null ? 'None' : String(d))).join(', ')})`;
}

function count(weights: tf.LayerVariable[]): number {
  return weights.reduce((sum, w) => sum + w.shape.reduce((a: number, b) => a * (b ?? 1), 1), 0);
}

/** The class name, except that spatial dropout (saved as a Dropout with a noise shape) says what it is. */
function typeOf(layer: tf.layers.Layer): string {
  return layer instanceof SeededDropout && layer.spatial ? 'SpatialDropout2D' : layer.getClassName();
}

/** Summarize a built model. */
export function summarizeModel(model: tf.LayersModel): ModelSummary {
  // A layer may have been applied in other graphs too (a pretrained base's original model):
  // only the nodes of this model count.
  const nodes = new Set(Object.values(model.nodesByDepth).flat());
  const layers = model.layers.map((layer) => ({
    name: layer.name,
    type: typeOf(layer),
    outputShape: shapeText(layer.outputShape),
    params: layer.countParams(),
    connectedTo: layer.inboundNodes.filter((n) => nodes.has(n)).flatMap((n) => n.inboundLayers.map((l) => l.name)),
    trainable: layer.trainable,
  }));
  const chain = layers.every((row, i) => (i === 0 ? row.connectedTo.length === 0 : row.connectedTo.length === 1 && row.connectedTo[0] === layers[i - 1]!.name));
  const trainable = count(model.trainableWeights);
  const nonTrainable = count(model.nonTrainableWeights);
  return { layers, params: { total: trainable + nonTrainable, trainable, nonTrainable }, chain };
}

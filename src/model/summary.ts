/**
 * The layer summary table (name, type, output shape, params) and parameter totals, as plain
 * data for the report. Trainable vs non-trainable follows Keras: batch-norm moving statistics
 * are non-trainable.
 */
import type * as tf from '@tensorflow/tfjs';

export interface LayerRow {
  name: string;
  type: string;
  outputShape: string;
  params: number;
}

export interface ModelSummary {
  layers: LayerRow[];
  params: { total: number; trainable: number; nonTrainable: number };
}

function shapeText(shape: unknown): string {
  const one = Array.isArray(shape) && Array.isArray(shape[0]) ? shape[0] : shape;
  return `(${(one as (number | null)[]).map((d) => (d == null ? 'None' : String(d))).join(', ')})`;
}

function count(weights: tf.LayerVariable[]): number {
  return weights.reduce((sum, w) => sum + w.shape.reduce((a: number, b) => a * (b ?? 1), 1), 0);
}

/** Summarize a built model. */
export function summarizeModel(model: tf.LayersModel): ModelSummary {
  const layers = model.layers.map((layer) => ({
    name: layer.name,
    type: layer.getClassName(),
    outputShape: shapeText(layer.outputShape),
    params: layer.countParams(),
  }));
  const trainable = count(model.trainableWeights);
  const nonTrainable = count(model.nonTrainableWeights);
  return { layers, params: { total: trainable + nonTrainable, trainable, nonTrainable } };
}

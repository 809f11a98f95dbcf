/**
 * Test-set evaluation: probabilities + labels → the metrics published as `metrics.json`.
 * Pure; shapes follow the contract in EXPERIMENT.md ("Published outputs").
 */
import { accuracy, argmaxRows, confusionMatrix, crossEntropy, topKAccuracy } from './metrics/classification.ts';

export interface Metrics {
  accuracy: number;
  loss: number;
  top_k_accuracy: Record<string, number>;
  classes: string[];
  confusion_matrix: number[][];
  /** Test images evaluated. */
  count: number;
}

/** Evaluate row-major probabilities [n × classes.length] against labels. */
export function evaluate(probs: Float32Array, labels: ArrayLike<number>, classes: string[]): Metrics {
  const k = classes.length;
  const predicted = argmaxRows(probs, k);
  const topK = Math.min(3, k);
  return {
    accuracy: accuracy(predicted, labels),
    loss: crossEntropy(probs, labels, k),
    top_k_accuracy: { [String(topK)]: topKAccuracy(probs, labels, k, topK) },
    classes,
    confusion_matrix: confusionMatrix(labels, predicted, k),
    count: labels.length,
  };
}

/** predictions.csv rows: index, true class, predicted class, then one probability per class. */
export function predictionRows(probs: Float32Array, labels: ArrayLike<number>, classes: string[]): { header: string[]; rows: (string | number)[][] } {
  const k = classes.length;
  const predicted = argmaxRows(probs, k);
  const header = ['index', 'true', 'predicted', ...classes.map((c) => `p_${c}`)];
  const rows: (string | number)[][] = [];
  for (let i = 0; i < labels.length; i++) {
    const row: (string | number)[] = [i, classes[labels[i]!]!, classes[predicted[i]!]!];
    for (let j = 0; j < k; j++) row.push(Number(probs[i * k + j]!.toPrecision(6)));
    rows.push(row);
  }
  return { header, rows };
}

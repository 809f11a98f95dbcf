/**
 * Every user-facing sentence of the metrics: input errors (thrown by `evaluate`) and the notes it
 * returns when a metric is undefined or degenerate for a legal test set.
 */

export const messages = {
  noRows: () => 'The test set is empty, so there is nothing to evaluate. Give the experiment at least one test image (data.limit.test, or the test split).',
  shape: (values: number, labels: number, classes: number) =>
    `The model returned ${values} probabilities for ${labels} test labels and ${classes} classes; evaluation needs exactly one row of ${classes} probabilities per label (${labels * classes}).`,
  badLabel: (index: number, label: number, classes: number) =>
    `Test label ${index} is ${label}, but labels must be class indices 0–${classes - 1}. The dataset and its class list disagree.`,
  badProbability: (index: number, value: number) =>
    `Probability ${index} of the test predictions is ${value}; every probability must be a finite number. The model's output is broken (check the last layer and the training loss).`,
  duplicateClass: (name: string) => `The class name "${name}" appears twice; metrics.json keys per-class results by name, so class names must be unique.`,
  badOption: (name: string, value: number) => `evaluate: ${name} must be a positive integer, got ${value}.`,
  absentClass: (name: string) =>
    `Class "${name}" has no test images: its recall and F1 are 0 (scikit-learn's zero_division), its ROC AUC is undefined (null in metrics.json), and so is the macro ROC AUC; its average precision is 0.`,
  neverPredicted: (name: string) => `Class "${name}" is never predicted on the test set: its precision is 0 (scikit-learn's zero_division).`,
  topKCoversAll: (k: number, classes: number) =>
    `Top-${k} accuracy is 1 by definition with ${classes} classes (k ≥ the number of classes); scikit-learn calls such a score meaningless.`,
};

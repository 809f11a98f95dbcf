/**
 * Per-class loss weights (train.classWeights) resolved against the dataset's classes. Pure.
 *
 * `balanced` follows scikit-learn's compute_class_weight('balanced'): n / (classes · count_c)
 * over the training split, so every class contributes equally to the loss. By name, unlisted
 * classes keep weight 1.
 */
import type { TrainSpec } from '../config/spec.ts';
import { didYouMean } from '../config/did-you-mean.ts';
import { UserError } from '../lib/errors.ts';

/** One weight per class index, or undefined when the experiment sets none. */
export function resolveClassWeights(spec: TrainSpec['classWeights'], classes: readonly string[], trainLabels: ArrayLike<number>, file: string): Float32Array | undefined {
  if (!spec) return undefined;
  const weights = new Float32Array(classes.length).fill(1);
  if (spec.type === 'balanced') {
    const counts = new Float64Array(classes.length);
    for (let i = 0; i < trainLabels.length; i++) counts[trainLabels[i]!]! += 1;
    const missing = classes.filter((_, c) => counts[c] === 0);
    if (missing.length > 0) {
      throw new UserError(
        `${file}: train.classWeights: balanced weights divide by each class's number of training images, but ${missing.map((m) => `"${m}"`).join(', ')} ` +
          `${missing.length === 1 ? 'has' : 'have'} none. Raise data.limit.train, or give the weights by class name.`,
      );
    }
    for (let c = 0; c < classes.length; c++) weights[c] = trainLabels.length / (classes.length * counts[c]!);
    return weights;
  }
  for (const [name, weight] of Object.entries(spec.weights)) {
    const c = classes.indexOf(name);
    if (c < 0) {
      const suggestion = didYouMean(name, classes);
      throw new UserError(
        `${file}: train.classWeights: the dataset has no class "${name}"${suggestion ? `; did you mean "${suggestion}"?` : '.'} ` +
          `Its classes are ${classes.map((k) => `"${k}"`).join(', ')}.`,
      );
    }
    weights[c] = weight;
  }
  return weights;
}

/**
 * An imported model made to fit the report: checked against the dataset (one image input of the
 * dataset's size, one output of one score per class), then given stock layers on top so that
 * it outputs the dataset's classes' probabilities in the dataset's order:
 *
 *   logits        → Activation(softmax)          (`model.output: logits`)
 *   another order → Dense with a 0/1 permutation (`model.classes`), exact: each output is one
 *                   input times 1 plus zeros
 *
 * The result is still a stock tfjs layers model, so the published `model/` loads anywhere.
 */
import * as tf from '@tensorflow/tfjs';
import { basename } from 'node:path';
import { UserError } from '../lib/errors.ts';

/** How the file's output maps onto the dataset. */
export interface AdaptOptions {
  /** The model file, for messages. */
  file: string;
  output: 'probabilities' | 'logits';
  /** The dataset's image shape [h, w, c] and class names. */
  shape: readonly [number, number, number];
  classes: readonly string[];
  /** The model's output order as class names (`model.classes`), when it differs. */
  modelClasses?: readonly string[];
}

const dims = (shape: readonly (number | null)[]) => `[${shape.map((d) => d ?? 'any').join(', ')}]`;

/** Where each model output goes: permutation[j] = dataset index of the model's output j. */
export function classPermutation(file: string, modelClasses: readonly string[], classes: readonly string[]): number[] {
  const name = basename(file);
  const missing = classes.filter((c) => !modelClasses.includes(c));
  const extra = modelClasses.filter((c) => !classes.includes(c));
  const repeated = modelClasses.filter((c, i) => modelClasses.indexOf(c) !== i);
  if (missing.length > 0 || extra.length > 0 || repeated.length > 0) {
    const parts = [
      missing.length > 0 && `missing ${missing.map((c) => `"${c}"`).join(', ')}`,
      extra.length > 0 && `not in the dataset: ${extra.map((c) => `"${c}"`).join(', ')}`,
      repeated.length > 0 && `repeated: ${repeated.map((c) => `"${c}"`).join(', ')}`,
    ].filter(Boolean);
    throw new UserError(
      `model.classes must list each of the dataset's ${classes.length} classes once, in the order of ${name}'s outputs (${parts.join('; ')}). The dataset's classes are: ${classes.join(', ')}.`,
    );
  }
  return modelClasses.map((c) => classes.indexOf(c));
}

/** Check `model` against the dataset; throws a UserError saying what to change. */
export function checkFits(model: tf.LayersModel, options: AdaptOptions): void {
  const name = basename(options.file);
  if (model.inputs.length !== 1) throw new UserError(`${name} has ${model.inputs.length} inputs; convlens reports on models with one image input.`);
  if (model.outputs.length !== 1) throw new UserError(`${name} has ${model.outputs.length} outputs; convlens reports on models with one output of class scores.`);
  const input = model.inputs[0]!.shape;
  const [h, w, c] = options.shape;
  if (input.length !== 4) throw new UserError(`${name} takes inputs of shape ${dims(input)}, not images [batch, height, width, channels]. Import an image classifier.`);
  const [, mh, mw, mc] = input;
  if (mc !== null && mc !== c) {
    throw new UserError(
      `${name} takes ${mc}-channel images, but data.image gives ${c}-channel ones. Set data.image.channels: ${mc}${mc === 3 ? ' (grayscale images are then repeated into RGB)' : ''}.`,
    );
  }
  if ((mh !== null && mh !== h) || (mw !== null && mw !== w)) {
    throw new UserError(`${name} takes ${mh ?? 'any'}×${mw ?? 'any'} images, but the dataset's are ${h}×${w}. Set data.image.size: [${mh ?? h}, ${mw ?? w}] to resize them.`);
  }
  const output = model.outputs[0]!.shape;
  if (output.length !== 2) {
    throw new UserError(`${name}'s output has shape ${dims(output)}, not [batch, classes]. Import a classifier whose last layer gives one score per class (e.g. ends in Dense and softmax).`);
  }
  const k = output[1];
  if (k !== options.classes.length) {
    throw new UserError(
      `${name} outputs ${k} classes, but the dataset has ${options.classes.length} (${options.classes.slice(0, 12).join(', ')}${options.classes.length > 12 ? ', …' : ''}). ` +
        'Use the dataset the model was trained on, or a model trained for these classes.',
    );
  }
}

/**
 * Whether the first rows of `probs` [rows × classes] are probabilities (within [0, 1], summing
 * to 1 within 1e-3); otherwise a UserError suggesting `model.output: logits`.
 */
export function checkProbabilities(file: string, probs: Float32Array, classes: number): void {
  const rows = probs.length / classes;
  for (let r = 0; r < rows; r++) {
    let sum = 0;
    let bad = false;
    for (let k = 0; k < classes; k++) {
      const p = probs[r * classes + k]!;
      if (!(p >= -1e-6 && p <= 1 + 1e-6)) bad = true;
      sum += p;
    }
    if (bad || Math.abs(sum - 1) > 1e-3) {
      throw new UserError(
        `${basename(file)} does not output probabilities: for test image ${r} its outputs sum to ${Number(sum.toPrecision(4))}${bad ? ' and include values outside 0..1' : ''}. ` +
          'If its last layer has no softmax, set model.output: logits (the report then applies softmax).',
      );
    }
  }
}

/** The model with softmax and/or the class permutation appended (the same model when neither is needed). */
export function adaptOutputs(model: tf.LayersModel, options: { output: 'probabilities' | 'logits'; permutation?: readonly number[] }): tf.LayersModel {
  const identity = options.permutation === undefined || options.permutation.every((to, from) => to === from);
  if (options.output === 'probabilities' && identity) return model;
  let top = model.outputs[0]! as tf.SymbolicTensor;
  if (options.output === 'logits') top = tf.layers.activation({ activation: 'softmax', name: 'convlens_softmax' }).apply(top) as tf.SymbolicTensor;
  if (!identity) {
    const k = options.permutation!.length;
    const kernel = new Float32Array(k * k);
    options.permutation!.forEach((to, from) => (kernel[from * k + to] = 1));
    const dense = tf.layers.dense({ units: k, useBias: false, trainable: false, name: 'convlens_class_order' });
    top = dense.apply(top) as tf.SymbolicTensor;
    const weights = tf.tensor2d(kernel, [k, k]);
    dense.setWeights([weights]);
    weights.dispose();
  }
  return tf.model({ inputs: model.inputs, outputs: top, name: model.name });
}

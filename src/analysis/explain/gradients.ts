/**
 * The two gradients every gradient method is built from, for a batch of rows at once:
 *
 * - with respect to the input: d score[row, target[row]] / d x[row];
 * - with respect to a layer's output A: computed in two stages. A is evaluated once; then the
 *   rest of the network is differentiated as a function of A fed in place of the layer's output
 *   (graph.ts feeds). The backward pass never enters the layers before A.
 *
 * Rows are independent in inference mode (batch norm uses its moving statistics, dropout is
 * off), so the gradient of the summed target scores is, row by row, each row's own gradient.
 * Call inside tf.tidy: the returned tensors belong to the caller's scope.
 */
import * as tf from '@tensorflow/tfjs';
import { classScores, Evaluation, targetScoreSum, type LayerPath, type ScoreKind } from './graph.ts';

/** Target classes as an int32 tensor, one per row. */
export function targetTensor(targets: ArrayLike<number>): tf.Tensor1D {
  return tf.tensor1d(Int32Array.from(targets), 'int32');
}

/** d score[i, target_i] / d x[i] for every row i of x. */
export function inputGradient(model: tf.LayersModel, x: tf.Tensor4D, targets: ArrayLike<number>, kind: ScoreKind): tf.Tensor4D {
  const t = targetTensor(targets);
  const f = (input: tf.Tensor) => targetScoreSum(classScores(new Evaluation(model, [input], undefined, true), kind), t);
  return tf.grad(f)(x) as tf.Tensor4D;
}

/** A layer's output A for x, and d score[i, target_i] / d A[i] for every row i. */
export function layerGradient(model: tf.LayersModel, x: tf.Tensor4D, path: LayerPath, targets: ArrayLike<number>, kind: ScoreKind): { activation: tf.Tensor4D; gradient: tf.Tensor4D } {
  const t = targetTensor(targets);
  const activation = new Evaluation(model, [x]).layerOutput(path) as tf.Tensor4D;
  const layer = path[path.length - 1]!;
  const f = (a: tf.Tensor) => targetScoreSum(classScores(new Evaluation(model, [x], new Map([[layer, a]]), true), kind), t);
  const gradient = tf.grad(f)(activation) as tf.Tensor4D;
  return { activation, gradient };
}

/**
 * Optimizers from the experiment spec, with convlens's additions to tfjs's own:
 *
 * - `weightDecay` on sgd/adam/rmsprop adds weightDecay·w to the gradient (L2, as PyTorch's
 *   `weight_decay`); on adamw it shrinks the weights directly, w ← w − lr·weightDecay·w, before
 *   the Adam step (decoupled, as Keras's AdamW). Either way only kernels decay: biases and
 *   batch-norm parameters are not pulled towards zero.
 * - the learning rate can be changed between epochs (schedules), whatever tfjs's class keeps.
 */
import * as tf from '@tensorflow/tfjs';
import type { OptimizerSpec } from '../config/spec.ts';

/** A trainable variable and whether weight decay applies to it. */
export interface Trainable {
  variable: tf.Variable;
  decay: boolean;
}

/** The optimizer of one training phase. */
export interface PhaseOptimizer {
  readonly spec: OptimizerSpec;
  readonly optimizer: tf.Optimizer;
  learningRate: number;
  /** Change the learning rate used by the next `apply`. */
  setLearningRate(lr: number): void;
  /** Apply gradients (keyed by variable name, in `variables` order), with weight decay. */
  apply(grads: tf.NamedTensorMap, variables: Trainable[]): void;
  dispose(): void;
}

/** Kernels (conv, depthwise, pointwise, dense) decay; biases, gammas, betas do not. */
export function decays(variableName: string): boolean {
  const last = variableName.split('/').pop() ?? '';
  return /kernel(_\d+)?$/.test(last);
}

function build(spec: OptimizerSpec, lr: number): tf.Optimizer {
  switch (spec.type) {
    case 'sgd':
      return spec.momentum > 0 ? tf.train.momentum(lr, spec.momentum, spec.nesterov) : tf.train.sgd(lr);
    case 'adam':
    case 'adamw':
      return tf.train.adam(lr, spec.beta1, spec.beta2, spec.epsilon);
    case 'rmsprop':
      return tf.train.rmsprop(lr, spec.rho, spec.momentum, spec.epsilon, spec.centered);
  }
}

/** A fresh optimizer for `spec` at learning rate `lr`. */
export function makeOptimizer(spec: OptimizerSpec, lr: number = spec.learningRate): PhaseOptimizer {
  const optimizer = build(spec, lr);
  const phase: PhaseOptimizer = {
    spec,
    optimizer,
    learningRate: lr,
    setLearningRate(next: number) {
      phase.learningRate = next;
      // SGD (and Momentum, its subclass) caches −lr as a scalar tensor; the others read the field.
      // (tfjs optimizers answer `instanceof` by duck typing, so ask for the method itself.)
      const sgd = optimizer as unknown as { setLearningRate?: (lr: number) => void; learningRate: number };
      if (typeof sgd.setLearningRate === 'function') sgd.setLearningRate(next);
      else sgd.learningRate = next;
    },
    apply(grads, variables) {
      const wd = spec.weightDecay;
      if (wd > 0 && spec.type === 'adamw') {
        const shrink = 1 - phase.learningRate * wd;
        for (const v of variables) if (v.decay) tf.tidy(() => v.variable.assign(tf.mul(v.variable, shrink)));
      }
      if (wd > 0 && spec.type !== 'adamw') {
        const decayed: tf.NamedTensorMap = {};
        for (const v of variables) {
          const g = grads[v.variable.name]!;
          decayed[v.variable.name] = v.decay ? tf.tidy(() => tf.add(g, tf.mul(v.variable, wd))) : g;
        }
        optimizer.applyGradients(decayed);
        for (const v of variables) if (v.decay) decayed[v.variable.name]!.dispose();
      } else {
        optimizer.applyGradients(grads);
      }
    },
    dispose() {
      optimizer.dispose();
    },
  };
  return phase;
}

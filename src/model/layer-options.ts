/**
 * LayerSpec settings → tfjs layer arguments: seeded initializers, regularizers, activations.
 */
import * as tf from '@tensorflow/tfjs';
import type { Activation, Initializer, Regularizer } from '../config/spec.ts';
import { deriveSeed } from '../lib/rng.ts';
import { AlphaElu } from './layers/elu.ts';

type TfInitializer = ReturnType<typeof tf.initializers.glorotUniform>;
type TfRegularizer = ReturnType<typeof tf.regularizers.l1l2>;
/** The activation names tfjs layers accept in `activation:`. */
export type TfActivation = NonNullable<Parameters<typeof tf.layers.activation>[0]['activation']>;

const INITIALIZERS: Record<Initializer, (args: { seed: number }) => TfInitializer> = {
  glorotUniform: tf.initializers.glorotUniform,
  glorotNormal: tf.initializers.glorotNormal,
  heUniform: tf.initializers.heUniform,
  heNormal: tf.initializers.heNormal,
  lecunUniform: tf.initializers.leCunUniform,
  lecunNormal: tf.initializers.leCunNormal,
};

/**
 * A uint32 seed for `purpose` (a layer name, or `<name>/<kernel>`). Never 0: tfjs's normal
 * generators treat a falsy seed as "no seed" and fall back to Math.random.
 */
export function seedFor(seed: number, purpose: string): number {
  return deriveSeed(seed, purpose) || 1;
}

/** The Keras initializer `kind`, seeded from the init seed and `purpose`. */
export function initializer(kind: Initializer, initSeed: number, purpose: string): TfInitializer {
  return INITIALIZERS[kind]({ seed: seedFor(initSeed, purpose) });
}

/** l1·Σ|w| + l2·Σw², or nothing when both are 0 (a zero penalty would only cost time). */
export function regularizer(r: Regularizer | undefined): TfRegularizer | undefined {
  return r && (r.l1 > 0 || r.l2 > 0) ? tf.regularizers.l1l2({ l1: r.l1, l2: r.l2 }) : undefined;
}

/**
 * How an activation is applied after a conv or dense layer: inside it when tfjs knows the
 * name (it can then fuse it), else (`leakyRelu`) as a separate LeakyReLU layer with Keras's
 * default alpha of 0.3.
 */
export function layerActivation(a: Activation): { inside: TfActivation; separate?: 'leakyRelu' } {
  return a === 'leakyRelu' ? { inside: 'linear', separate: 'leakyRelu' } : { inside: a };
}

/** Keras's defaults: LeakyReLU alpha 0.3, ELU alpha 1. */
export const DEFAULT_ALPHA = { leakyRelu: 0.3, elu: 1 } as const;

/**
 * The layer that applies activation `a` on its own: LeakyReLU and ELU carry their alpha
 * (tfjs's own ELU layer accepts only alpha 1, hence AlphaElu), every other activation is an
 * Activation layer.
 */
export function activationLayer(name: string, a: Activation, alpha?: number): tf.layers.Layer {
  if (a === 'leakyRelu') return tf.layers.leakyReLU({ name, alpha: alpha ?? DEFAULT_ALPHA.leakyRelu });
  if (a === 'elu') return new AlphaElu({ name, alpha: alpha ?? DEFAULT_ALPHA.elu });
  return tf.layers.activation({ name, activation: a });
}

/** The activation a built layer applies last, in LayerSpec terms (for the head check). */
export function activationOf(layer: tf.layers.Layer): string | undefined {
  const className = layer.getClassName();
  if (className === 'LeakyReLU') return 'leakyRelu';
  if (className === 'ELU') return 'elu';
  return (layer.getConfig() as { activation?: string }).activation;
}

/**
 * ELU with any alpha: x for x > 0, alpha·(eˣ − 1) otherwise (Keras's ELU layer).
 *
 * tfjs's ELU layer refuses every alpha but 1 ("not supported yet"), also when reading a saved
 * model. This subclass computes any alpha and serializes as Keras does (`ELU` with `alpha`).
 * Stock tfjs can load such a model only when alpha is 1; read it through
 * `model/deserialize.ts` otherwise.
 */
import * as tf from '@tensorflow/tfjs';

type EluArgs = NonNullable<Parameters<typeof tf.layers.elu>[0]>;

// tfjs does not export the class itself; take its constructor from an instance.
const EluBase = tf.layers.elu({}).constructor as new (args?: EluArgs) => tf.layers.Layer;

/** An ELU layer with a free alpha. */
export class AlphaElu extends EluBase {
  static className = 'ELU';

  constructor(args: EluArgs = {}) {
    const { alpha, ...rest } = args;
    super(rest);
    // Read by the stock getConfig, so the saved config carries it.
    (this as unknown as { alpha: number }).alpha = alpha ?? 1;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const alpha = (this as unknown as { alpha: number }).alpha;
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0]! : inputs;
      // relu(x) + alpha·(e^min(x,0) − 1): exact on both sides, and exp never overflows.
      return tf.add(tf.relu(x), tf.mul(alpha, tf.sub(tf.exp(tf.minimum(x, 0)), 1)));
    });
  }
}

/**
 * BatchNormalization that runs in inference mode while frozen, as Keras does.
 *
 * Since TensorFlow 2, a Keras BatchNormalization layer with `trainable = False` normalizes with
 * its moving mean and variance and leaves them untouched, even in a training step: that is what
 * makes fine-tuning a pretrained base work. tfjs-layers ignores `trainable` here: in training it
 * normalizes with the batch statistics and overwrites the moving averages, so a "frozen" base
 * would drift and behave differently at inference. This subclass restores the Keras behaviour
 * and serializes as a plain `BatchNormalization`.
 */
import * as tf from '@tensorflow/tfjs';

type BatchNormArgs = NonNullable<Parameters<typeof tf.layers.batchNormalization>[0]>;

// tfjs does not export the class itself; take its constructor from an instance.
const BatchNormBase = tf.layers.batchNormalization({}).constructor as new (args?: BatchNormArgs) => tf.layers.Layer;

/** A BatchNormalization that uses (and keeps) its moving statistics while `trainable` is false. */
export class FreezableBatchNorm extends BatchNormBase {
  static className = 'BatchNormalization';

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor | tf.Tensor[] {
    return super.call(inputs, this.trainable ? kwargs : { ...kwargs, training: false });
  }
}

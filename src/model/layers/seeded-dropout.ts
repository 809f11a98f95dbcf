/**
 * Dropout whose masks are reproducible yet differ from batch to batch.
 *
 * tfjs's Dropout takes one fixed `seed`, which would draw the same mask for every batch (or,
 * without a seed, draws from Math.random and breaks reproducibility). This subclass draws a
 * fresh seed for each training call from a stream seeded by name, so the same experiment seed
 * gives the same sequence of masks. It serializes as a plain `Dropout`, so saved models load
 * anywhere without convlens.
 */
import * as tf from '@tensorflow/tfjs';
import { deriveSeed } from '../../lib/rng.ts';

type DropoutArgs = Parameters<typeof tf.layers.dropout>[0];
// tfjs does not export the Dropout class itself; take its constructor from an instance.
const DropoutBase = tf.layers.dropout({ rate: 0.5 }).constructor as new (args: DropoutArgs) => tf.layers.Layer;

/** A Dropout layer whose mask is a function of (stream seed, training step, replica). */
export class SeededDropout extends DropoutBase {
  static className = 'Dropout';
  private readonly streamSeed: number;
  private step = 0;
  private replica = 0;

  constructor(args: DropoutArgs & { streamSeed: number }) {
    const { streamSeed, ...rest } = args;
    super(rest);
    this.streamSeed = streamSeed;
  }

  /** Set before each training batch, so a resumed run or a replica draws the masks it should. */
  setStep(step: number, replica = 0): void {
    this.step = step;
    this.replica = replica;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor | tf.Tensor[] {
    if (kwargs['training'] === true) {
      (this as unknown as { seed: number }).seed = deriveSeed(this.streamSeed, `${this.step}:${this.replica}`) & 0x7fffffff;
    }
    return super.call(inputs, kwargs);
  }

  override getConfig(): tf.serialization.ConfigDict {
    const config = super.getConfig();
    delete config['seed'];
    return config;
  }
}

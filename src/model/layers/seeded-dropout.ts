/**
 * Dropout (and 2-D spatial dropout) whose masks are a pure function of
 * (the layer's stream seed, the training step, the replica).
 *
 * tfjs's Dropout takes one fixed `seed`, which would draw the same mask for every batch (or,
 * without a seed, draws from Math.random and breaks reproducibility). Here the training loop
 * sets the step before each batch (`setRandomStep` in model/random-step.ts), so a run resumed
 * at step s draws exactly the masks of an uninterrupted run, and two data-parallel replicas of
 * the same step draw different masks. Until a step is set, each training call counts as the
 * next step (0, 1, 2, …), which gives the same masks as setting them explicitly from 0.
 *
 * Spatial dropout zeroes whole feature maps: it is a Dropout with noise shape
 * [batch, 1, 1, channels] (Keras's SpatialDropout2D). tfjs has only the 1-D version, and a
 * plain Dropout with that `noiseShape` loads in stock tfjs and Keras, so both kinds serialize
 * as `Dropout` (without the seed).
 */
import * as tf from '@tensorflow/tfjs';
import { deriveSeed } from '../../lib/rng.ts';

type DropoutArgs = Parameters<typeof tf.layers.dropout>[0];
// tfjs does not export the Dropout class itself; take its constructor from an instance.
const DropoutBase = tf.layers.dropout({ rate: 0.5 }).constructor as new (args: DropoutArgs) => tf.layers.Layer;

/** The noise shape of spatial dropout on NHWC feature maps: one draw per (image, channel). */
export const SPATIAL_NOISE_SHAPE = [null, 1, 1, null];

/** tfjs's Dropout arguments, plus the stream seed and the spatial switch. */
export interface SeededDropoutArgs extends DropoutArgs {
  /** The layer's stream seed (derived from the experiment's dropout seed and the layer name). */
  streamSeed?: number;
  /** Zero whole channels of a [batch, h, w, c] input instead of single values. */
  spatial?: boolean;
}

/** A Dropout layer whose mask is seeded by (stream seed, step, replica). */
export class SeededDropout extends DropoutBase {
  static className = 'Dropout';
  /** Seeds every mask of this layer; set from the experiment seed and the layer name. */
  streamSeed: number;
  private step: number | undefined;
  private replica = 0;
  private calls = 0;

  constructor(args: SeededDropoutArgs) {
    const { streamSeed, spatial, ...rest } = args;
    // A stored config (a pretrained base) has neither: the builder assigns the stream seed afterwards.
    super(spatial ? { ...rest, noiseShape: SPATIAL_NOISE_SHAPE as number[] } : rest);
    this.streamSeed = streamSeed ?? 0;
  }

  /** Whether this layer drops whole channels (its noise shape is [batch, 1, 1, channels]). */
  get spatial(): boolean {
    const shape = (this as unknown as { noiseShape?: (number | null)[] }).noiseShape;
    return shape !== undefined && shape !== null && shape.length === 4 && shape[1] === 1 && shape[2] === 1;
  }

  /** Use the masks of training step `step` on replica `replica` from now on. */
  setStep(step: number, replica = 0): void {
    this.step = step;
    this.replica = replica;
  }

  /** The seed of the mask for (step, replica). */
  maskSeed(step: number, replica: number): number {
    return deriveSeed(this.streamSeed, `step:${step}:replica:${replica}`);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor | tf.Tensor[] {
    if (kwargs['training'] === true) {
      const step = this.step ?? this.calls;
      this.calls++;
      (this as unknown as { seed: number }).seed = this.maskSeed(step, this.replica);
    }
    return super.call(inputs, kwargs);
  }

  override getConfig(): tf.serialization.ConfigDict {
    const config = super.getConfig();
    delete config['seed'];
    return config;
  }
}

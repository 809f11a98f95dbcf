/**
 * Per-channel standardization (`data.normalize: standardize`): statistics of the training split,
 * then (x − mean_c) / std_c on every batch, training and evaluation alike.
 *
 * The statistics are those of Keras's `featurewise_center` + `featurewise_std_normalization`
 * (`ImageDataGenerator.fit`): mean and population standard deviation (divide by N, not N − 1)
 * over every pixel of every image, per channel, on the rescaled x/255 values. Keras then divides
 * by std + 1e-6; convlens divides by std itself (a relative difference of about 4e-6 at the
 * typical std of 0.25) and handles a constant channel explicitly instead (see `standardize`).
 *
 * Accuracy: pixels are bytes, so the statistics come from a 256-bin histogram per channel.
 * Counting is exact, and the mean and variance are then float64 sums of 256 terms, a two-pass
 * computation with no cancellation, whatever the number of images (CIFAR-10's 50,000 images
 * are 51 million values per channel, where a naive float32 running sum would drift).
 */

/** Per-channel statistics of a split, on the x/255 scale. */
export interface ChannelStats {
  /** mean[c]: mean of channel c. */
  mean: Float64Array;
  /** std[c]: population standard deviation of channel c; 0 for a constant channel. */
  std: Float64Array;
  /** Values per channel the statistics were taken over (images × height × width). */
  count: number;
}

/**
 * Mean and population standard deviation per channel of NHWC `pixels` (uint8, `channels`
 * interleaved; any number of images of any size), on the x/255 scale.
 */
export function channelStats(pixels: Uint8Array, channels: number): ChannelStats {
  if (!Number.isInteger(channels) || channels < 1) throw new RangeError(`channelStats needs a positive whole number of channels; received ${channels}.`);
  if (pixels.length === 0 || pixels.length % channels !== 0) {
    throw new RangeError(`channelStats needs a non-empty run of whole pixels (${channels} values each); received ${pixels.length} values.`);
  }
  const count = pixels.length / channels;
  const mean = new Float64Array(channels);
  const std = new Float64Array(channels);
  const histogram = new Float64Array(256);
  for (let c = 0; c < channels; c++) {
    histogram.fill(0);
    for (let i = c; i < pixels.length; i += channels) histogram[pixels[i]!]!++;
    let sum = 0;
    for (let v = 0; v < 256; v++) sum += histogram[v]! * (v / 255);
    const m = sum / count;
    let squares = 0;
    for (let v = 0; v < 256; v++) {
      const d = v / 255 - m;
      squares += histogram[v]! * d * d;
    }
    mean[c] = m;
    std[c] = Math.sqrt(squares / count);
  }
  return { mean, std, count };
}

/**
 * Standardizes the first `length` values of an NHWC float batch in place: x ← (x − mean_c) / std_c,
 * c = index mod channels. A channel with std 0 (constant over the training split) is only
 * centred, divided by 1: dividing by 0 would turn it into NaN or ±Infinity, and Keras's
 * std + 1e-6 would blow any value that differs on new images up by a million. Returns `batch`.
 */
export function standardize(batch: Float32Array, stats: { mean: ArrayLike<number>; std: ArrayLike<number> }, length: number = batch.length): Float32Array {
  const channels = stats.mean.length;
  if (length > batch.length || length % channels !== 0) {
    throw new RangeError(`standardize needs whole pixels of ${channels} channels within the batch; received length ${length} of ${batch.length}.`);
  }
  for (let c = 0; c < channels; c++) {
    const m = stats.mean[c]!;
    const s = stats.std[c]! > 0 ? stats.std[c]! : 1;
    for (let i = c; i < length; i += channels) batch[i] = (batch[i]! - m) / s;
  }
  return batch;
}

/**
 * Every `data.normalize` form as the one per-channel operation the engine applies after x/255:
 * (x − mean_c)/std_c, or nothing (`rescale`). So imported models' input contracts need no new
 * code path in training, inference or explanations:
 *   none              x            = (x/255 − 0) / (1/255)
 *   { scale, offset } x·a + b      = (x/255 − m) / s  with s = 1/(255·a), m = −b·s
 *   { mean, std }     as written (one value applies to every channel)
 *   standardize       the training split's statistics (`train`)
 */
export function inputNormalization(
  normalize: 'none' | 'rescale' | 'standardize' | { scale: number; offset: number } | { mean: number[]; std: number[] },
  channels: number,
  train: () => ChannelStats,
): { mean: number[]; std: number[] } | undefined {
  const each = (v: number) => Array.from({ length: channels }, () => v);
  const perChannel = (list: number[]) => (list.length === 1 ? each(list[0]!) : [...list]);
  if (normalize === 'rescale') return undefined;
  if (normalize === 'none') return { mean: each(0), std: each(1 / 255) };
  if (normalize === 'standardize') {
    const stats = train();
    return { mean: [...stats.mean], std: [...stats.std] };
  }
  if ('scale' in normalize) {
    const s = 1 / (255 * normalize.scale);
    return { mean: each(-normalize.offset * s), std: each(s) };
  }
  return { mean: perChannel(normalize.mean), std: perChannel(normalize.std) };
}

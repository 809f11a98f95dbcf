/**
 * Dilated ("atrous") convolution through SpaceToBatchND → undilated conv → BatchToSpaceND.
 *
 * tfjs-core computes dilated convolutions forward, but its gradients of conv2d, fused conv2d
 * and depthwiseConv2d assert that every dilation is 1, so a dilated layer cannot train. The
 * rearrangement below is TensorFlow's own (`tf.nn.with_space_to_batch`, used by
 * `atrous_conv2d`): with dilation d, the pixels d apart form d×d interleaved sub-images; moving
 * them into the batch turns the dilated convolution into an ordinary one on each sub-image, and
 * SpaceToBatchND/BatchToSpaceND have gradients (each other) on every backend.
 *
 * Only stride 1: a convolution may step or dilate, not both (as in Keras and tfjs).
 */
import * as tf from '@tensorflow/tfjs';

/** Padding in one spatial dimension: before/after the image, and the extra rows cropped at the end. */
interface AxisPlan {
  before: number;
  after: number;
  /** Padding added only to make the padded size a multiple of the dilation; cropped again afterwards. */
  extra: number;
}

function plan(size: number, kernel: number, dilation: number, padding: 'same' | 'valid'): AxisPlan {
  const effective = (kernel - 1) * dilation + 1;
  // 'same' at stride 1 pads effective−1 in total, the smaller half before (TensorFlow and tfjs alike).
  const total = padding === 'same' ? effective - 1 : 0;
  const before = Math.floor(total / 2);
  const extra = (dilation - ((size + total) % dilation)) % dilation;
  return { before, after: total - before + extra, extra };
}

/**
 * `conv` applied as a dilated convolution of `x` (NHWC): `conv` must compute an undilated,
 * stride-1, 'valid' convolution with a `kernel`-sized window (conv2d or depthwiseConv2d).
 * Equal to `tf.conv2d(x, filter, 1, padding, 'NHWC', dilation)` when `conv` is `tf.conv2d(·, filter, 1, 'valid')`.
 */
export function atrousConv(
  x: tf.Tensor4D,
  kernel: [number, number],
  dilation: [number, number],
  padding: 'same' | 'valid',
  conv: (batched: tf.Tensor4D) => tf.Tensor4D,
): tf.Tensor4D {
  const rows = plan(x.shape[1], kernel[0], dilation[0], padding);
  const cols = plan(x.shape[2], kernel[1], dilation[1], padding);
  return tf.tidy(() => {
    const batched = tf.spaceToBatchND(x, dilation, [
      [rows.before, rows.after],
      [cols.before, cols.after],
    ]);
    return tf.batchToSpaceND(conv(batched), dilation, [
      [0, rows.extra],
      [0, cols.extra],
    ]);
  });
}

/** Output length of a convolution along one axis (tfjs-layers' convOutputLength, including dilation). */
export function convOutputLength(size: number | null, kernel: number, padding: 'same' | 'valid', stride: number, dilation: number): number | null {
  if (size == null) return null;
  const effective = (kernel - 1) * dilation + 1;
  const length = padding === 'same' ? size : size - effective + 1;
  return Math.floor((length + stride - 1) / stride);
}

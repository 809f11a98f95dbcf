/**
 * Conv2D, DepthwiseConv2D and SeparableConv2D that train with dilation > 1.
 *
 * Each computes a dilated convolution through SpaceToBatchND (see atrous.ts), whose gradients
 * tfjs has, instead of the dilated kernels whose gradients tfjs rejects. With dilation 1 they
 * are the stock layers. They serialize under the stock class names with the stock configs, so
 * a saved model loads in plain tfjs or Keras.
 *
 * Two stock defects are fixed on the way:
 * - DepthwiseConv2D ignores `dilationRate` in both `call` and `computeOutputShape` (it always
 *   convolves undilated). A model saved with a dilated depthwise layer therefore computes the
 *   wrong thing when loaded by stock tfjs; load it through `model/deserialize.ts` instead.
 * - SeparableConv2D initializes the pointwise kernel with the *depthwise* initializer; here the
 *   `pointwiseInitializer` given is used.
 * - SeparableConv2D's `getConfig` leaves out `depth_multiplier`, so a saved layer with a depth
 *   multiplier above 1 reloads with 1 and its weights no longer fit; here it is written.
 */
import * as tf from '@tensorflow/tfjs';
import { atrousConv, convOutputLength } from './atrous.ts';

type ConvArgs = Parameters<typeof tf.layers.conv2d>[0];
type DepthwiseArgs = Parameters<typeof tf.layers.depthwiseConv2d>[0];
type SeparableArgs = Parameters<typeof tf.layers.separableConv2d>[0];
type Kwargs = Record<string, unknown>;
type Shape = (number | null)[];

// tfjs does not export its layer classes; take the constructors from instances (no weights are created).
const Conv2DBase = tf.layers.conv2d({ filters: 1, kernelSize: 1 }).constructor as new (args: ConvArgs) => tf.layers.Layer;
const DepthwiseBase = tf.layers.depthwiseConv2d({ kernelSize: 1 }).constructor as new (args: DepthwiseArgs) => tf.layers.Layer;
const SeparableBase = tf.layers.separableConv2d({ filters: 1, kernelSize: 1 }).constructor as new (args: SeparableArgs) => tf.layers.Layer;

/** The protected state of tfjs's convolution layers that the dilated path reads. */
interface ConvState {
  kernelSize: number[];
  strides: number[];
  padding: string;
  dilationRate: number | number[];
  dataFormat: string;
  bias: tf.LayerVariable | null;
  activation: { apply(x: tf.Tensor): tf.Tensor } | null;
  kernel?: tf.LayerVariable;
  depthwiseKernel?: tf.LayerVariable;
  pointwiseKernel?: tf.LayerVariable;
  depthMultiplier?: number;
  pointwiseInitializer?: unknown;
}

const state = (layer: tf.layers.Layer) => layer as unknown as ConvState;
const pair = (v: number | number[]): [number, number] => (typeof v === 'number' ? [v, v] : [v[0]!, v[1] ?? v[0]!]);

/** Whether the layer convolves with a dilation above 1 in some direction. */
function isDilated(layer: tf.layers.Layer): boolean {
  return pair(state(layer).dilationRate).some((d) => d > 1);
}

/**
 * The dilated path shared by the three layers: NHWC in and out, `conv` is the undilated
 * stride-1 'valid' convolution of the layer's first stage; `rest` applies what follows it.
 */
function dilatedCall(layer: tf.layers.Layer, inputs: tf.Tensor | tf.Tensor[], conv: (x: tf.Tensor4D) => tf.Tensor4D, rest: (y: tf.Tensor4D) => tf.Tensor4D = (y) => y): tf.Tensor {
  const s = state(layer);
  if (pair(s.strides).some((v) => v !== 1)) {
    throw new Error(`${layer.name}: a convolution can use strides > 1 or dilation > 1, not both.`);
  }
  return tf.tidy(() => {
    let x = (Array.isArray(inputs) ? inputs[0]! : inputs) as tf.Tensor4D;
    const channelsFirst = s.dataFormat === 'channelsFirst';
    if (channelsFirst) x = tf.transpose(x, [0, 2, 3, 1]);
    let y = rest(atrousConv(x, pair(s.kernelSize), pair(s.dilationRate), s.padding as 'same' | 'valid', conv));
    if (s.bias) y = tf.add(y, s.bias.read());
    if (s.activation) y = s.activation.apply(y) as tf.Tensor4D;
    return channelsFirst ? tf.transpose(y, [0, 3, 1, 2]) : y;
  });
}

/** A Conv2D that trains with dilation > 1; serializes as `Conv2D`. */
export class DilatedConv2D extends Conv2DBase {
  static className = 'Conv2D';

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor | tf.Tensor[] {
    if (!isDilated(this)) return super.call(inputs, kwargs);
    const kernel = state(this).kernel!.read() as tf.Tensor4D;
    return dilatedCall(this, inputs, (x) => tf.conv2d(x, kernel, 1, 'valid'));
  }
}

/** A DepthwiseConv2D that honours `dilationRate` (stock tfjs ignores it) and trains with it; serializes as `DepthwiseConv2D`. */
export class DilatedDepthwiseConv2D extends DepthwiseBase {
  static className = 'DepthwiseConv2D';

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor | tf.Tensor[] {
    if (!isDilated(this)) return super.call(inputs, kwargs);
    const kernel = state(this).depthwiseKernel!.read() as tf.Tensor4D;
    return dilatedCall(this, inputs, (x) => tf.depthwiseConv2d(x, kernel, 1, 'valid'));
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    if (!isDilated(this)) return super.computeOutputShape(inputShape);
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    const s = state(this);
    const [kh, kw] = pair(s.kernelSize);
    const [sh, sw] = pair(s.strides);
    const [dh, dw] = pair(s.dilationRate);
    const padding = s.padding as 'same' | 'valid';
    const first = s.dataFormat === 'channelsFirst';
    const [rows, cols, channels] = first ? [shape[2]!, shape[3]!, shape[1]!] : [shape[1]!, shape[2]!, shape[3]!];
    const outRows = convOutputLength(rows, kh, padding, sh, dh);
    const outCols = convOutputLength(cols, kw, padding, sw, dw);
    const outChannels = channels == null ? null : channels * s.depthMultiplier!;
    return first ? [shape[0]!, outChannels, outRows, outCols] : [shape[0]!, outRows, outCols, outChannels];
  }
}

/** A SeparableConv2D that trains with dilation > 1 and uses its own pointwise initializer; serializes as `SeparableConv2D`. */
export class DilatedSeparableConv2D extends SeparableBase {
  static className = 'SeparableConv2D';

  constructor(args: SeparableArgs) {
    super(args);
    // Stock tfjs builds the pointwise initializer from `depthwiseInitializer`; an initializer
    // object passed as `pointwiseInitializer` is what the caller meant. (Configs read back from
    // a file carry plain objects here; their weights are loaded, so the initializer is unused.)
    const pointwise = args.pointwiseInitializer as unknown;
    if (typeof pointwise === 'object' && pointwise !== null && 'apply' in pointwise) state(this).pointwiseInitializer = pointwise;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor | tf.Tensor[] {
    if (!isDilated(this)) return super.call(inputs, kwargs);
    const s = state(this);
    const depthwise = s.depthwiseKernel!.read() as tf.Tensor4D;
    const pointwise = s.pointwiseKernel!.read() as tf.Tensor4D;
    return dilatedCall(
      this,
      inputs,
      (x) => tf.depthwiseConv2d(x, depthwise, 1, 'valid'),
      (y) => tf.conv2d(y, pointwise, 1, 'valid'),
    );
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), depthMultiplier: (this as unknown as { depthMultiplier: number }).depthMultiplier };
  }
}

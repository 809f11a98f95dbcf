/**
 * Layer tables of long Keras models, built the way model/summary.ts would list them after an
 * import (name, class, Keras-style output shape, total parameters with batch-norm moving
 * statistics counted, inbound layer names, trainable): Keras Applications MobileNet v1 and a
 * Keras-ResNet-style net. Shapes and counts are worked out from the architecture, not copied;
 * mobilenet.test.ts checks the MobileNet counts against the real Keras file in
 * tests/fixtures/models.
 */
import type { DiagramLayerRow } from '../../../../src/render/diagram/graph.ts';

/** A layer table under construction: each layer reads the previous one unless told otherwise. */
class Table {
  rows: DiagramLayerRow[] = [];
  trainable = true;

  add(name: string, type: string, dims: number[], params: number, connectedTo?: string[]): string {
    const inputs = connectedTo ?? (this.rows.length ? [this.rows.at(-1)!.name] : []);
    this.rows.push({ name, type, outputShape: `(None, ${dims.join(', ')})`, params, connectedTo: inputs, trainable: type === 'InputLayer' ? false : this.trainable });
    return name;
  }
}

/** Keras's BatchNormalization over `c` channels: gamma, beta, moving mean and variance. */
const bn = (c: number) => 4 * c;

/** Options of `mobilenetV1Rows`. */
export interface MobileNetOptions {
  /** Width multiplier (Keras `alpha`). */
  alpha?: number;
  /** Input side, px (square, RGB). */
  size?: number;
  classes?: number;
  /** Whether the layers are trainable (false: a frozen pretrained base). */
  trainable?: boolean;
}

/**
 * The layer table of Keras Applications `MobileNet(alpha, input_shape=(size, size, 3), classes)`
 * with its top, in keras-applications 1.0.8 naming: conv1_pad, conv1 (3×3 stride 2), conv1_bn,
 * conv1_relu, then 13 depthwise-separable blocks (conv_pad_i before the stride-2 ones: 2, 4, 6,
 * 12), global_average_pooling2d, reshape_1, dropout, conv_preds, reshape_2, act_softmax.
 * Default: alpha 0.25, 224×224×3, 1000 classes — 93 rows, 475,544 parameters.
 */
export function mobilenetV1Rows(options: MobileNetOptions = {}): DiagramLayerRow[] {
  const { alpha = 0.25, size = 224, classes = 1000, trainable = true } = options;
  const t = new Table();
  t.add('input_1', 'InputLayer', [size, size, 3], 0);
  t.trainable = trainable;
  const c = (n: number) => Math.trunc(n * alpha);
  let h = size;
  let ch = c(32);
  t.add('conv1_pad', 'ZeroPadding2D', [h + 1, h + 1, 3], 0);
  h = Math.floor((h + 1 - 3) / 2) + 1;
  t.add('conv1', 'Conv2D', [h, h, ch], 3 * 3 * 3 * ch);
  t.add('conv1_bn', 'BatchNormalization', [h, h, ch], bn(ch));
  t.add('conv1_relu', 'ReLU', [h, h, ch], 0);
  const blocks: [number, number][] = [
    [64, 1], [128, 2], [128, 1], [256, 2], [256, 1], [512, 2],
    [512, 1], [512, 1], [512, 1], [512, 1], [512, 1], [1024, 2], [1024, 1],
  ];
  blocks.forEach(([filters, stride], k) => {
    const i = k + 1;
    if (stride === 2) {
      t.add(`conv_pad_${i}`, 'ZeroPadding2D', [h + 1, h + 1, ch], 0);
      h = Math.floor((h + 1 - 3) / 2) + 1;
    }
    t.add(`conv_dw_${i}`, 'DepthwiseConv2D', [h, h, ch], 3 * 3 * ch);
    t.add(`conv_dw_${i}_bn`, 'BatchNormalization', [h, h, ch], bn(ch));
    t.add(`conv_dw_${i}_relu`, 'ReLU', [h, h, ch], 0);
    const out = c(filters);
    t.add(`conv_pw_${i}`, 'Conv2D', [h, h, out], ch * out);
    t.add(`conv_pw_${i}_bn`, 'BatchNormalization', [h, h, out], bn(out));
    t.add(`conv_pw_${i}_relu`, 'ReLU', [h, h, out], 0);
    ch = out;
  });
  t.add('global_average_pooling2d', 'GlobalAveragePooling2D', [ch], 0);
  t.add('reshape_1', 'Reshape', [1, 1, ch], 0);
  t.add('dropout', 'Dropout', [1, 1, ch], 0);
  t.add('conv_preds', 'Conv2D', [1, 1, classes], ch * classes + classes);
  t.add('reshape_2', 'Reshape', [classes], 0);
  t.add('act_softmax', 'Activation', [classes], 0);
  return t.rows;
}

/**
 * A Keras-ResNet-style net on 32×32×3: a conv stem, then per stage one block with a projection
 * shortcut (1×1 conv + BN) followed by `identity[s]` blocks with an identity shortcut, each block
 * conv → BN → ReLU → conv → BN → Add(main, shortcut) → ReLU, named `stage{s}_block{b}_…` as
 * Keras Applications' ResNet does; global pooling and a dense head. Default [4, 2, 1]: 82 rows.
 */
export function resnetRows(identity: readonly number[] = [4, 2, 1], classes = 10): DiagramLayerRow[] {
  const t = new Table();
  t.add('input_1', 'InputLayer', [32, 32, 3], 0);
  let ch = 16;
  let h = 32;
  t.add('conv1_conv', 'Conv2D', [h, h, ch], 3 * 3 * 3 * ch + ch);
  t.add('conv1_bn', 'BatchNormalization', [h, h, ch], bn(ch));
  let last = t.add('conv1_relu', 'Activation', [h, h, ch], 0);
  identity.forEach((count, s) => {
    const out = 16 << s;
    const stride = s === 0 ? 1 : 2;
    for (let b = 1; b <= count + 1; b++) {
      const p = `stage${s + 1}_block${b}`;
      const project = b === 1;
      const cin = ch;
      if (project) h = h / stride;
      const start = last;
      t.add(`${p}_1_conv`, 'Conv2D', [h, h, out], 9 * cin * out + out, [start]);
      t.add(`${p}_1_bn`, 'BatchNormalization', [h, h, out], bn(out));
      t.add(`${p}_1_relu`, 'Activation', [h, h, out], 0);
      t.add(`${p}_2_conv`, 'Conv2D', [h, h, out], 9 * out * out + out);
      const main = t.add(`${p}_2_bn`, 'BatchNormalization', [h, h, out], bn(out));
      let shortcut = start;
      if (project) {
        t.add(`${p}_0_conv`, 'Conv2D', [h, h, out], cin * out + out, [start]);
        shortcut = t.add(`${p}_0_bn`, 'BatchNormalization', [h, h, out], bn(out));
      }
      // Keras Applications lists the shortcut first: Add([shortcut, x]).
      t.add(`${p}_add`, 'Add', [h, h, out], 0, [shortcut, main]);
      last = t.add(`${p}_out`, 'Activation', [h, h, out], 0);
      ch = out;
    }
  });
  t.add('avg_pool', 'GlobalAveragePooling2D', [ch], 0);
  t.add('predictions', 'Dense', [classes], ch * classes + classes);
  return t.rows;
}

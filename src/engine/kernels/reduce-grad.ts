/**
 * Gradients of Sum and Mean (registered with tfjs's public `registerGradient`, global to tfjs).
 *
 * Why: tfjs-core 4.22 builds both as `reshape(dy) · ones(x.shape)` (Mean then divides by the
 * count): `ones` makes a full-size JS array and uploads it, then a full-size Multiply (and a
 * full-size RealDiv for Mean) follow. tfjs-layers' batch norm differentiates two Means per layer
 * per step (tf.moments), so that was ~4 full-size passes plus an upload per batch-norm layer.
 *
 * Approach: dx = broadcastTo(reshape(dy) / count, x.shape) for Mean and
 * broadcastTo(reshape(dy), x.shape) for Sum: the division runs on the small reduced tensor and
 * the broadcast is one Tile (a block copy on wasm, see tile.ts). The values are bit-identical
 * to the stock gradients on every backend: multiplying by 1 is exact, and the division is the
 * same float32 operation on the same operands. Non-float32 gradients use the stock gradient.
 */
import * as tf from '@tensorflow/tfjs';
import type { GradConfig, NamedAttrMap, Tensor } from '@tensorflow/tfjs';

type GradMap = { [input: string]: () => Tensor };

function expanded(dy: Tensor, x: Tensor, attrs: NamedAttrMap): { dyExpanded: Tensor; count: number } {
  const axes = tf.util.parseAxisParam((attrs as { axis: number | number[] }).axis, x.shape);
  const shape = x.shape.slice();
  let count = 1;
  for (const a of axes) {
    count *= shape[a] as number;
    shape[a] = 1;
  }
  return { dyExpanded: tf.reshape(dy, shape), count };
}

function config(kind: 'Sum' | 'Mean', stock: GradConfig | undefined): GradConfig {
  return {
    kernelName: kind,
    inputsToSave: ['x'],
    gradFunc: (dy: Tensor | Tensor[], saved: Tensor[], attrs: NamedAttrMap): GradMap => {
      const g = dy as Tensor;
      const [x] = saved as [Tensor];
      if (g.dtype !== 'float32') {
        if (stock === undefined) throw new Error(`${kind}: no stock gradient to fall back to for dtype ${g.dtype}.`);
        return stock.gradFunc(dy, saved, attrs) as GradMap;
      }
      return {
        x: () => {
          const { dyExpanded, count } = expanded(g, x, attrs);
          return tf.broadcastTo(kind === 'Mean' ? tf.div(dyExpanded, count) : dyExpanded, x.shape);
        },
      };
    },
  };
}

/** Sum's gradient as one broadcast (stock gradient for non-float32). */
export const sumGradConfig = (stock: GradConfig | undefined): GradConfig => config('Sum', stock);
/** Mean's gradient as a small division and one broadcast (stock gradient for non-float32). */
export const meanGradConfig = (stock: GradConfig | undefined): GradConfig => config('Mean', stock);

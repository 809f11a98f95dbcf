/**
 * A closed-form gradient for FusedBatchNorm (registered with tfjs's public `registerGradient`).
 *
 * Why: tfjs-core 4.22's FusedBatchNorm gradient builds every partial derivative separately
 * out of full-size tensors: it tiles 1/sqrt(var+eps) to the input shape (a Tile that alone
 * cost ~60 ms per batch-norm layer on stock wasm), computes x - mean, dy·scale and two more
 * full-size products for the mean, variance and scale derivatives, each followed by its own Sum.
 * On the bundled model that was the largest share of a training step.
 *
 * Approach: with r = 1/sqrt(var + eps), s = scale (1 if absent) and sums over every axis but
 * the last (the per-channel case tfjs-layers produces, mean of rank 1):
 *   dx = dy · (r·s)                      (one broadcasting Multiply, no Tile)
 *   dOffset = Σ dy,  dScale = r · Σ dy·(x − mean)
 *   dMean = −r·s · Σ dy,  dVariance = −½ r³ s · Σ dy·(x − mean)
 * so only three full-size elementwise ops and two reductions remain, shared between the
 * derivatives (computed once, when the gradient is built). On the wasm backend both sums come from
 * one native pass over dy and x (kernel `ConvlensBatchNormGradSums`, native/batch-norm.c), with
 * the same float32 products and float64 sums as the op-by-op route, so the same values.
 * Mathematically identical to the stock gradient;
 * it differs only in float rounding (tested against the stock gradient on cpu). Any other
 * shape pattern (mean not rank 1) delegates to the stock gradient. Gradients are global in
 * tfjs, so this applies to every backend; it uses only public ops.
 */
import * as tf from '@tensorflow/tfjs';
import type { GradConfig, KernelConfig, KernelFunc, NamedAttrMap, Tensor, TensorInfo } from '@tensorflow/tfjs';
import { native } from './native.ts';
import type { WasmBackend } from './wasm-backend.ts';

/** Kernel name of the fused per-channel sums Σdy and Σdy·(x − mean) (wasm only). */
export const BN_GRAD_SUMS = 'ConvlensBatchNormGradSums';

function gradSumsWasm(args: { inputs: { dy: TensorInfo; x: TensorInfo; mean: TensorInfo }; backend: WasmBackend }): TensorInfo[] {
  const { inputs, backend } = args;
  const { dy, x, mean } = inputs;
  const C = x.shape[x.shape.length - 1] as number;
  const rows = C === 0 ? 0 : x.shape.reduce((p, q) => p * q, 1) / C;
  const dySum = backend.makeOutput([C], 'float32');
  const dyXmSum = backend.makeOutput([C], 'float32');
  const nat = native(backend);
  const acc = nat.scratch(4 * C); // 2C float64 accumulators
  nat.fn.batch_norm_grad_sums_f32(nat.ptr(dy), nat.ptr(x), nat.ptr(mean), nat.ptr(dySum), nat.ptr(dyXmSum), acc, rows, C);
  return [dySum, dyXmSum];
}

/** Registration record for ConvlensBatchNormGradSums on 'wasm' (dy and x [..., C], mean [C], float32). */
export const batchNormGradSumsConfig: KernelConfig = {
  kernelName: BN_GRAD_SUMS,
  backendName: 'wasm',
  kernelFunc: gradSumsWasm as unknown as KernelFunc,
};

type GradMap = { [input: string]: () => Tensor };

/** The closed-form FusedBatchNorm gradient; `stock` handles the shapes it does not cover. */
export function fusedBatchNormGradConfig(stock: GradConfig | undefined): GradConfig {
  return {
    kernelName: tf.FusedBatchNorm,
    inputsToSave: ['x', 'mean', 'variance', 'scale'],
    gradFunc: (dy: Tensor | Tensor[], saved: Tensor[], attrs: NamedAttrMap): GradMap => {
      const [x, mean, variance, scale] = saved as [Tensor, Tensor, Tensor, Tensor | undefined];
      const g = dy as Tensor;
      const channels = x.shape[x.rank - 1] as number;
      const perChannel = (t: Tensor | undefined): boolean => t == null || (t.rank === 1 && t.shape[0] === channels);
      if (mean.rank !== 1 || !perChannel(mean) || !perChannel(variance) || !perChannel(scale) || x.rank < 2) {
        if (stock === undefined) throw new Error('FusedBatchNorm: no stock gradient to fall back to for this shape.');
        return stock.gradFunc(dy, saved, attrs) as GradMap;
      }
      const eps = (attrs as unknown as { varianceEpsilon: number }).varianceEpsilon;
      const axes = Array.from({ length: x.rank - 1 }, (_, i) => i);
      const r = tf.rsqrt(tf.add(variance, tf.scalar(eps)));
      const rs = scale == null ? r : tf.mul(r, scale);
      // Computed here, not inside the closures: tfjs runs each closure in its own tidy, which
      // would dispose a tensor shared between them. The full-size product stays inside this tidy.
      const fused = tf.getBackend() === 'wasm' && [g, x, mean].every((t) => t.dtype === 'float32') && tf.util.arraysEqual(g.shape, x.shape);
      const [dySum, dyXmSum] = fused
        ? (tf.engine().runKernel(BN_GRAD_SUMS, { dy: g, x, mean }, {}) as unknown as [Tensor, Tensor])
        : (tf.tidy(() => [tf.sum(g, axes), tf.sum(tf.mul(g, tf.sub(x, mean)), axes)]) as [Tensor, Tensor]);
      return {
        x: () => tf.mul(g, rs),
        mean: () => tf.neg(tf.mul(rs, dySum)),
        variance: () => tf.mul(tf.mul(tf.mul(tf.mul(r, r), rs), tf.scalar(-0.5)), dyXmSum),
        scale: () => tf.mul(r, dyXmSum),
        offset: () => tf.reshape(dySum, [channels]),
      };
    },
  };
}

/**
 * Max-sensitivity (Yeh et al. 2019, "On the (In)fidelity and Sensitivity of Explanations"):
 * how much a map changes when the image is perturbed a little,
 *
 *   SENS_max = max over `samples` draws of ‖Φ(x + δ) − Φ(x)‖₂ / ‖Φ(x)‖₂,   δ ~ U(−r, r)^d,
 *
 * Φ the method's per-pixel map (h × w, what the report shows), explaining the same class.
 * The division by ‖Φ(x)‖ is Quantus's default (`MaxSensitivity`: `difference`, then `fro_norm`
 * for numerator and denominator, `batch_uniform_noise`, maximum over the samples, maps not
 * normalized first), not the paper's, whose ratio-free definition depends on the map's scale
 * and so cannot compare methods. r is `radius` of the raw pixel range [0, 1], radius · scale_c in
 * model units (PixelSpace); perturbed images are not clipped (neither Yeh et al. nor Quantus
 * clip). Samples that change the predicted class are kept (Quantus's default).
 *
 * The method is re-run through a callback, so this works for every method: `explain` gets the
 * whole batch perturbed by one draw per image, in the original order, once per sample. It must
 * explain the same targets with the same ids as the reference maps, so that a stochastic method
 * (SmoothGrad, Expected Gradients) draws the same noise and the difference is the input's.
 * δ comes from each image's own stream (random.ts), so batching never changes a result.
 *
 * Cost per image and method: `samples` explanations of the method.
 */
import { imageOf, imageSize, type ImageBatch, type PixelSpace } from './images.ts';
import type { AttributionMaps } from './maps.ts';
import { idsFor, streamFor } from './random.ts';

export interface SensitivityOptions {
  /** Perturbations per image (`report.explain.faithfulness.sensitivity.samples`). */
  samples: number;
  /** Half-width of the uniform noise as a fraction of the raw pixel range [0, 1] (`…sensitivity.radius`). */
  radius: number;
  /** How raw [0, 1] pixels map to model units: the noise is ±radius · scale_c in channel c. */
  space: PixelSpace;
  /** The report seed; with `ids`, names each image's noise stream. */
  seed: number;
  /** Per image, a stable id (e.g. its test-set index); default its position in the batch. */
  ids?: ArrayLike<number>;
}

/** Max-sensitivity of one method. */
export interface MaxSensitivity {
  /** Per image: the largest relative change over the samples; NaN when its map is all zero. */
  perImage: Float32Array;
  /** Per image and sample: ‖Φ(x + δ) − Φ(x)‖ / ‖Φ(x)‖. */
  ratios: Float32Array[];
  /** Mean of `perImage` over the images where it is defined (NaN when none is). */
  mean: number;
  samples: number;
  radius: number;
}

/** Re-runs one method on a batch (one per image, same order, targets and ids as the reference); `sample` counts the calls from 0. */
export type ExplainBatch = (images: ImageBatch, sample: number) => AttributionMaps | readonly Float32Array[];

/** Max-sensitivity of the maps `explain` gives, against `maps` (Φ(x), one h × w map per image). */
export function maxSensitivity(images: ImageBatch, maps: readonly Float32Array[], explain: ExplainBatch, options: SensitivityOptions): MaxSensitivity {
  const [h, w, c] = images.shape;
  const size = imageSize(images.shape);
  if (maps.length !== images.count || maps.some((m) => m.length !== h * w)) throw new Error(`Max-sensitivity needs one ${h}×${w} map per image.`);
  if (options.space.scale.length !== c) throw new Error(`The pixel space has ${options.space.scale.length} channels; the images have ${c}.`);
  if (!(options.samples >= 1 && Number.isInteger(options.samples))) throw new Error(`Max-sensitivity needs a whole number of samples, at least 1; got ${options.samples}.`);
  const ids = idsFor(images.count, options.ids);
  const streams = ids.map((id) => streamFor(options.seed, 'sensitivity', id));
  const r = options.space.scale.map((s) => options.radius * s);
  const norms = maps.map((m) => Math.sqrt(m.reduce((s, v) => s + v * v, 0)));
  const ratios = Array.from({ length: images.count }, () => new Float32Array(options.samples));
  for (let s = 0; s < options.samples; s++) {
    const data = new Float32Array(images.count * size);
    for (let i = 0; i < images.count; i++) {
      const image = imageOf(images, i);
      const random = streams[i]!;
      for (let j = 0; j < size; j++) data[i * size + j] = image[j]! + r[j % c]! * (2 * random() - 1);
    }
    const result = explain({ data, count: images.count, shape: images.shape }, s);
    const perturbed = 'maps' in result ? result.maps : result;
    if (perturbed.length !== images.count || perturbed.some((m) => m.length !== h * w)) throw new Error(`The method returned ${perturbed.length} maps for ${images.count} perturbed ${h}×${w} images.`);
    for (let i = 0; i < images.count; i++) {
      const a = maps[i]!;
      const b = perturbed[i]!;
      let d = 0;
      for (let p = 0; p < h * w; p++) d += (b[p]! - a[p]!) ** 2;
      ratios[i]![s] = norms[i]! > 0 ? Math.sqrt(d) / norms[i]! : NaN;
    }
  }
  const perImage = Float32Array.from(ratios, (v) => v.reduce((m, x) => Math.max(m, x), -Infinity));
  const defined = perImage.filter((v) => Number.isFinite(v));
  return { perImage, ratios, mean: defined.length > 0 ? defined.reduce((a, b) => a + b, 0) / defined.length : NaN, samples: options.samples, radius: options.radius };
}

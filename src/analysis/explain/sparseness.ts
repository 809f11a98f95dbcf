/**
 * Sparseness (Chalasani et al. 2020, "Concise Explanations of Neural Networks using Adversarial
 * Training"): the Gini index of a map's absolute values, as Quantus's `Sparseness` computes it,
 *
 *   a = |map| sorted ascending,   Gini = Σ_i (2i − n − 1) · a_i / (n · Σ_i a_i),   i = 1..n,
 *
 * 0 when every pixel carries the same share, (n − 1)/n when one pixel carries all of it. Quantus
 * first divides the map by its largest |value| (which the index ignores) and adds 1e-7 to every
 * value so an all-zero map does not divide by zero; that shifts the result by the factor
 * Σa / (Σa + n · 1e-7) of the normalized map. Here the index is exact and an all-zero map,
 * whose limit it is, scores 0.
 */

/** The Gini index of |values| (0 for an empty or all-zero array). */
export function gini(values: ArrayLike<number>): number {
  const n = values.length;
  const a = Float64Array.from({ length: n }, (_, i) => Math.abs(values[i]!)).sort();
  let weighted = 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    weighted += (2 * (i + 1) - n - 1) * a[i]!;
    total += a[i]!;
  }
  return total > 0 ? weighted / (n * total) : 0;
}

/** Sparseness of one method's maps: the Gini index per map and its mean over the maps. */
export function sparseness(maps: readonly ArrayLike<number>[]): { perImage: Float32Array; mean: number } {
  const indices = maps.map(gini);
  return { perImage: Float32Array.from(indices), mean: indices.length > 0 ? indices.reduce((s, g) => s + g, 0) / indices.length : NaN };
}

/**
 * How alike two attribution maps are, on plain arrays (float64 arithmetic throughout): the two
 * measures of Adebayo et al.'s sanity checks, defined as the reference implementations they used.
 *
 * - `spearman`: scipy.stats.spearmanr — Pearson's correlation of the ranks, ties given their
 *   average rank (scipy.stats.rankdata's `average`). Like scipy, NaN when either input is
 *   constant (the correlation is undefined) or holds a NaN; callers choose what that means.
 * - `ssim`: skimage.metrics.structural_similarity with its defaults (Wang et al. 2004): a
 *   uniform 7×7 window, K1 = 0.01, K2 = 0.03, sample covariances (ddof = 1, skimage's
 *   `use_sample_covariance=True`), the mean of the SSIM image over the pixels whose window lies
 *   inside the map (skimage crops `(win − 1) / 2` pixels from each border before the mean).
 *   `dataRange` is explicit, as skimage requires for float images.
 *
 * Both are checked against scipy / numpy in tests/fixtures/explain/similarity.json
 * (scripts/fixtures/similarity_reference.py).
 */

/** Ranks 1..n of `values`, ties given the mean of the ranks they span (scipy's `rankdata(method='average')`). */
export function averageRanks(values: ArrayLike<number>): Float64Array {
  const n = values.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => values[i]! - values[j]!);
  const ranks = new Float64Array(n);
  for (let start = 0; start < n; ) {
    let end = start + 1;
    while (end < n && values[order[end]!] === values[order[start]!]) end++;
    // Positions start..end−1 hold equal values: ranks start+1..end, mean (start + 1 + end) / 2.
    const rank = (start + 1 + end) / 2;
    for (let k = start; k < end; k++) ranks[order[k]!] = rank;
    start = end;
  }
  return ranks;
}

/** Pearson's correlation of two equally long arrays (NaN when either has zero variance), clipped to [−1, 1]. */
export function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  if (n !== b.length) throw new Error(`Cannot correlate arrays of ${a.length} and ${b.length} values.`);
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i]!;
    mb += b[i]!;
  }
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const da = a[i]! - ma;
    const db = b[i]! - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  if (!(saa > 0 && sbb > 0)) return NaN;
  return Math.max(-1, Math.min(1, sab / Math.sqrt(saa * sbb)));
}

const hasNaN = (v: ArrayLike<number>) => {
  for (let i = 0; i < v.length; i++) if (Number.isNaN(v[i])) return true;
  return false;
};

/** Spearman's rank correlation of `a` and `b` (scipy.stats.spearmanr): NaN when either is constant or holds a NaN. */
export function spearman(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`Cannot correlate arrays of ${a.length} and ${b.length} values.`);
  if (hasNaN(a) || hasNaN(b)) return NaN;
  return pearson(averageRanks(a), averageRanks(b));
}

/** skimage's default SSIM window side. */
export const SSIM_WINDOW = 7;
const K1 = 0.01;
const K2 = 0.03;

/**
 * Sums of `values` (height × width, row-major) over every win × win window lying inside the
 * image: (height − win + 1) × (width − win + 1), row-major. Two passes of direct window sums, so
 * no running sum accumulates rounding across the image.
 */
function windowSums(values: Float64Array, width: number, height: number, win: number): Float64Array {
  const ow = width - win + 1;
  const oh = height - win + 1;
  const rows = new Float64Array(height * ow);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < ow; x++) {
      let s = 0;
      for (let k = 0; k < win; k++) s += values[y * width + x + k]!;
      rows[y * ow + x] = s;
    }
  }
  const out = new Float64Array(oh * ow);
  for (let y = 0; y < oh; y++) {
    for (let x = 0; x < ow; x++) {
      let s = 0;
      for (let k = 0; k < win; k++) s += rows[(y + k) * ow + x]!;
      out[y * ow + x] = s;
    }
  }
  return out;
}

/**
 * Mean structural similarity of two maps of `width` × `height` (row-major), as
 * skimage.metrics.structural_similarity(a, b, data_range=dataRange) with its defaults
 * (`winSize` odd, at most the smaller side; skimage's default 7). Identical maps give 1, also
 * identical constant ones (the constants C1, C2 keep every ratio defined).
 */
export function ssim(a: ArrayLike<number>, b: ArrayLike<number>, width: number, height: number, dataRange: number, winSize = SSIM_WINDOW): number {
  if (a.length !== width * height || b.length !== width * height) throw new Error(`SSIM needs two maps of ${width} × ${height} values; received ${a.length} and ${b.length}.`);
  if (!(winSize >= 3 && winSize % 2 === 1)) throw new RangeError(`The SSIM window must be an odd number of pixels, at least 3; received ${winSize}.`);
  if (winSize > width || winSize > height) throw new RangeError(`A ${winSize} × ${winSize} SSIM window does not fit a ${width} × ${height} map.`);
  if (!(dataRange > 0)) throw new RangeError(`The SSIM data range must be above 0; received ${dataRange}.`);
  const n = width * height;
  const x = Float64Array.from(a);
  const y = Float64Array.from(b);
  const xx = new Float64Array(n);
  const yy = new Float64Array(n);
  const xy = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    xx[i] = x[i]! * x[i]!;
    yy[i] = y[i]! * y[i]!;
    xy[i] = x[i]! * y[i]!;
  }
  const np = winSize * winSize;
  // skimage's use_sample_covariance: the window's variances and covariance with ddof = 1.
  const covNorm = np / (np - 1);
  const [sx, sy, sxx, syy, sxy] = [x, y, xx, yy, xy].map((v) => windowSums(v, width, height, winSize));
  const c1 = (K1 * dataRange) ** 2;
  const c2 = (K2 * dataRange) ** 2;
  let total = 0;
  const count = sx!.length;
  for (let i = 0; i < count; i++) {
    const ux = sx![i]! / np;
    const uy = sy![i]! / np;
    const vx = covNorm * (sxx![i]! / np - ux * ux);
    const vy = covNorm * (syy![i]! / np - uy * uy);
    const vxy = covNorm * (sxy![i]! / np - ux * uy);
    total += ((2 * ux * uy + c1) * (2 * vxy + c2)) / ((ux * ux + uy * uy + c1) * (vx + vy + c2));
  }
  return total / count;
}

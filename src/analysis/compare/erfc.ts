/**
 * The complementary error function and the chi-square(1) survival function it gives, in float64.
 *
 * erfc follows W. J. Cody's rational Chebyshev approximations (Math. Comp. 23, 1969; the SPECFUN
 * routine CALERF, 1990), which keep about 16 significant digits over the whole range, tails
 * included: the far tail is exp(−x²)·R(1/x²)/x with exp(−x²) split as exp(−t²)·exp(−(x−t)(x+t))
 * (t = x rounded down to 1/16), so no digits are lost to cancellation in x². That relative
 * accuracy is what a small p-value needs (1 − erf(x) would keep none of them).
 */

// Coefficients of Cody's three intervals (CALERF's A, B; C, D; P, Q).
const A = [3.1611237438705656, 113.864154151050156, 377.485237685302021, 3209.37758913846947, 0.185777706184603153] as const;
const B = [23.6012909523441209, 244.024637934444173, 1282.61652607737228, 2844.23683343917062] as const;
const C = [
  0.564188496988670089, 8.88314979438837594, 66.1191906371416295, 298.635138197400131, 881.95222124176909, 1712.04761263407058, 2051.07837782607147,
  1230.33935479799725, 2.15311535474403846e-8,
] as const;
const D = [15.7449261107098347, 117.693950891312499, 537.181101862009858, 1621.38957456669019, 3290.79923573345963, 4362.61909014324716, 3439.36767414372164, 1230.33935480374942] as const;
const P = [0.305326634961232344, 0.360344899949804439, 0.125781726111229246, 0.0160837851487422766, 6.58749161529837803e-4, 0.0163153871373020978] as const;
const Q = [2.56852019228982242, 1.87295284992346047, 0.527905102951428412, 0.0605183413124413191, 0.00233520497626869185] as const;

/** 1/√π. */
const SQRT_PI_INV = 0.56418958354775628695;
/** Below this |x| erf is x·2/√π to double precision (Cody's XSMALL). */
const X_SMALL = 1.11e-16;
/** Above this x, erfc(x) underflows to 0 in float64 (Cody's XBIG). */
const X_BIG = 26.543;

/** exp(−y²) without the rounding error of forming y² first (Cody's split at a multiple of 1/16). */
function expMinusSquare(y: number): number {
  const t = Math.trunc(y * 16) / 16;
  const rest = (y - t) * (y + t);
  return Math.exp(-t * t) * Math.exp(-rest);
}

/** erfc(x) = 1 − erf(x) for any real x, to about 16 significant digits (0 beyond x ≈ 26.5, 2 below −6). */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  const y = Math.abs(x);
  let result: number;
  if (y <= 0.46875) {
    // erf by a rational function of x²; erfc = 1 − erf is well conditioned here (erfc ≥ 0.5).
    const z = y > X_SMALL ? y * y : 0;
    let num = A[4] * z;
    let den = z;
    for (let i = 0; i < 3; i++) {
      num = (num + A[i]!) * z;
      den = (den + B[i]!) * z;
    }
    return 1 - (x * (num + A[3])) / (den + B[3]);
  } else if (y <= 4) {
    let num = C[8] * y;
    let den = y;
    for (let i = 0; i < 7; i++) {
      num = (num + C[i]!) * y;
      den = (den + D[i]!) * y;
    }
    result = ((num + C[7]) / (den + D[7])) * expMinusSquare(y);
  } else if (y >= X_BIG) {
    result = 0;
  } else {
    const z = 1 / (y * y);
    let num = P[5] * z;
    let den = z;
    for (let i = 0; i < 4; i++) {
      num = (num + P[i]!) * z;
      den = (den + Q[i]!) * z;
    }
    const r = (z * (num + P[4])) / (den + Q[4]);
    result = ((SQRT_PI_INV - r) / y) * expMinusSquare(y);
  }
  return x < 0 ? 2 - result : result;
}

/**
 * P(X > x) for X ~ chi-square with 1 degree of freedom (scipy's `chi2.sf(x, 1)`): X is Z² with Z
 * standard normal, so P(X > x) = P(|Z| > √x) = erfc(√(x/2)). 1 for x ≤ 0; NaN for NaN.
 */
export function chiSquare1Sf(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x <= 0) return 1;
  return erfc(Math.sqrt(x / 2));
}

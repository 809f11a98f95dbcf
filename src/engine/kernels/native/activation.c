// Transcendental kernels (exp, tanh, selu, softplus) in SIMD, deterministic: fixed polynomial evaluations
// (Cephes single-precision coefficients), no libm. The cpu backend computes them in float64 and
// rounds; these stay within a few float32 ulps of that (tested).
#include "common.h"

#define ADD wasm_f32x4_add
#define SUB wasm_f32x4_sub
#define MUL wasm_f32x4_mul
#define SPLAT wasm_f32x4_splat

// e^x over the whole float range: Cody-Waite reduction by ln 2, a degree-6 polynomial, and the
// scale 2^n applied as two exact power-of-two factors, so results below 2^-126 come out as
// correctly scaled denormals and results above the range as +Infinity. NaN stays NaN.
static inline v128_t exp4(v128_t x) {
  x = wasm_f32x4_pmin(wasm_f32x4_pmax(x, SPLAT(-104.0f)), SPLAT(89.0f));  // pmin/pmax keep NaN
  v128_t n = wasm_f32x4_nearest(MUL(x, SPLAT(1.44269504088896341f)));
  v128_t r = SUB(SUB(x, MUL(n, SPLAT(0.693359375f))), MUL(n, SPLAT(-2.12194440e-4f)));
  v128_t z = MUL(r, r);
  v128_t p = SPLAT(1.9875691500e-4f);
  p = ADD(MUL(p, r), SPLAT(1.3981999507e-3f));
  p = ADD(MUL(p, r), SPLAT(8.3334519073e-3f));
  p = ADD(MUL(p, r), SPLAT(4.1665795894e-2f));
  p = ADD(MUL(p, r), SPLAT(1.6666665459e-1f));
  p = ADD(MUL(p, r), SPLAT(5.0000001201e-1f));
  p = ADD(ADD(MUL(p, z), r), SPLAT(1.0f));
  v128_t ni = wasm_i32x4_trunc_sat_f32x4(n);
  v128_t n1 = wasm_i32x4_shr(ni, 1), n2 = wasm_i32x4_sub(ni, n1);
  v128_t s1 = wasm_i32x4_shl(wasm_i32x4_add(n1, wasm_i32x4_splat(127)), 23);
  v128_t s2 = wasm_i32x4_shl(wasm_i32x4_add(n2, wasm_i32x4_splat(127)), 23);
  return MUL(MUL(p, s1), s2);
}

// ln(x) for x > 0 (Cephes logf: mantissa in [sqrt(1/2), sqrt(2)), degree-8 polynomial); 0 gives
// -Infinity, negative or NaN gives NaN, +Infinity gives +Infinity. Denormal inputs are not
// expected (callers pass 1 + something).
static inline v128_t log4(v128_t x) {
  v128_t bits = x;
  v128_t e = wasm_f32x4_convert_i32x4(wasm_i32x4_sub(wasm_u32x4_shr(bits, 23), wasm_i32x4_splat(126)));
  v128_t m = wasm_v128_or(wasm_v128_and(bits, wasm_i32x4_splat(0x007fffff)), wasm_i32x4_splat(0x3f000000));  // [0.5, 1)
  v128_t small = wasm_f32x4_lt(m, SPLAT(0.707106781186547524f));
  e = SUB(e, wasm_v128_and(SPLAT(1.0f), small));
  m = SUB(ADD(m, wasm_v128_and(m, small)), SPLAT(1.0f));
  v128_t z = MUL(m, m);
  v128_t y = SPLAT(7.0376836292e-2f);
  y = ADD(MUL(y, m), SPLAT(-1.1514610310e-1f));
  y = ADD(MUL(y, m), SPLAT(1.1676998740e-1f));
  y = ADD(MUL(y, m), SPLAT(-1.2420140846e-1f));
  y = ADD(MUL(y, m), SPLAT(1.4249322787e-1f));
  y = ADD(MUL(y, m), SPLAT(-1.6668057665e-1f));
  y = ADD(MUL(y, m), SPLAT(2.0000714765e-1f));
  y = ADD(MUL(y, m), SPLAT(-2.4999993993e-1f));
  y = ADD(MUL(y, m), SPLAT(3.3333331174e-1f));
  y = MUL(MUL(y, m), z);
  y = ADD(y, MUL(e, SPLAT(-2.12194440e-4f)));
  y = SUB(y, MUL(z, SPLAT(0.5f)));
  v128_t r = ADD(ADD(m, y), MUL(e, SPLAT(0.693359375f)));
  r = wasm_v128_bitselect(SPLAT(-__builtin_inff()), r, wasm_f32x4_eq(x, SPLAT(0.0f)));
  r = wasm_v128_bitselect(x, r, wasm_f32x4_eq(x, SPLAT(__builtin_inff())));
  return wasm_v128_bitselect(SPLAT(__builtin_nanf("")), r, wasm_v128_not(wasm_f32x4_ge(x, SPLAT(0.0f))));
}

// Applies f to n floats: whole vectors, then the last 1-3 elements lane by lane (never reading
// or writing past the tensor).
#define MAP(f, x, out, n)                                                                              \
  do {                                                                                                 \
    int i = 0;                                                                                         \
    for (; i + 4 <= (n); i += 4) wasm_v128_store((out) + i, f(wasm_v128_load((x) + i)));               \
    const int rem = (n) - i;                                                                           \
    if (rem > 0) {                                                                                     \
      v128_t r = f(wasm_f32x4_make((x)[i], rem > 1 ? (x)[i + 1] : 0.0f, rem > 2 ? (x)[i + 2] : 0.0f, 0.0f)); \
      (out)[i] = wasm_f32x4_extract_lane(r, 0);                                                        \
      if (rem > 1) (out)[i + 1] = wasm_f32x4_extract_lane(r, 1);                                       \
      if (rem > 2) (out)[i + 2] = wasm_f32x4_extract_lane(r, 2);                                       \
    }                                                                                                  \
  } while (0)

// tanh: an odd polynomial below |x| = 0.625 (no cancellation), 1 - 2/(e^{2|x|} + 1) above
// (|x| capped at 10: from 9.01 on the result rounds to 1), then x's sign (so tanh(-0) = -0).
// NaN stays NaN.
static inline v128_t tanh4(v128_t v) {
  v128_t ax = wasm_f32x4_abs(v);
  v128_t z = MUL(v, v);
  v128_t ps = SPLAT(-5.70498872745e-3f);
  ps = ADD(MUL(ps, z), SPLAT(2.06390887954e-2f));
  ps = SUB(MUL(ps, z), SPLAT(5.37397155531e-2f));
  ps = ADD(MUL(ps, z), SPLAT(1.33314422036e-1f));
  ps = SUB(MUL(ps, z), SPLAT(3.33332819422e-1f));
  ps = ADD(MUL(MUL(ps, z), v), v);
  v128_t e = exp4(wasm_f32x4_min(ADD(ax, ax), SPLAT(20.0f)));
  v128_t pl = SUB(SPLAT(1.0f), wasm_f32x4_div(SPLAT(2.0f), ADD(e, SPLAT(1.0f))));
  v128_t r = wasm_v128_bitselect(ps, pl, wasm_f32x4_lt(ax, SPLAT(0.625f)));
  return wasm_v128_bitselect(v, r, wasm_i32x4_splat((int)0x80000000));  // x's sign, magnitude from r
}

// e^x - 1 for x <= 0: a degree-8 Taylor polynomial above -0.5 (no cancellation), e^x - 1 below.
static inline v128_t expm1_neg4(v128_t x) {
  v128_t p = SPLAT(1.0f / 40320.0f);
  p = ADD(MUL(p, x), SPLAT(1.0f / 5040.0f));
  p = ADD(MUL(p, x), SPLAT(1.0f / 720.0f));
  p = ADD(MUL(p, x), SPLAT(1.0f / 120.0f));
  p = ADD(MUL(p, x), SPLAT(1.0f / 24.0f));
  p = ADD(MUL(p, x), SPLAT(1.0f / 6.0f));
  p = ADD(MUL(p, x), SPLAT(0.5f));
  p = ADD(MUL(MUL(p, x), x), x);
  v128_t big = SUB(exp4(x), SPLAT(1.0f));
  return wasm_v128_bitselect(p, big, wasm_f32x4_gt(x, SPLAT(-0.5f)));
}

// selu: scale * x for x >= 0, scale * alpha * (e^x - 1) below (tfjs's constants). NaN stays NaN.
static inline v128_t selu4(v128_t x) {
  v128_t pos = MUL(x, SPLAT(1.0507009873554804934193349852946f));
  v128_t neg = MUL(expm1_neg4(wasm_f32x4_min(x, SPLAT(0.0f))), SPLAT(1.7580993408473768599402175208123f));
  // x >= 0 takes scale * x; NaN fails the test and takes neg, which is NaN too.
  return wasm_v128_bitselect(pos, neg, wasm_f32x4_ge(x, SPLAT(0.0f)));
}

EXPORT("tanh_f32")
void tanh_f32(const float *x, float *out, int n) { MAP(tanh4, x, out, n); }

EXPORT("selu_f32")
void selu_f32(const float *x, float *out, int n) { MAP(selu4, x, out, n); }

// tfjs Softplus: e^x below ln(2^-23) + 2, x above its negation, log(1 + e^x) between, computed
// as max(x, 0) + log1p(e^-|x|) with log1p(u) = log(w) * u / (w - 1), w = 1 + u (exact where
// w rounds to 1), which keeps full relative accuracy for small u.
static inline v128_t softplus4(v128_t x) {
  const v128_t threshold = SPLAT(-13.942385152878742f);  // Math.log(2^-23) + 2, as tfjs
  v128_t u = exp4(wasm_f32x4_neg(wasm_f32x4_abs(x)));
  v128_t w = ADD(SPLAT(1.0f), u);
  v128_t wm1 = SUB(w, SPLAT(1.0f));
  v128_t l1p = wasm_v128_bitselect(u, wasm_f32x4_div(MUL(log4(w), u), wm1), wasm_f32x4_eq(wm1, SPLAT(0.0f)));
  v128_t mid = ADD(wasm_f32x4_pmax(x, SPLAT(0.0f)), l1p);
  v128_t r = wasm_v128_bitselect(u, mid, wasm_f32x4_lt(x, threshold));  // there x < 0, so u = e^x
  r = wasm_v128_bitselect(x, r, wasm_f32x4_gt(x, wasm_f32x4_neg(threshold)));
  return wasm_v128_bitselect(x, r, wasm_f32x4_ne(x, x));  // NaN stays NaN
}

// tfjs Exp.
static inline v128_t exp_op4(v128_t x) { return exp4(x); }

EXPORT("softplus_f32")
void softplus_f32(const float *x, float *out, int n) { MAP(softplus4, x, out, n); }

EXPORT("exp_f32")
void exp_f32(const float *x, float *out, int n) { MAP(exp_op4, x, out, n); }

// Selu gradient as tfjs defines it: dy * scale where x > 0, (dy * scale * alpha) * e^x elsewhere
// (NaN x gives NaN), in one pass instead of Greater, Exp, three Multiplies and a Select.
EXPORT("selu_grad_f32")
void selu_grad_f32(const float *dy, const float *x, float *out, int n) {
  const v128_t scale = SPLAT(1.0507009873554804934193349852946f), scaleAlpha = SPLAT(1.7580993408473768599402175208123f);
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    v128_t d = wasm_v128_load(dy + i), v = wasm_v128_load(x + i);
    v128_t neg = MUL(MUL(d, scaleAlpha), exp4(v));
    wasm_v128_store(out + i, wasm_v128_bitselect(MUL(d, scale), neg, wasm_f32x4_gt(v, SPLAT(0.0f))));
  }
  for (; i < n; i++) {
    v128_t d = wasm_f32x4_splat(dy[i]), v = wasm_f32x4_splat(x[i]);
    v128_t neg = MUL(MUL(d, scaleAlpha), exp4(v));
    out[i] = wasm_f32x4_extract_lane(wasm_v128_bitselect(MUL(d, scale), neg, wasm_f32x4_gt(v, SPLAT(0.0f))), 0);
  }
}

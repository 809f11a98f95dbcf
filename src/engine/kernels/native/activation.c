// Transcendental activations (tanh, selu) in SIMD, deterministic: fixed polynomial evaluations
// (Cephes single-precision coefficients), no libm. The cpu backend computes them in float64 and
// rounds; these stay within a few float32 ulps of that (tested).
#include "common.h"

#define ADD wasm_f32x4_add
#define SUB wasm_f32x4_sub
#define MUL wasm_f32x4_mul
#define SPLAT wasm_f32x4_splat

// e^x for x in [-88, 20] (callers stay inside): Cody-Waite reduction by ln 2, a degree-6
// polynomial, and 2^n put into the exponent bits (results below 2^-126 become 0).
static inline v128_t exp_f32x4(v128_t x) {
  x = wasm_f32x4_max(x, SPLAT(-88.0f));
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
  v128_t e = wasm_i32x4_shl(wasm_i32x4_add(wasm_i32x4_trunc_sat_f32x4(n), wasm_i32x4_splat(127)), 23);
  // n <= -127 would wrap the exponent field: give 0 there.
  e = wasm_v128_and(e, wasm_f32x4_gt(n, SPLAT(-127.0f)));
  return MUL(p, e);
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
  v128_t e = exp_f32x4(wasm_f32x4_min(ADD(ax, ax), SPLAT(20.0f)));
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
  v128_t big = SUB(exp_f32x4(wasm_f32x4_max(x, SPLAT(-88.0f))), SPLAT(1.0f));
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

// Batch normalisation over the channels (innermost axis) of a float32 tensor [rows][C].
#include "common.h"

// y = (x - mean[c]) * a[c] + offset[c], with a[c] = scale[c] / sqrt(variance[c] + eps)
// computed by the caller (float32). coef: [mean | a | offset], 3*C floats.
EXPORT("batch_norm_f32")
void batch_norm_f32(const float *x, const float *coef, float *y, int rows, int C) {
  const float *mean = coef, *a = coef + C, *off = coef + 2 * C;
  if (C % 4 == 0) {
    for (int r = 0; r < rows; r++) {
      const float *xr = x + r * C;
      float *yr = y + r * C;
      for (int c = 0; c < C; c += 4) {
        v128_t v = wasm_f32x4_sub(wasm_v128_load(xr + c), wasm_v128_load(mean + c));
        wasm_v128_store(yr + c, wasm_f32x4_add(wasm_f32x4_mul(v, wasm_v128_load(a + c)), wasm_v128_load(off + c)));
      }
    }
    return;
  }
  for (int r = 0; r < rows; r++) {
    for (int c = 0; c < C; c++) y[r * C + c] = (x[r * C + c] - mean[c]) * a[c] + off[c];
  }
}

// The two per-channel sums of the batch-norm gradient, in float64 (rounded once):
//   sumDy[c] = sum over rows of dy,  sumDyXm[c] = sum over rows of dy * (x - mean[c]).
// acc: scratch of 2*C doubles.
EXPORT("batch_norm_grad_sums_f32")
void batch_norm_grad_sums_f32(const float *dy, const float *x, const float *mean, float *sumDy, float *sumDyXm, double *acc,
                              int rows, int C) {
  for (int c = 0; c < 2 * C; c++) acc[c] = 0.0;
  double *s1 = acc, *s2 = acc + C;
  if (C % 4 == 0) {
    for (int r = 0; r < rows; r++) {
      const float *dr = dy + r * C, *xr = x + r * C;
      for (int c = 0; c < C; c += 4) {
        v128_t d = wasm_v128_load(dr + c);
        v128_t p = wasm_f32x4_mul(d, wasm_f32x4_sub(wasm_v128_load(xr + c), wasm_v128_load(mean + c)));
        v128_t dh = wasm_i32x4_shuffle(d, d, 2, 3, 0, 1), ph = wasm_i32x4_shuffle(p, p, 2, 3, 0, 1);
        wasm_v128_store(s1 + c, wasm_f64x2_add(wasm_v128_load(s1 + c), wasm_f64x2_promote_low_f32x4(d)));
        wasm_v128_store(s1 + c + 2, wasm_f64x2_add(wasm_v128_load(s1 + c + 2), wasm_f64x2_promote_low_f32x4(dh)));
        wasm_v128_store(s2 + c, wasm_f64x2_add(wasm_v128_load(s2 + c), wasm_f64x2_promote_low_f32x4(p)));
        wasm_v128_store(s2 + c + 2, wasm_f64x2_add(wasm_v128_load(s2 + c + 2), wasm_f64x2_promote_low_f32x4(ph)));
      }
    }
  } else {
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < C; c++) {
        float d = dy[r * C + c];
        s1[c] += (double)d;
        s2[c] += (double)(d * (x[r * C + c] - mean[c]));
      }
    }
  }
  for (int c = 0; c < C; c++) {
    sumDy[c] = (float)s1[c];
    sumDyXm[c] = (float)s2[c];
  }
}

// Sums over the leading axes of a float32 tensor viewed as [rows][inner]: out[c] = sum over r
// of x[r][c]. Accumulates in float64, row by row in memory order, and rounds once, so results
// do not depend on how the work is split and match a sequential float64 sum.
#include "common.h"

// acc: scratch of `inner` doubles. scale multiplies each sum before rounding (1 for Sum,
// 1/rows for Mean, applied as a division by `divisor` when divisor != 0).
EXPORT("sum_leading_f32")
void sum_leading_f32(const float *x, float *out, double *acc, int rows, int inner, double divisor) {
  for (int c = 0; c < inner; c++) acc[c] = 0.0;
  if (inner % 4 == 0) {
    for (int r = 0; r < rows; r++) {
      const float *row = x + r * inner;
      for (int c = 0; c < inner; c += 4) {
        v128_t v = wasm_v128_load(row + c);
        v128_t lo = wasm_f64x2_promote_low_f32x4(v);
        v128_t hi = wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(v, v, 2, 3, 0, 1));
        wasm_v128_store(acc + c, wasm_f64x2_add(wasm_v128_load(acc + c), lo));
        wasm_v128_store(acc + c + 2, wasm_f64x2_add(wasm_v128_load(acc + c + 2), hi));
      }
    }
  } else if (inner == 1) {
    double s = 0.0;
    for (int r = 0; r < rows; r++) s += (double)x[r];
    acc[0] = s;
  } else {
    for (int r = 0; r < rows; r++) {
      const float *row = x + r * inner;
      for (int c = 0; c < inner; c++) acc[c] += (double)row[c];
    }
  }
  if (divisor != 0.0) {
    for (int c = 0; c < inner; c++) out[c] = (float)(acc[c] / divisor);
  } else {
    for (int c = 0; c < inner; c++) out[c] = (float)acc[c];
  }
}

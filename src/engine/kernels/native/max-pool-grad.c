// MaxPoolGrad, NHWC float32, any pool size, stride and padding, with tfjs's tie-breaking: in
// each window (row-major order) the first strict maximum wins; a window with no value above
// -Infinity (all -Infinity or NaN, or entirely padding) passes no gradient. Windows are visited
// in ascending output order; when windows overlap, each dx element sums its contributions in
// float64 in that order and is rounded once (as the cpu backend does), otherwise dx is written
// directly. Channels are handled 4 at a time (f32x4 compare + select of value and index).
#include "common.h"

static inline void give(float *dx, double *acc, int at, float g) {
  if (at < 0) return;
  if (acc) acc[at] += (double)g;
  else dx[at] = g;
}

// acc: 0 when windows cannot overlap (SH >= FH and SW >= FW), else N*H*W*C doubles of scratch.
EXPORT("max_pool_grad_f32")
void max_pool_grad_f32(const float *x, const float *dy, float *dx, double *acc, int N, int H, int W, int C, int OH,
                       int OW, int FH, int FW, int SH, int SW, int top, int left) {
  const int total = N * H * W * C;
  if (acc) {
    for (int i = 0; i < total; i++) acc[i] = 0.0;
  } else {
    __builtin_memset(dx, 0, (unsigned)total * sizeof(float));
  }
  const v128_t lanes = wasm_i32x4_make(0, 1, 2, 3);
  for (int n = 0; n < N; n++) {
    for (int oh = 0; oh < OH; oh++) {
      const int rc = oh * SH - top;
      const int r0 = rc < 0 ? 0 : rc, r1 = rc + FH < H ? rc + FH : H;
      for (int ow = 0; ow < OW; ow++) {
        const int cc = ow * SW - left;
        const int c0 = cc < 0 ? 0 : cc, c1 = cc + FW < W ? cc + FW : W;
        const float *g = dy + ((n * OH + oh) * OW + ow) * C;
        int d = 0;
        for (; d + 4 <= C; d += 4) {
          v128_t best = wasm_f32x4_splat(-__builtin_inff());
          v128_t at = wasm_i32x4_splat(-1);
          for (int r = r0; r < r1; r++) {
            for (int c = c0; c < c1; c++) {
              const int i = ((n * H + r) * W + c) * C + d;
              v128_t v = wasm_v128_load(x + i);
              v128_t m = wasm_f32x4_gt(v, best);
              best = wasm_v128_bitselect(v, best, m);
              at = wasm_v128_bitselect(wasm_i32x4_add(wasm_i32x4_splat(i), lanes), at, m);
            }
          }
          give(dx, acc, wasm_i32x4_extract_lane(at, 0), g[d]);
          give(dx, acc, wasm_i32x4_extract_lane(at, 1), g[d + 1]);
          give(dx, acc, wasm_i32x4_extract_lane(at, 2), g[d + 2]);
          give(dx, acc, wasm_i32x4_extract_lane(at, 3), g[d + 3]);
        }
        for (; d < C; d++) {
          float best = -__builtin_inff();
          int at = -1;
          for (int r = r0; r < r1; r++) {
            for (int c = c0; c < c1; c++) {
              const int i = ((n * H + r) * W + c) * C + d;
              if (x[i] > best) {
                best = x[i];
                at = i;
              }
            }
          }
          give(dx, acc, at, g[d]);
        }
      }
    }
  }
  if (acc) {
    for (int i = 0; i < total; i++) dx[i] = (float)acc[i];
  }
}

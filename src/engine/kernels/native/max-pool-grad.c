// MaxPoolGrad, NHWC float32, any pool size, stride and padding, with tfjs's tie-breaking: in
// each window (row-major order) the first strict maximum wins; a window with no value above
// -Infinity (all -Infinity or NaN, or entirely padding) passes no gradient. Windows are visited
// in ascending output order; when windows overlap, each dx element sums its contributions in
// float64 in that order and is rounded once (as the cpu backend does), otherwise dx is written
// directly. Channels are handled 4 at a time (f32x4 compare + select of value and index); whole
// 2x2 windows without overlap take a branch-free path that writes masked dy vectors.
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
        if (!acc && r1 - r0 == 2 && c1 - c0 == 2) {
          // A whole 2x2 window that overlaps no other (the common pool): branch-free. m_k says
          // cell k raised the running maximum; the argmax is the last such cell, so each cell
          // gets dy where its mask is set and no later one is.
          const int i00 = ((n * H + r0) * W + c0) * C, i01 = i00 + C, i10 = i00 + W * C, i11 = i10 + C;
          for (; d + 4 <= C; d += 4) {
            v128_t v0 = wasm_v128_load(x + i00 + d), v1 = wasm_v128_load(x + i01 + d);
            v128_t v2 = wasm_v128_load(x + i10 + d), v3 = wasm_v128_load(x + i11 + d);
            v128_t m0 = wasm_f32x4_gt(v0, wasm_f32x4_splat(-__builtin_inff()));
            v128_t best = wasm_v128_bitselect(v0, wasm_f32x4_splat(-__builtin_inff()), m0);
            v128_t m1 = wasm_f32x4_gt(v1, best);
            best = wasm_v128_bitselect(v1, best, m1);
            v128_t m2 = wasm_f32x4_gt(v2, best);
            best = wasm_v128_bitselect(v2, best, m2);
            v128_t m3 = wasm_f32x4_gt(v3, best);
            v128_t later2 = m3, later1 = wasm_v128_or(m2, m3), later0 = wasm_v128_or(m1, later1);
            v128_t gv = wasm_v128_load(g + d);
            wasm_v128_store(dx + i11 + d, wasm_v128_and(gv, m3));
            wasm_v128_store(dx + i10 + d, wasm_v128_and(gv, wasm_v128_andnot(m2, later2)));
            wasm_v128_store(dx + i01 + d, wasm_v128_and(gv, wasm_v128_andnot(m1, later1)));
            wasm_v128_store(dx + i00 + d, wasm_v128_and(gv, wasm_v128_andnot(m0, later0)));
          }
        }
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

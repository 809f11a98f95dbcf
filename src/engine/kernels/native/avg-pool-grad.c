// AvgPoolGrad, NHWC float32, as the cpu backend defines it: every dy value of a window that
// covers a dx pixel contributes, summed in float64 in the same tap order (window row, then
// column), and the sum is multiplied by 1/(FH*FW) (the full window size, even where the window
// overlaps padding) before rounding once. A gather per dx pixel, 4 channels per f64x2 pair.
#include "common.h"

// acc: scratch of C doubles. mult = 1 / (FH * FW). padTop/padLeft are FH-1-top and FW-1-left.
EXPORT("avg_pool_grad_f32")
void avg_pool_grad_f32(const float *dy, float *dx, double *acc, int N, int H, int W, int C, int OH, int OW, int FH,
                       int FW, int SH, int SW, int padTop, int padLeft, double mult) {
  for (int b = 0; b < N; b++) {
    for (int r = 0; r < H; r++) {
      for (int c = 0; c < W; c++) {
        for (int d = 0; d < C; d++) acc[d] = 0.0;
        for (int wr = 0; wr < FH; wr++) {
          const int t = r - padTop + wr;
          if (t < 0 || t % SH != 0 || t / SH >= OH) continue;
          for (int wc = 0; wc < FW; wc++) {
            const int u = c - padLeft + wc;
            if (u < 0 || u % SW != 0 || u / SW >= OW) continue;
            const float *src = dy + ((b * OH + t / SH) * OW + u / SW) * C;
            int d = 0;
            for (; d + 4 <= C; d += 4) {
              v128_t v = wasm_v128_load(src + d);
              wasm_v128_store(acc + d, wasm_f64x2_add(wasm_v128_load(acc + d), wasm_f64x2_promote_low_f32x4(v)));
              wasm_v128_store(acc + d + 2, wasm_f64x2_add(wasm_v128_load(acc + d + 2),
                                                          wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(v, v, 2, 3, 0, 1))));
            }
            for (; d < C; d++) acc[d] += (double)src[d];
          }
        }
        float *o = dx + ((b * H + r) * W + c) * C;
        for (int d = 0; d < C; d++) o[d] = (float)(acc[d] * mult);
      }
    }
  }
}
